#include "decky/protocol/postgres_wire.h"

#include "decky/protocol/byte_order.h"

namespace decnet::decky {

std::optional<std::uint32_t> pg_length(std::string_view four_bytes) {
  if (four_bytes.size() != 4) return std::nullopt;
  const auto n = read_be32(four_bytes, 0);
  if (n < 4 || n > kPgMaxMessage) return std::nullopt;
  return n;
}

PgFirstMessage parse_pg_first_message(std::string_view body) {
  PgFirstMessage out;
  if (body.size() < 4) return out;
  out.protocol = read_be32(body, 0);
  switch (out.protocol) {
    case 80877103:
      out.kind = PgFirstMessage::Kind::kSslRequest;
      return out;
    case 80877104:
      out.kind = PgFirstMessage::Kind::kGssRequest;
      return out;
    case 80877102:
      out.kind = PgFirstMessage::Kind::kCancel;
      return out;
    default:
      break;
  }
  if (out.protocol >> 16 != 3) return out;
  std::size_t at = 4;
  while (at < body.size() && body[at] != '\0' && out.parameters.size() < 64) {
    const auto key_end = body.find('\0', at);
    if (key_end == std::string_view::npos) return out;
    const auto value_end = body.find('\0', key_end + 1);
    if (value_end == std::string_view::npos) return out;
    out.parameters.emplace(std::string(body.substr(at, key_end - at)),
                           std::string(body.substr(key_end + 1, value_end - key_end - 1)));
    at = value_end + 1;
  }
  out.kind = PgFirstMessage::Kind::kStartup;
  return out;
}

std::optional<std::string> parse_pg_password(std::string_view body) {
  const auto end = body.find('\0');
  if (end == std::string_view::npos) return std::nullopt;
  return std::string(body.substr(0, end));
}

}  // namespace decnet::decky
