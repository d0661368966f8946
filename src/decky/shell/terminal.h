// The logged-in half of telnet and ssh: a terminal's line discipline in front of the fake shell.
// What the peer types is echoed (when the session has a terminal), edited (backspace, ^C, ^D),
// run line by line, answered, and recorded with its timing; each command line is reported so
// the service can emit it. Push-style and socket-free: the service feeds the bytes it read and
// sends back what the terminal returns, so telnet and ssh share every keystroke rule.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "decky/persona.h"
#include "decky/shell/fake_shell.h"
#include "decky/shell/session_recorder.h"

namespace decnet::decky {

// A terminal's line editing for a client that does not echo: CR or LF ends a line (CR LF is
// one end), backspace erases, ^C abandons the line, ^D on an empty line ends the session.
class LineEditor {
 public:
  enum class Outcome { kNone, kLine, kInterrupt, kEnd };
  static constexpr std::size_t kMaxTypedLine = 4096;
  // Consumes bytes of `pending` up to the end of one line; `echo` receives what the terminal
  // shows when `visible`.
  Outcome take(std::string& pending, bool visible, std::string& echo, std::string& line);

 private:
  std::string current_;
  bool after_cr_ = false;
};

// "\n" becomes "\r\n", as a terminal in raw mode needs.
std::string crlf(std::string_view text);

// The kernel line and the Debian notice a stock host prints after a login.
std::string login_banner(const Persona& persona);

class Terminal {
 public:
  // Called for every command line before it runs.
  using CommandReport = std::function<void(const std::string& line, const std::string& cwd)>;
  static constexpr int kMaxCommands = 2000;

  // `tty`: the peer has a terminal (echo, CR LF output, a prompt); without one, lines are read
  // as a script would send them and only the commands' output is returned.
  Terminal(FakeShell& shell, SessionRecorder& recorder, bool tty, CommandReport report);

  // The greeting: the banner (tty only) and the first prompt.
  std::string start(std::string_view banner);
  // Takes what the peer typed; returns what the terminal shows in answer.
  std::string input(std::string_view bytes);
  // The shell exited, ^D was typed or the command limit was reached.
  bool ended() const { return ended_; }

 private:
  std::string show(std::string_view text);

  FakeShell& shell_;
  SessionRecorder& recorder_;
  bool tty_;
  CommandReport report_;
  LineEditor editor_;
  std::string pending_;
  int commands_ = 0;
  bool ended_ = false;
};

}  // namespace decnet::decky
