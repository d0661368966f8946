// The MySQL client/server protocol as a decky speaks it before authentication: the packet
// header, the server's HandshakeV10 (built), and the client's HandshakeResponse41 (read: user,
// auth-response, database, plugin) with every length checked against the packet. MariaDB
// clients speak the same.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::decky {

inline constexpr std::size_t kMysqlMaxPacket = 16'384;  // a login is a few hundred bytes

// Capability flags a decky looks at.
inline constexpr std::uint32_t kMysqlClientConnectWithDb = 0x00000008;
inline constexpr std::uint32_t kMysqlClientProtocol41 = 0x00000200;
inline constexpr std::uint32_t kMysqlClientSsl = 0x00000800;
inline constexpr std::uint32_t kMysqlClientSecureConnection = 0x00008000;
inline constexpr std::uint32_t kMysqlClientPluginAuth = 0x00080000;
inline constexpr std::uint32_t kMysqlClientConnectAttrs = 0x00100000;
inline constexpr std::uint32_t kMysqlClientLenencAuthData = 0x00200000;

struct MysqlPacketHeader {
  std::uint32_t length = 0;
  std::uint8_t sequence = 0;
};

struct MysqlHandshakeResponse {
  std::uint32_t capabilities = 0;
  bool ssl_request = false;  // the 32-byte SSLRequest that precedes a TLS handshake
  std::string username;
  std::string auth_response;  // raw bytes: the 20-byte scramble answer for native passwords
  std::string database;
  std::string plugin;
};

// The 4-byte header: 3-byte little-endian length, then the sequence id; nullopt above the bound.
std::optional<MysqlPacketHeader> parse_mysql_header(std::string_view four_bytes);
std::string mysql_packet(std::uint8_t sequence, std::string_view payload);

// The server greeting: protocol 10, `version`, `connection_id`, the 20-byte `scramble` and
// mysql_native_password as the plugin, without CLIENT_SSL.
std::string mysql_handshake_v10(std::string_view version, std::uint32_t connection_id,
                                std::string_view scramble);
// An ERR packet's payload (code, SQL state, message).
std::string mysql_error(std::uint16_t code, std::string_view sql_state, std::string_view message);

std::optional<MysqlHandshakeResponse> parse_mysql_handshake_response(std::string_view payload);

}  // namespace decnet::decky
