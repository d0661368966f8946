#include "decky/protocol/ntlmssp.h"

#include <chrono>

#include "core/utf8.h"
#include "decky/protocol/byte_order.h"
#include "decky/protocol/utf16.h"

namespace decnet::decky {
namespace {

constexpr std::string_view kSignature{"NTLMSSP\0", 8};

enum : std::uint32_t {
  kUnicode = 0x00000001,
  kOem = 0x00000002,
  kRequestTarget = 0x00000004,
  kSign = 0x00000010,
  kSeal = 0x00000020,
  kNtlm = 0x00000200,
  kAlwaysSign = 0x00008000,
  kTargetTypeServer = 0x00020000,
  kExtendedSessionSecurity = 0x00080000,
  kTargetInfo = 0x00800000,
  kVersion = 0x02000000,
  k128 = 0x20000000,
  kKeyExchange = 0x40000000,
  k56 = 0x80000000,
};

// What this server agrees to when the client asks for it.
constexpr std::uint32_t kAgreeable =
    kSign | kSeal | kAlwaysSign | kExtendedSessionSecurity | k128 | kKeyExchange | k56;

constexpr std::size_t kChallengeHeaderBytes = 56;
constexpr std::size_t kAuthenticateMinBytes = 64;

// A (length, max length, offset) field pointing into the message; nullopt when it lies outside.
std::optional<std::string_view> payload_field(std::string_view m, std::size_t at) {
  if (at + 8 > m.size()) return std::nullopt;
  const std::size_t length = read_le16(m, at);
  const std::size_t offset = read_le32(m, at + 4);
  if (length == 0) return std::string_view{};
  if (offset > m.size() || length > m.size() - offset) return std::nullopt;
  return m.substr(offset, length);
}

std::string field_header(std::size_t length, std::size_t offset) {
  return le16_bytes(static_cast<std::uint32_t>(length)) +
         le16_bytes(static_cast<std::uint32_t>(length)) +
         le32_bytes(static_cast<std::uint32_t>(offset));
}

std::string av_pair(std::uint16_t id, std::string_view value) {
  return le16_bytes(id) + le16_bytes(static_cast<std::uint32_t>(value.size())) + std::string(value);
}

}  // namespace

std::optional<std::uint32_t> ntlm_message_type(std::string_view token) {
  if (token.size() < 12 || token.substr(0, 8) != kSignature) return std::nullopt;
  return read_le32(token, 8);
}

std::optional<std::uint32_t> parse_ntlm_negotiate(std::string_view token) {
  if (ntlm_message_type(token) != kNtlmNegotiate || token.size() < 16) return std::nullopt;
  return read_le32(token, 12);
}

std::string ntlm_challenge(std::uint32_t client_flags, const NtlmServerIdentity& server,
                           const std::array<std::uint8_t, 8>& server_challenge) {
  const bool unicode = (client_flags & kUnicode) != 0 || (client_flags & kOem) == 0;
  const std::uint32_t flags = (client_flags & kAgreeable) | (unicode ? kUnicode : kOem) |
                              kRequestTarget | kNtlm | kTargetTypeServer | kTargetInfo | kVersion;
  const auto text = [&](std::string_view s) {
    return unicode ? utf8_to_utf16le(s) : std::string(s);
  };
  const std::string target_name = text(server.netbios_computer);
  std::string target_info = av_pair(2, utf8_to_utf16le(server.netbios_domain)) +
                            av_pair(1, utf8_to_utf16le(server.netbios_computer)) +
                            av_pair(4, utf8_to_utf16le(server.dns_domain)) +
                            av_pair(3, utf8_to_utf16le(server.dns_computer)) +
                            av_pair(7, le64_bytes(server.filetime)) + av_pair(0, {});
  std::string out(kSignature);
  out += le32_bytes(kNtlmChallenge);
  out += field_header(target_name.size(), kChallengeHeaderBytes);
  out += le32_bytes(flags);
  out.append(server_challenge.begin(), server_challenge.end());
  out += std::string(8, '\0');
  out += field_header(target_info.size(), kChallengeHeaderBytes + target_name.size());
  out += std::string("\x06\x01\x00\x00\x00\x00\x00\x0f", 8);  // 6.1, NTLMSSP revision 15
  out += target_name;
  out += target_info;
  return out;
}

std::string_view NtlmAuthenticate::secret_kind() const {
  return nt_response.size() == 24 ? "ntlmssp_v1" : "ntlmssp_v2";
}

std::string NtlmAuthenticate::principal() const {
  return domain.empty() ? user : domain + "\\" + user;
}

std::optional<NtlmAuthenticate> parse_ntlm_authenticate(std::string_view m) {
  if (ntlm_message_type(m) != kNtlmAuthenticate || m.size() < kAuthenticateMinBytes) {
    return std::nullopt;
  }
  const auto lm = payload_field(m, 12);
  const auto nt = payload_field(m, 20);
  const auto domain = payload_field(m, 28);
  const auto user = payload_field(m, 36);
  const auto workstation = payload_field(m, 44);
  if (!lm || !nt || !domain || !user || !workstation) return std::nullopt;
  NtlmAuthenticate a;
  a.flags = read_le32(m, 60);
  const auto text = [&](std::string_view s) {
    return (a.flags & kUnicode) != 0 ? utf16le_to_utf8(s) : core::sanitize_utf8(s);
  };
  a.user = text(*user);
  a.domain = text(*domain);
  a.workstation = text(*workstation);
  a.lm_response = std::string(*lm);
  a.nt_response = std::string(*nt);
  return a;
}

std::uint64_t windows_filetime(std::int64_t unix_seconds) {
  constexpr std::int64_t kEpochDifference = 11'644'473'600;  // 1601 to 1970, in seconds
  return static_cast<std::uint64_t>(unix_seconds + kEpochDifference) * 10'000'000ULL;
}

std::uint64_t windows_filetime_now() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return windows_filetime(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

}  // namespace decnet::decky
