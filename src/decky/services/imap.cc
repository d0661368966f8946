// IMAP as Dovecot answers it before login: LOGIN (atoms, quoted strings or literals) and
// AUTHENTICATE PLAIN (with or without an initial response) are captured and refused.
#include "decky/protocol/text_protocol.h"
#include "decky/services/sasl_exchange.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

constexpr const char* kCapabilities =
    "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN";

class ImapService final : public Service {
 public:
  explicit ImapService(const ServiceSettings& s) : banner_(setting(s, "banner")) {}

  asio::awaitable<void> serve(std::shared_ptr<Session> s) override {
    s->emit("connect", {});
    co_await s->write(std::string("* OK [CAPABILITY ") + kCapabilities + "] " + banner_ + "\r\n");
    ImapCommandParser parser;
    int commands = 0;
    while (auto line = co_await s->read_line()) {
      if (++commands > 200) break;
      if (line->text.empty()) continue;
      if (!parser.parse_line(line->text)) {
        if (!co_await s->write("* BAD Error in IMAP command received by server.\r\n")) break;
        continue;
      }
      bool complete = true;
      while (parser.literal()) {
        if (!parser.literal_plus() && !co_await s->write("+ OK\r\n")) break;
        auto bytes = co_await s->read_exact(*parser.literal());
        auto rest = bytes ? co_await s->read_line() : std::nullopt;
        if (!rest) {
          complete = false;
          break;
        }
        parser.append_literal(std::move(*bytes));
        if (!parser.continue_line(rest->text)) {
          complete = false;
          break;
        }
      }
      if (!complete || !s->open()) break;
      const auto& tag = parser.tag();
      const auto& args = parser.args();
      std::string reply;
      if (parser.command() == "CAPABILITY") {
        reply = std::string("* CAPABILITY ") + kCapabilities + "\r\n" + tag +
                " OK Pre-login capabilities listed, post-login capabilities have more.";
      } else if (parser.command() == "LOGIN" && args.size() >= 2) {
        emit_auth(*s, args[0], args[1]);
        reply = tag + " NO [AUTHENTICATIONFAILED] Authentication failed.";
      } else if (parser.command() == "AUTHENTICATE" && !args.empty()) {
        std::string mech = args[0];
        for (auto& c : mech) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
        if (mech != "PLAIN") {
          reply = tag + " NO Unsupported authentication mechanism.";
        } else {
          std::optional<std::string> response;
          if (args.size() > 1) response = args[1];
          if (!response || response->empty()) response = co_await sasl_continuation(*s, "+ ");
          if (!response) break;
          if (const auto plain = decode_sasl_plain(*response)) {
            emit_auth(*s, plain->user, plain->password);
            reply = tag + " NO [AUTHENTICATIONFAILED] Authentication failed.";
          } else {
            reply = tag + " BAD Invalid base64 data in continued response";
          }
        }
      } else if (parser.command() == "LOGOUT") {
        co_await s->write("* BYE Logging out\r\n" + tag + " OK Logout completed.\r\n");
        break;
      } else if (parser.command() == "NOOP") {
        reply = tag + " OK NOOP completed.";
      } else if (parser.command() == "ID") {
        reply = "* ID (\"name\" \"Dovecot\")\r\n" + tag + " OK ID completed.";
      } else {
        reply = tag + " BAD Error in IMAP command " + parser.command().substr(0, 32) +
                ": Unknown command.";
      }
      if (!co_await s->write(reply + "\r\n")) break;
    }
    s->emit("disconnect", {});
  }

 private:
  static void emit_auth(Session& s, const std::string& user, const std::string& password) {
    Fields f;
    append_credential(f, user, password, {}, "failure");
    s.emit("auth", std::move(f));
  }

  std::string banner_;
};

}  // namespace

std::unique_ptr<Service> make_imap_service(const Persona&, const ServiceSettings& settings) {
  return std::make_unique<ImapService>(settings);
}

}  // namespace decnet::decky
