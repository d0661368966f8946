// SQL Server 2019 up to the password check: PRELOGIN answered "encryption not supported" (so the
// LOGIN7 record comes in clear, its password only obfuscated), the login reported with the
// client's host, application, library and database, and "Login failed for user" (error 18456)
// as the server words it.
#include "core/text.h"
#include "decky/protocol/tds_login.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

struct TdsMessage {
  std::uint8_t type = 0;
  std::string payload;
};

class MssqlService final : public ConversationService {
 public:
  explicit MssqlService(const Persona& persona)
      : server_name_(core::ascii_upper(persona.hostname)) {}

 private:
  // One message: the payloads of its packets up to end-of-message, within kTdsMaxMessage.
  static asio::awaitable<std::optional<TdsMessage>> read_message(Session& s) {
    TdsMessage m;
    for (;;) {
      const auto head = co_await s.read_exact(kTdsHeaderBytes);
      const auto header = head ? parse_tds_header(*head) : std::nullopt;
      if (!header) co_return std::nullopt;
      const std::size_t body = header->length - kTdsHeaderBytes;
      if (m.payload.size() + body > kTdsMaxMessage) co_return std::nullopt;
      const auto payload = co_await s.read_exact(body);
      if (!payload) co_return std::nullopt;
      m.type = header->type;
      m.payload += *payload;
      if (header->end_of_message) co_return m;
    }
  }

  asio::awaitable<void> converse(Session& s) override {
    auto message = co_await read_message(s);
    if (!message) co_return;
    if (message->type == kTdsPrelogin) {
      const bool answered =
          co_await s.write(tds_packet(kTdsTabularResult, tds_prelogin_response()));
      if (!answered) co_return;
      message = co_await read_message(s);
      if (!message) co_return;
    }
    const auto login =
        message->type == kTdsLogin7 ? parse_tds_login7(message->payload) : std::nullopt;
    if (!login) {
      s.emit("protocol_error", {{"packet_type", std::to_string(message->type)}});
      co_return;
    }
    Fields f{{"hostname", login->hostname},
             {"app_name", login->app_name},
             {"library", login->library},
             {"database", login->database}};
    append_credential(f, login->username, login->password);
    s.emit("auth", std::move(f));
    co_await s.write(
        tds_packet(kTdsTabularResult, tds_login_failed(login->username, server_name_)));
  }

  std::string server_name_;
};

}  // namespace

std::unique_ptr<Service> make_mssql_service(const Persona& persona, const ServiceSettings&) {
  return std::make_unique<MssqlService>(persona);
}

}  // namespace decnet::decky
