#include "decky/protocol/mysql_wire.h"

namespace decnet::decky {
namespace {

// The server's capabilities: 4.1 protocol, secure connection, plugin auth, long passwords, with
// database, connect attributes, length-encoded auth data; no TLS.
constexpr std::uint32_t kServerCapabilities =
    0x00000001 | 0x00000004 | kMysqlClientConnectWithDb | kMysqlClientProtocol41 | 0x00002000 |
    kMysqlClientSecureConnection | kMysqlClientPluginAuth | kMysqlClientConnectAttrs |
    kMysqlClientLenencAuthData;

std::string le(std::uint64_t v, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

std::uint32_t read_le(std::string_view b) {
  std::uint32_t v = 0;
  for (std::size_t i = b.size(); i > 0; --i) v = (v << 8) | static_cast<unsigned char>(b[i - 1]);
  return v;
}

// Reads from a payload front to back; every read fails once the payload is exhausted.
class Cursor {
 public:
  explicit Cursor(std::string_view in) : in_(in) {}
  std::optional<std::string_view> take(std::size_t n) {
    if (in_.size() < n) return std::nullopt;
    auto out = in_.substr(0, n);
    in_.remove_prefix(n);
    return out;
  }
  std::optional<std::string_view> take_nul_terminated() {
    const auto end = in_.find('\0');
    if (end == std::string_view::npos) return std::nullopt;
    auto out = in_.substr(0, end);
    in_.remove_prefix(end + 1);
    return out;
  }
  // A length-encoded integer (1, 3, 4 or 9 bytes); nullopt for the NULL and ERR markers.
  std::optional<std::uint64_t> take_lenenc() {
    const auto first = take(1);
    if (!first) return std::nullopt;
    const auto b = static_cast<unsigned char>((*first)[0]);
    if (b < 0xfb) return b;
    const int width = b == 0xfc ? 2 : b == 0xfd ? 3 : b == 0xfe ? 8 : 0;
    if (width == 0) return std::nullopt;
    const auto bytes = take(static_cast<std::size_t>(width));
    if (!bytes) return std::nullopt;
    std::uint64_t v = 0;
    for (int i = width; i > 0; --i) {
      v = (v << 8) | static_cast<unsigned char>((*bytes)[static_cast<std::size_t>(i - 1)]);
    }
    return v;
  }
  bool empty() const { return in_.empty(); }

 private:
  std::string_view in_;
};

}  // namespace

std::optional<MysqlPacketHeader> parse_mysql_header(std::string_view four_bytes) {
  if (four_bytes.size() != 4) return std::nullopt;
  MysqlPacketHeader h;
  h.length = read_le(four_bytes.substr(0, 3));
  h.sequence = static_cast<std::uint8_t>(four_bytes[3]);
  if (h.length > kMysqlMaxPacket) return std::nullopt;
  return h;
}

std::string mysql_packet(std::uint8_t sequence, std::string_view payload) {
  return le(payload.size(), 3) + static_cast<char>(sequence) + std::string(payload);
}

std::string mysql_handshake_v10(std::string_view version, std::uint32_t connection_id,
                                std::string_view scramble) {
  std::string p(1, '\x0a');
  p += version;
  p += '\0';
  p += le(connection_id, 4);
  p += scramble.substr(0, 8);
  p += '\0';
  p += le(kServerCapabilities & 0xffff, 2);
  p += '\xff';         // utf8mb4_0900_ai_ci
  p += le(0x0002, 2);  // SERVER_STATUS_AUTOCOMMIT
  p += le(kServerCapabilities >> 16, 2);
  p += static_cast<char>(21);  // scramble length with its NUL
  p += std::string(10, '\0');
  p += scramble.substr(8, 12);
  p += '\0';
  p += "mysql_native_password";
  p += '\0';
  return p;
}

std::string mysql_error(std::uint16_t code, std::string_view sql_state, std::string_view message) {
  return "\xff" + le(code, 2) + "#" + std::string(sql_state.substr(0, 5)) + std::string(message);
}

std::optional<MysqlHandshakeResponse> parse_mysql_handshake_response(std::string_view payload) {
  Cursor c(payload);
  MysqlHandshakeResponse r;
  const auto caps = c.take(4);
  if (!caps) return std::nullopt;
  r.capabilities = read_le(*caps);
  if (!(r.capabilities & kMysqlClientProtocol41)) return std::nullopt;  // 3.x clients: none left
  if (!c.take(4) || !c.take(1) || !c.take(23)) return std::nullopt;  // max packet, charset, filler
  if (c.empty() && (r.capabilities & kMysqlClientSsl)) {
    r.ssl_request = true;
    return r;
  }
  const auto user = c.take_nul_terminated();
  if (!user) return std::nullopt;
  r.username = std::string(*user);
  std::optional<std::string_view> auth;
  if (r.capabilities & kMysqlClientLenencAuthData) {
    const auto n = c.take_lenenc();
    if (!n || *n > payload.size()) return std::nullopt;
    auth = c.take(static_cast<std::size_t>(*n));
  } else if (r.capabilities & kMysqlClientSecureConnection) {
    const auto n = c.take(1);
    if (!n) return std::nullopt;
    auth = c.take(static_cast<unsigned char>((*n)[0]));
  } else {
    auth = c.take_nul_terminated();
  }
  if (!auth) return std::nullopt;
  r.auth_response = std::string(*auth);
  if (r.capabilities & kMysqlClientConnectWithDb) {
    const auto db = c.take_nul_terminated();
    if (!db) return r;  // a client may announce a database and send none
    r.database = std::string(*db);
  }
  if (r.capabilities & kMysqlClientPluginAuth) {
    if (const auto plugin = c.take_nul_terminated()) r.plugin = std::string(*plugin);
  }
  return r;
}

}  // namespace decnet::decky
