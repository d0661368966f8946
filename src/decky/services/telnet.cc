// Telnet as a Debian host's telnetd and login(1): a login prompt, the password unechoed, the
// attempt captured (plaintext, with its outcome), and for the persona's accounts (root with
// `password`, `user` with `user_password`) a bash session on the fake shell. Every command is
// a `command` line; the whole session, keystrokes with their timing included, is recorded in
// the reference's shard format and sent to the master as session_recording_chunk lines, then
// closed by session_recorded. Three failed logins end the connection, as login(1) does.
#include "core/base64.h"
#include "decky/protocol/telnet_input.h"
#include "decky/services/services.h"
#include "decky/shell/fake_shell.h"
#include "decky/shell/session_recorder.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

constexpr std::size_t kChunkBytes = 3072;  // base64 stays within a line value's bound
constexpr std::size_t kMaxTypedLine = 4096;
constexpr int kMaxLogins = 3;
constexpr int kMaxCommands = 2000;

std::string crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (const char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// A terminal's line discipline for a client that does not echo: what is typed is echoed,
// backspace erases, ^C abandons the line, ^D on an empty line ends the session.
class LineEditor {
 public:
  enum class Outcome { kNone, kLine, kInterrupt, kEnd };
  // Consumes data bytes up to the end of one line; `echo` receives what the terminal shows.
  Outcome take(std::string& pending, bool visible, std::string& echo, std::string& line) {
    while (!pending.empty()) {
      const char c = pending.front();
      pending.erase(0, 1);
      if (c == '\r') {
        echo += "\r\n";
        line = std::move(current_);
        current_.clear();
        return Outcome::kLine;
      }
      if (c == 3) {
        echo += "^C\r\n";
        current_.clear();
        return Outcome::kInterrupt;
      }
      if (c == 4 && current_.empty()) return Outcome::kEnd;
      if (c == 0x7f || c == 8) {
        if (!current_.empty()) {
          current_.pop_back();
          if (visible) echo += "\b \b";
        }
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x20) continue;
      if (current_.size() < kMaxTypedLine) {
        current_ += c;
        if (visible) echo += c;
      }
    }
    return Outcome::kNone;
  }

 private:
  std::string current_;
};

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
    const auto read_line = [&](bool visible, SessionRecorder* recorder)
        -> asio::awaitable<std::optional<std::pair<LineEditor::Outcome, std::string>>> {
      while (true) {
        std::string echo, line;
        const auto outcome = editor.take(pending, visible, echo, line);
        if (!echo.empty()) {
          if (recorder) recorder->output(echo);
          if (!co_await s->write(echo)) co_return std::nullopt;
        }
        if (outcome != LineEditor::Outcome::kNone) co_return std::make_pair(outcome, line);
        const auto bytes = co_await s->read_some(4096);
        if (bytes.empty()) co_return std::nullopt;
        const auto before = pending.size();
        telnet.feed(bytes, pending);
        if (recorder && pending.size() > before) recorder->input(pending.substr(before));
      }
    };

    co_await s->write("\r\nDebian GNU/Linux 12\r\n\r\n");
    std::optional<std::string> user;
    for (int attempt = 0; attempt < kMaxLogins && !user; ++attempt) {
      if (!co_await s->write(persona_.hostname + " login: ")) break;
      const auto name = co_await read_line(true, nullptr);
      if (!name || name->first == LineEditor::Outcome::kEnd) break;
      if (!co_await s->write("Password: ")) break;
      const auto password = co_await read_line(false, nullptr);
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
    if (user) co_await shell(*s, *user, telnet, read_line);
    s->emit("disconnect", {});
  }

 private:
  bool accepts(const std::string& user, const std::string& password) const {
    if (user == "root") return !root_password_.empty() && password == root_password_;
    return user == user_ && !user_password_.empty() && password == user_password_;
  }

  template <typename ReadLine>
  asio::awaitable<void> shell(Session& s, const std::string& user, const TelnetInput& telnet,
                              ReadLine& read_line) {
    const auto size = telnet.window_size().value_or(std::make_pair(80, 24));
    SessionRecorder recorder(s.id(), size.first, size.second);
    FakeShell sh(tree_, persona_, user,
                 [&](std::string_view event, Fields fields) { s.emit(event, std::move(fields)); });
    const auto say = [&](std::string_view text) -> asio::awaitable<bool> {
      const auto out = crlf(text);
      recorder.output(out);
      co_return co_await s.write(out);
    };
    bool alive = co_await say(
        "Linux " + persona_.hostname +
        " 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64\n\n"
        "The programs included with the Debian GNU/Linux system are free software;\n"
        "the exact distribution terms for each program are described in the\n"
        "individual files in /usr/share/doc/*/copyright.\n\n"
        "Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent\n"
        "permitted by applicable law.\n");
    int commands = 0;
    while (alive && !sh.exited() && commands < kMaxCommands) {
      if (!co_await say(sh.prompt())) break;
      const auto line = co_await read_line(true, &recorder);
      if (!line || line->first == LineEditor::Outcome::kEnd) break;
      if (line->first != LineEditor::Outcome::kLine || line->second.empty()) continue;
      ++commands;
      s.emit("command", {{"command", line->second}, {"user", user}, {"pwd", sh.cwd()}},
             Severity::kInfo,
             "CMD uid=" + std::string(user == "root" ? "0" : "1000") + " user=" + user +
                 " src=" + s.peer_ip() + " pwd=" + sh.cwd() + " cmd=" + line->second);
      const auto out = sh.run(line->second);
      if (!out.empty()) alive = co_await say(out);
    }
    if (sh.exited()) co_await say("logout\n");
    send_recording(s, recorder);
  }

  void send_recording(Session& s, const SessionRecorder& recorder) {
    const auto& shard = recorder.shard();
    std::size_t seq = 0;
    for (std::size_t at = 0; at < shard.size(); at += kChunkBytes, ++seq) {
      const auto piece = std::string_view(shard).substr(at, kChunkBytes);
      s.emit("session_recording_chunk",
             {{"seq", std::to_string(seq)},
              {"last", at + kChunkBytes >= shard.size() ? "true" : "false"},
              {"data_b64", core::base64_encode(piece)}});
    }
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.3f", recorder.seconds());
    s.emit("session_recorded", {{"service", "telnet"},
                                {"duration_s", duration},
                                {"bytes", std::to_string(recorder.bytes())},
                                {"truncated", recorder.truncated() ? "true" : "false"}});
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
