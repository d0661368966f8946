// Telnet as a Debian host's telnetd and login(1): a login prompt, the password unechoed, the
// attempt captured (plaintext, with its outcome), and for the persona's accounts (root with
// `password`, `user` with `user_password`) a bash session on the fake shell. Every command is
// a `command` line; the whole session, keystrokes with their timing included, is recorded in
// the reference's shard format and sent to the master as session_recording_chunk lines, then
// closed by session_recorded. Three failed logins end the connection, as login(1) does.
#include "decky/protocol/telnet_input.h"
#include "decky/services/services.h"
#include "decky/services/shell_login.h"
#include "decky/shell/terminal.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

constexpr int kMaxLogins = 3;

class TelnetService final : public Service {
 public:
  TelnetService(const Persona& persona, const ServiceSettings& s)
      : persona_(persona),
        root_password_(setting(s, "password")),
        user_(setting(s, "user")),
        user_password_(setting(s, "user_password")) {
    if (!setting(s, "hostname").empty()) persona_.hostname = setting(s, "hostname");
    tree_ = std::make_shared<FakeTree>(persona_, std::vector<std::string>{user_});
  }

  asio::awaitable<void> serve(std::shared_ptr<Session> s) override {
    s->emit("connection", {});
    // The server echoes (the password must not be), suppresses go-ahead, and asks the size.
    co_await s->write(std::string("\xff\xfb\x01\xff\xfb\x03\xff\xfd\x1f", 9));
    TelnetInput telnet;
    LineEditor editor;
    std::string pending;
    // The next line as typed; nullopt when the connection ended.
    const auto read_line = [&](bool visible)
        -> asio::awaitable<std::optional<std::pair<LineEditor::Outcome, std::string>>> {
      while (true) {
        std::string echo, line;
        const auto outcome = editor.take(pending, visible, echo, line);
        if (!echo.empty() && !co_await s->write(echo)) co_return std::nullopt;
        if (outcome != LineEditor::Outcome::kNone) co_return std::make_pair(outcome, line);
        const auto bytes = co_await s->read_some(4096);
        if (bytes.empty()) co_return std::nullopt;
        telnet.feed(bytes, pending);
      }
    };

    co_await s->write("\r\nDebian GNU/Linux 12\r\n\r\n");
    std::optional<std::string> user;
    for (int attempt = 0; attempt < kMaxLogins && !user; ++attempt) {
      if (!co_await s->write(persona_.hostname + " login: ")) break;
      const auto name = co_await read_line(true);
      if (!name || name->first == LineEditor::Outcome::kEnd) break;
      if (!co_await s->write("Password: ")) break;
      const auto password = co_await read_line(false);
      if (!password || password->first == LineEditor::Outcome::kEnd) break;
      const bool ok = accepts(name->second, password->second);
      Fields f;
      append_credential(f, name->second, password->second, {}, ok ? "success" : "failure");
      s->emit("auth_attempt", std::move(f));
      if (ok) {
        user = name->second;
      } else if (!co_await s->write("\r\nLogin incorrect\r\n")) {
        break;
      }
    }
    if (user) co_await shell(*s, *user, telnet, pending);
    s->emit("disconnect", {});
  }

 private:
  bool accepts(const std::string& user, const std::string& password) const {
    if (user == "root") return !root_password_.empty() && password == root_password_;
    return user == user_ && !user_password_.empty() && password == user_password_;
  }

  asio::awaitable<void> shell(Session& s, const std::string& user, TelnetInput& telnet,
                              std::string& typed_ahead) {
    const auto size = telnet.window_size().value_or(std::make_pair(80, 24));
    SessionRecorder recorder(s.id(), size.first, size.second);
    FakeShell sh(tree_, persona_, user,
                 [&](std::string_view event, Fields fields) { s.emit(event, std::move(fields)); });
    Terminal terminal(sh, recorder, true, [&](const std::string& line, const std::string& cwd) {
      emit_command(s, user, cwd, line);
    });
    std::string out = terminal.start(login_banner(persona_)) + terminal.input(typed_ahead);
    while (true) {
      const bool sent = co_await s.write(out);
      if (!sent || terminal.ended()) break;
      const auto bytes = co_await s.read_some(4096);
      if (bytes.empty()) break;
      std::string typed;
      telnet.feed(bytes, typed);
      out = terminal.input(typed);
    }
    send_recording(s, recorder, "telnet");
  }

  Persona persona_;
  std::string root_password_;
  std::string user_;
  std::string user_password_;
  std::shared_ptr<const FakeTree> tree_;
};

}  // namespace

std::unique_ptr<Service> make_telnet_service(const Persona& persona,
                                             const ServiceSettings& settings) {
  return std::make_unique<TelnetService>(persona, settings);
}

}  // namespace decnet::decky
