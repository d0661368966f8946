// POP3 as Dovecot answers it: USER/PASS and AUTH PLAIN are captured (plaintext, outcome
// failure) and refused; nothing is ever in the mailbox.
#include "decky/protocol/text_protocol.h"
#include "decky/services/sasl_exchange.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

void emit_auth(Session& s, const std::string& user, const std::string& password) {
  Fields f;
  append_credential(f, user, password, {}, "failure");
  s.emit("auth", std::move(f));
}

class Pop3Service final : public Service {
 public:
  explicit Pop3Service(const ServiceSettings& s) : banner_(setting(s, "banner")) {}

  asio::awaitable<void> serve(std::shared_ptr<Session> s) override {
    s->emit("connect", {});
    co_await s->write("+OK " + banner_ + "\r\n");
    std::string user;
    int commands = 0;
    while (auto line = co_await s->read_line()) {
      if (++commands > 200) break;
      const auto cmd = parse_text_command(line->text);
      std::string reply;
      if (cmd.verb == "CAPA") {
        reply =
            "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nUSER\r\n"
            "SASL PLAIN\r\n.";
      } else if (cmd.verb == "USER") {
        user = cmd.arg;
        reply = "+OK";
      } else if (cmd.verb == "PASS") {
        emit_auth(*s, user, cmd.arg);
        reply = "-ERR [AUTH] Authentication failed.";
      } else if (cmd.verb == "AUTH") {
        const auto sp = parse_text_command(cmd.arg);
        if (sp.verb != "PLAIN") {
          reply = "-ERR Unsupported authentication mechanism.";
        } else {
          std::optional<std::string> response = sp.arg;
          if (response->empty()) response = co_await sasl_continuation(*s, "+ ");
          if (!response) break;
          if (const auto plain = decode_sasl_plain(*response)) {
            emit_auth(*s, plain->user, plain->password);
            reply = "-ERR [AUTH] Authentication failed.";
          } else {
            reply = "-ERR Invalid base64 data in continued response";
          }
        }
      } else if (cmd.verb == "QUIT") {
        co_await s->write("+OK Logging out.\r\n");
        break;
      } else if (cmd.verb == "STLS") {
        reply = "-ERR TLS support isn't enabled.";
      } else if (cmd.verb.empty()) {
        continue;
      } else {
        reply = "-ERR Unknown command.";
      }
      if (!co_await s->write(reply + "\r\n")) break;
    }
    s->emit("disconnect", {});
  }

 private:
  std::string banner_;
};

}  // namespace

std::unique_ptr<Service> make_pop3_service(const Persona&, const ServiceSettings& settings) {
  return std::make_unique<Pop3Service>(settings);
}

}  // namespace decnet::decky
