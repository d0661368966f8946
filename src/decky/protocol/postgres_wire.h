// The PostgreSQL frontend messages a decky reads before authentication (protocol 3.0): the
// untyped first message (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest) and the
// typed PasswordMessage. Lengths are checked against the bytes given and a fixed bound.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::decky {

inline constexpr std::uint32_t kPgMaxMessage = 10'000;

struct PgFirstMessage {
  enum class Kind { kStartup, kSslRequest, kGssRequest, kCancel, kUnknown };
  Kind kind = Kind::kUnknown;
  std::uint32_t protocol = 0;
  std::map<std::string, std::string> parameters;  // user, database, application_name, ...
};

// The length a message header announces (4 bytes, big endian, counting itself); nullopt when
// it is below 4 or above kPgMaxMessage.
std::optional<std::uint32_t> pg_length(std::string_view four_bytes);
// The first message: `body` is what follows its length field.
PgFirstMessage parse_pg_first_message(std::string_view body);
// A PasswordMessage's text (the body of a 'p' message, NUL-terminated).
std::optional<std::string> parse_pg_password(std::string_view body);

}  // namespace decnet::decky
