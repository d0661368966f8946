#include "decky/shell/terminal.h"

namespace decnet::decky {

LineEditor::Outcome LineEditor::take(std::string& pending, bool visible, std::string& echo,
                                     std::string& line) {
  std::size_t used = 0;
  const auto consume = [&] { pending.erase(0, used); };
  while (used < pending.size()) {
    const char c = pending[used++];
    const bool was_cr = after_cr_;
    after_cr_ = c == '\r';
    if (c == '\n' && was_cr) continue;
    if (c == '\r' || c == '\n') {
      if (visible) echo += "\r\n";
      line = std::move(current_);
      current_.clear();
      consume();
      return Outcome::kLine;
    }
    if (c == 3) {
      if (visible) echo += "^C\r\n";
      current_.clear();
      consume();
      return Outcome::kInterrupt;
    }
    if (c == 4 && current_.empty()) {
      consume();
      return Outcome::kEnd;
    }
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
  consume();
  return Outcome::kNone;
}

std::string crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (const char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::string login_banner(const Persona& persona) {
  return "Linux " + persona.hostname +
         " 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64\n\n"
         "The programs included with the Debian GNU/Linux system are free software;\n"
         "the exact distribution terms for each program are described in the\n"
         "individual files in /usr/share/doc/*/copyright.\n\n"
         "Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent\n"
         "permitted by applicable law.\n";
}

Terminal::Terminal(FakeShell& shell, SessionRecorder& recorder, bool tty, CommandReport report)
    : shell_(shell), recorder_(recorder), tty_(tty), report_(std::move(report)) {}

std::string Terminal::show(std::string_view text) {
  auto out = tty_ ? crlf(text) : std::string(text);
  recorder_.output(out);
  return out;
}

std::string Terminal::start(std::string_view banner) {
  if (!tty_) return {};
  return show(std::string(banner) + shell_.prompt());
}

std::string Terminal::input(std::string_view bytes) {
  std::string out;
  if (ended_) return out;
  recorder_.input(bytes);
  pending_.append(bytes);
  while (!ended_) {
    std::string echo, line;
    const auto outcome = editor_.take(pending_, tty_, echo, line);
    if (!echo.empty()) {
      recorder_.output(echo);
      out += echo;
    }
    if (outcome == LineEditor::Outcome::kNone) break;
    if (outcome == LineEditor::Outcome::kEnd) {
      if (tty_) out += show("logout\n");
      ended_ = true;
      break;
    }
    if (outcome == LineEditor::Outcome::kLine && !line.empty()) {
      ++commands_;
      report_(line, shell_.cwd());
      out += show(shell_.run(line));
      if (shell_.exited()) {
        if (tty_) out += show("logout\n");
        ended_ = true;
        break;
      }
      if (commands_ >= kMaxCommands) {
        ended_ = true;
        break;
      }
    }
    if (tty_) out += show(shell_.prompt());
  }
  return out;
}

}  // namespace decnet::decky
