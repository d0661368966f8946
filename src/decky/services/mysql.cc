// MySQL 8 (as Debian's MariaDB and MySQL clients meet it) up to the password check: the
// greeting with a fresh scramble and mysql_native_password, the client's login read, and
// "Access denied" worded as the server words it. The login's answer to the scramble is the
// secret kept (mysql_native_password: SHA1-based, the password never crosses the wire), with
// the scramble beside it, which the reference's line lacks.
#include <array>
#include <atomic>

#include "core/hash.h"
#include "decky/protocol/mysql_wire.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

// 20 bytes a client reads as a scramble: printable and never NUL, as a server makes them.
std::string fresh_scramble() {
  std::array<std::uint8_t, 20> bytes{};
  core::secure_random_bytes(bytes);
  std::string out;
  for (const auto b : bytes) out += static_cast<char>(0x21 + b % 0x5e);
  return out;
}

class MysqlService final : public ConversationService {
 public:
  explicit MysqlService(std::string version) : version_(std::move(version)) {
    std::array<std::uint8_t, 2> start{};
    core::secure_random_bytes(start);
    next_id_ = 8 + (static_cast<std::uint32_t>(start[0]) << 8 | start[1]);
  }

 private:
  asio::awaitable<void> converse(Session& s) override {
    const std::uint32_t connection_id = next_id_++;
    const auto scramble = fresh_scramble();
    const bool greeted =
        co_await s.write(mysql_packet(0, mysql_handshake_v10(version_, connection_id, scramble)));
    if (!greeted) co_return;
    const auto head = co_await s.read_exact(4);
    const auto header = head ? parse_mysql_header(*head) : std::nullopt;
    if (!header) co_return;
    const auto payload = co_await s.read_exact(header->length);
    if (!payload) co_return;
    const auto login = parse_mysql_handshake_response(*payload);
    if (!login || login->ssl_request) {
      s.emit("protocol_error", {{"reason", login ? "TLS requested" : "malformed login"}});
      co_return;
    }
    Fields f{{"username", login->username}, {"connection_id", std::to_string(connection_id)}};
    if (!login->database.empty()) f.emplace_back("database", login->database);
    if (!login->auth_response.empty()) {
      const auto& raw = login->auth_response;
      f.emplace_back("principal", login->username);
      f.emplace_back("secret_kind", "mysql_native_password");
      f.emplace_back("secret_printable", core::to_hex(raw));
      f.emplace_back("secret_b64", encode_secret(raw).b64);
      // With the scramble the answer can be checked against a word list offline.
      f.emplace_back("scramble", core::to_hex(scramble));
    }
    s.emit("auth", std::move(f));
    const auto denied = "Access denied for user '" + login->username.substr(0, 64) + "'@'" +
                        s.peer_ip() +
                        "' (using password: " + (login->auth_response.empty() ? "NO" : "YES") + ")";
    co_await s.write(mysql_packet(static_cast<std::uint8_t>(header->sequence + 1),
                                  mysql_error(1045, "28000", denied)));
  }

  std::string version_;
  std::atomic<std::uint32_t> next_id_{0};
};

}  // namespace

std::unique_ptr<Service> make_mysql_service(const Persona&, const ServiceSettings& settings) {
  return std::make_unique<MysqlService>(setting(settings, "version"));
}

}  // namespace decnet::decky
