#include "decky/protocol/smb_message.h"

#include <algorithm>
#include <cstdio>

#include "decky/protocol/byte_order.h"

namespace decnet::decky {
namespace {

constexpr std::string_view kSmb1Magic{"\xffSMB", 4};
constexpr std::string_view kSmb2Magic{"\xfeSMB", 4};
constexpr std::size_t kSmb1HeaderBytes = 32;
constexpr std::uint8_t kSmb1Negotiate = 0x72;
constexpr std::uint32_t kServerToRedirector = 0x00000001;
constexpr std::uint16_t kHighestDialect = 0x0302;
constexpr std::uint16_t kMaxCreditsGranted = 64;

}  // namespace

NetbiosHeader parse_netbios_header(std::string_view b) {
  NetbiosHeader h;
  h.type = static_cast<std::uint8_t>(b[0]);
  // The length is 17 bits in RFC 1002 and 24 in SMB over TCP; 24 covers both.
  h.length = (std::uint32_t{static_cast<unsigned char>(b[1])} << 16) |
             (std::uint32_t{static_cast<unsigned char>(b[2])} << 8) |
             std::uint32_t{static_cast<unsigned char>(b[3])};
  return h;
}

std::string netbios_frame(std::uint8_t type, std::string_view message) {
  const auto n = static_cast<std::uint32_t>(message.size());
  std::string out{static_cast<char>(type), static_cast<char>((n >> 16) & 0xff),
                  static_cast<char>((n >> 8) & 0xff), static_cast<char>(n & 0xff)};
  return out + std::string(message);
}

SmbKind smb_kind(std::string_view m) {
  if (m.size() >= kSmb1HeaderBytes && m.substr(0, 4) == kSmb1Magic) return SmbKind::kSmb1;
  if (m.size() >= kSmb2HeaderBytes && m.substr(0, 4) == kSmb2Magic) return SmbKind::kSmb2;
  return SmbKind::kOther;
}

std::optional<std::vector<std::string>> parse_smb1_negotiate(std::string_view m) {
  if (smb_kind(m) != SmbKind::kSmb1 || static_cast<std::uint8_t>(m[4]) != kSmb1Negotiate ||
      m.size() < kSmb1HeaderBytes + 3) {
    return std::nullopt;
  }
  const std::size_t words = static_cast<unsigned char>(m[kSmb1HeaderBytes]);
  const std::size_t at = kSmb1HeaderBytes + 1 + 2 * words;
  if (at + 2 > m.size()) return std::nullopt;
  const std::size_t count = read_le16(m, at);
  if (count > m.size() - at - 2) return std::nullopt;
  std::string_view bytes = m.substr(at + 2, count);
  std::vector<std::string> dialects;
  while (!bytes.empty() && dialects.size() < 32) {
    if (bytes[0] != '\x02') return std::nullopt;  // buffer format: dialect string
    const auto end = bytes.find('\0', 1);
    if (end == std::string_view::npos) return std::nullopt;
    dialects.emplace_back(bytes.substr(1, std::min<std::size_t>(end - 1, 64)));
    bytes.remove_prefix(end + 1);
  }
  return dialects;
}

std::uint16_t smb2_dialect_for_smb1(const std::vector<std::string>& dialects) {
  const auto offers = [&](std::string_view d) {
    return std::find(dialects.begin(), dialects.end(), d) != dialects.end();
  };
  if (offers("SMB 2.???")) return 0x02ff;
  if (offers("SMB 2.002")) return 0x0202;
  return 0;
}

std::optional<Smb2Header> parse_smb2_header(std::string_view m) {
  if (smb_kind(m) != SmbKind::kSmb2 || read_le16(m, 4) != kSmb2HeaderBytes) return std::nullopt;
  Smb2Header h;
  h.credit_charge = read_le16(m, 6);
  h.status = read_le32(m, 8);
  h.command = read_le16(m, 12);
  h.credits = read_le16(m, 14);
  h.flags = read_le32(m, 16);
  h.message_id = read_le64(m, 24);
  h.process_id = read_le32(m, 32);
  h.tree_id = read_le32(m, 36);
  h.session_id = read_le64(m, 40);
  return h;
}

std::optional<Smb2NegotiateRequest> parse_smb2_negotiate(std::string_view m) {
  constexpr std::size_t kFixed = 36;
  if (m.size() < kSmb2HeaderBytes + kFixed) return std::nullopt;
  const auto body = m.substr(kSmb2HeaderBytes);
  if (read_le16(body, 0) != kFixed) return std::nullopt;
  const std::size_t count = read_le16(body, 2);
  if (count == 0 || count > (body.size() - kFixed) / 2) return std::nullopt;
  Smb2NegotiateRequest r;
  r.client_guid = std::string(body.substr(12, 16));
  for (std::size_t i = 0; i < count && i < 64; ++i)
    r.dialects.push_back(read_le16(body, kFixed + 2 * i));
  return r;
}

std::optional<std::string_view> parse_smb2_session_setup(std::string_view m) {
  constexpr std::size_t kFixed = 24;
  if (m.size() < kSmb2HeaderBytes + kFixed) return std::nullopt;
  const auto body = m.substr(kSmb2HeaderBytes);
  if (read_le16(body, 0) != 25) return std::nullopt;
  const std::size_t offset = read_le16(body, 12);
  const std::size_t length = read_le16(body, 14);
  if (length == 0) return std::string_view{};
  if (offset > m.size() || length > m.size() - offset) return std::nullopt;
  return m.substr(offset, length);
}

std::uint16_t choose_smb2_dialect(const std::vector<std::uint16_t>& offered) {
  std::uint16_t best = 0;
  for (const auto d : offered) {
    const bool known = d == 0x0202 || d == 0x0210 || d == 0x0300 || d == 0x0302;
    if (known && d <= kHighestDialect && d > best) best = d;
  }
  return best;
}

std::string smb2_dialect_name(std::uint16_t d) {
  switch (d) {
    case 0x0202:
      return "2.0.2";
    case 0x0210:
      return "2.1";
    case 0x0300:
      return "3.0";
    case 0x0302:
      return "3.0.2";
    case 0x0311:
      return "3.1.1";
    case 0x02ff:
      return "2.???";
    default: {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%04x", d);
      return hex;
    }
  }
}

std::string smb2_response(const Smb2Header& request, std::uint32_t status, std::uint64_t session_id,
                          std::string_view body) {
  std::string out(kSmb2Magic);
  out += le16_bytes(kSmb2HeaderBytes);
  out += le16_bytes(request.credit_charge);
  out += le32_bytes(status);
  out += le16_bytes(request.command);
  out += le16_bytes(std::clamp<std::uint16_t>(request.credits, 1, kMaxCreditsGranted));
  out += le32_bytes(kServerToRedirector);
  out += le32_bytes(0);  // next command: never a compound answer
  out += le64_bytes(request.message_id);
  out += le32_bytes(request.process_id);
  out += le32_bytes(request.tree_id);
  out += le64_bytes(session_id);
  out += std::string(16, '\0');  // signature: nothing here is signed before a login
  return out + std::string(body);
}

std::string smb2_negotiate_body(std::uint16_t dialect, const Smb2Server& server,
                                std::string_view security_blob) {
  constexpr std::uint32_t kDfs = 0x01, kLargeMtu = 0x04;
  constexpr std::uint32_t kMaxSize = 8 << 20;
  std::string b = le16_bytes(65);
  b += le16_bytes(0x0001);  // signing enabled, not required: Samba's default
  b += le16_bytes(dialect);
  b += le16_bytes(0);
  b.append(server.guid.begin(), server.guid.end());
  b += le32_bytes(dialect >= 0x0210 && dialect != 0x02ff ? kDfs | kLargeMtu : kDfs);
  b += le32_bytes(kMaxSize) + le32_bytes(kMaxSize) + le32_bytes(kMaxSize);
  b += le64_bytes(server.filetime);
  b += le64_bytes(0);  // server start time: not given, as Samba
  b += le16_bytes(static_cast<std::uint32_t>(kSmb2HeaderBytes + 64));
  b += le16_bytes(static_cast<std::uint32_t>(security_blob.size()));
  b += le32_bytes(0);
  return b + std::string(security_blob);
}

std::string smb2_session_setup_body(std::string_view security_blob) {
  std::string b = le16_bytes(9);
  b += le16_bytes(0);  // session flags
  b += le16_bytes(security_blob.empty() ? 0 : static_cast<std::uint32_t>(kSmb2HeaderBytes + 8));
  b += le16_bytes(static_cast<std::uint32_t>(security_blob.size()));
  return security_blob.empty() ? b + '\0' : b + std::string(security_blob);
}

std::string smb2_echo_body() {
  return le16_bytes(4) + le16_bytes(0);
}

std::string smb2_error_body() {
  return le16_bytes(9) + std::string(7, '\0');
}

}  // namespace decnet::decky
