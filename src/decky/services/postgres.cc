// PostgreSQL 15 as it answers a client before authentication: SSL and GSS encryption declined,
// the startup's user and database reported, an MD5 password challenge with a fresh salt, the
// answer captured (secret_kind postgres_md5_challenge: the salted hash, never the password),
// and "password authentication failed" as the server words it.
#include <openssl/rand.h>

#include "core/hash.h"
#include "decky/protocol/byte_order.h"
#include "decky/protocol/postgres_wire.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

std::string message(char type, const std::string& body) {
  return type + be32_bytes(static_cast<std::uint32_t>(body.size() + 4)) + body;
}

std::string fatal(const std::string& code, const std::string& text) {
  std::string body;
  for (const auto& [field, value] :
       {std::pair<char, std::string>{'S', "FATAL"}, {'V', "FATAL"}, {'C', code}, {'M', text}}) {
    body += field;
    body += value;
    body += '\0';
  }
  body += '\0';
  return message('E', body);
}

// 16 raw bytes from "md5" + 32 hex digits; the text itself when it is not that shape.
std::string md5_secret(const std::string& answer) {
  if (answer.size() != 35 || answer.rfind("md5", 0) != 0) return answer;
  return core::from_hex(std::string_view(answer).substr(3)).value_or(answer);
}

class PostgresService final : public ConversationService {
 public:
 private:
  asio::awaitable<void> converse(Session& s) override {
    PgFirstMessage first;
    for (int round = 0; round < 3; ++round) {  // SSLRequest, GSSENCRequest, then the startup
      const auto header = co_await s.read_exact(4);
      const auto length = header ? pg_length(*header) : std::nullopt;
      if (!length || *length < 8) co_return;
      const auto body = co_await s.read_exact(*length - 4);
      if (!body) co_return;
      first = parse_pg_first_message(*body);
      if (first.kind != PgFirstMessage::Kind::kSslRequest &&
          first.kind != PgFirstMessage::Kind::kGssRequest) {
        break;
      }
      if (!co_await s.write("N")) co_return;
    }
    if (first.kind != PgFirstMessage::Kind::kStartup) {
      co_await s.write(fatal("08P01", "invalid frontend message type"));
      co_return;
    }
    const auto user = first.parameters["user"];
    const auto database =
        first.parameters.contains("database") ? first.parameters["database"] : user;
    s.emit("startup", {{"username", user}, {"database", database}});
    unsigned char salt[4];
    if (RAND_bytes(salt, sizeof salt) != 1) co_return;
    if (!co_await s.write(
            message('R', be32_bytes(5) + std::string(reinterpret_cast<char*>(salt), 4)))) {
      co_return;
    }
    const auto header = co_await s.read_exact(5);
    if (!header || (*header)[0] != 'p') co_return;
    const auto length = pg_length(header->substr(1));
    if (!length) co_return;
    const auto body = co_await s.read_exact(*length - 4);
    const auto answer = body ? parse_pg_password(*body) : std::nullopt;
    if (!answer) co_return;
    Fields f{{"username", user}, {"principal", user}, {"database", database}, {"pw_hash", *answer}};
    const auto secret = encode_secret(md5_secret(*answer));
    f.emplace_back("secret_kind", "postgres_md5_challenge");
    f.emplace_back("secret_printable", *answer);
    f.emplace_back("secret_b64", secret.b64);
    s.emit("auth", std::move(f));
    co_await s.write(
        fatal("28P01", "password authentication failed for user \"" + user.substr(0, 64) + "\""));
  }
};

}  // namespace

std::unique_ptr<Service> make_postgres_service(const Persona&, const ServiceSettings&) {
  return std::make_unique<PostgresService>();
}

}  // namespace decnet::decky
