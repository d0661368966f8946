// Microsoft SQL Server's TDS (7.x, [MS-TDS]) as a decky speaks it before authentication: the
// 8-byte packet header, the PRELOGIN exchange (answered "encryption not supported", so the login
// comes in clear), the LOGIN7 record read — user, password (de-obfuscated), host, application,
// server and database, every offset checked against the record — and the error a failed login
// gets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::decky {

inline constexpr std::size_t kTdsHeaderBytes = 8;
inline constexpr std::size_t kTdsMaxMessage = 16'384;  // a login is well under 1 KiB

enum TdsPacketType : std::uint8_t {
  kTdsTabularResult = 0x04,
  kTdsLogin7 = 0x10,
  kTdsPrelogin = 0x12,
};

struct TdsHeader {
  std::uint8_t type = 0;
  bool end_of_message = false;
  std::uint16_t length = 0;  // with the header
};

struct TdsLogin {
  std::uint32_t tds_version = 0;
  std::string hostname, username, password, app_name, server_name, library, database;
};

// Nullopt when the length is shorter than the header itself.
std::optional<TdsHeader> parse_tds_header(std::string_view eight_bytes);
std::string tds_packet(std::uint8_t type, std::string_view payload);

// The PRELOGIN answer: server version 15.0 (SQL Server 2019), encryption not supported.
std::string tds_prelogin_response();
// A LOGIN7 record (the packets' payloads joined); nullopt when a field lies outside it.
std::optional<TdsLogin> parse_tds_login7(std::string_view record);
// ERROR 18456 "Login failed for user '<user>'." then DONE with the error bit, as one response.
std::string tds_login_failed(std::string_view username, std::string_view server_name);

}  // namespace decnet::decky
