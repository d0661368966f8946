// SMB as a server reads and writes it up to the login ([MS-SMB2], with [MS-CIFS] for the one
// SMB1 request clients still open with): the NetBIOS session framing of ports 139 and 445, the
// SMB1 dialect list (answered with SMB2's "2.???" so the client moves up), SMB2 NEGOTIATE and
// SESSION_SETUP with their security buffers, and the responses and error bodies. Everything is
// read from the message's own bytes with every offset checked.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::decky {

// Before a login a client's messages are small: the largest is a session setup's token.
inline constexpr std::size_t kSmbMaxMessage = 65'536;
inline constexpr std::size_t kSmb2HeaderBytes = 64;

enum NetbiosType : std::uint8_t {
  kNetbiosMessage = 0x00,
  kNetbiosSessionRequest = 0x81,
  kNetbiosPositiveResponse = 0x82,
  kNetbiosKeepAlive = 0x85,
};

struct NetbiosHeader {
  std::uint8_t type = 0;
  std::uint32_t length = 0;  // of what follows the four bytes
};

NetbiosHeader parse_netbios_header(std::string_view four_bytes);
std::string netbios_frame(std::uint8_t type, std::string_view message);

enum Smb2Command : std::uint16_t {
  kSmb2Negotiate = 0x0000,
  kSmb2SessionSetup = 0x0001,
  kSmb2Logoff = 0x0002,
  kSmb2Echo = 0x000d,
};

enum Smb2Status : std::uint32_t {
  kStatusSuccess = 0x00000000,
  kStatusMoreProcessingRequired = 0xc0000016,
  kStatusAccessDenied = 0xc0000022,
  kStatusLogonFailure = 0xc000006d,
  kStatusNotSupported = 0xc00000bb,
};

enum class SmbKind { kSmb1, kSmb2, kOther };
SmbKind smb_kind(std::string_view message);

// The dialect strings of an SMB1 NEGOTIATE; nullopt when the message is not one.
std::optional<std::vector<std::string>> parse_smb1_negotiate(std::string_view message);
// The SMB2 dialect an SMB1 client is answered with: 0x02ff ("2.???", more to come) or 0x0202
// when it offers either, 0 when it speaks SMB1 only.
std::uint16_t smb2_dialect_for_smb1(const std::vector<std::string>& dialects);

struct Smb2Header {
  std::uint16_t credit_charge = 0;
  std::uint32_t status = 0;
  std::uint16_t command = 0;
  std::uint16_t credits = 0;
  std::uint32_t flags = 0;
  std::uint64_t message_id = 0;
  std::uint32_t process_id = 0;
  std::uint32_t tree_id = 0;
  std::uint64_t session_id = 0;
};

std::optional<Smb2Header> parse_smb2_header(std::string_view message);

struct Smb2NegotiateRequest {
  std::vector<std::uint16_t> dialects;
  std::string client_guid;  // 16 raw bytes
};

std::optional<Smb2NegotiateRequest> parse_smb2_negotiate(std::string_view message);
// The security buffer of a SESSION_SETUP request; nullopt when it lies outside the message.
std::optional<std::string_view> parse_smb2_session_setup(std::string_view message);

// The highest offered dialect this server speaks (2.0.2 to 3.0.2: 3.1.1 needs negotiate
// contexts and pre-authentication hashing it has no use for); 0 when none.
std::uint16_t choose_smb2_dialect(const std::vector<std::uint16_t>& offered);
// "2.0.2", "3.1.1", "2.???"; hex for a value no Windows release used.
std::string smb2_dialect_name(std::uint16_t dialect);

struct Smb2Server {
  std::array<std::uint8_t, 16> guid{};
  std::uint64_t filetime = 0;
};

// A whole response message: the header answering `request` (message id, credits, process and
// tree ids), with `status` and `session_id`, then `body`.
std::string smb2_response(const Smb2Header& request, std::uint32_t status, std::uint64_t session_id,
                          std::string_view body);
std::string smb2_negotiate_body(std::uint16_t dialect, const Smb2Server& server,
                                std::string_view security_blob);
std::string smb2_session_setup_body(std::string_view security_blob);
std::string smb2_echo_body();
std::string smb2_error_body();

}  // namespace decnet::decky
