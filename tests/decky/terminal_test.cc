// The terminal telnet and ssh share: what is typed is echoed and edited as a tty in canonical
// mode would, each line is reported before it runs, and a session without a tty reads lines
// as a script sends them, without echo or prompt.
#include "decky/shell/terminal.h"

#include <gtest/gtest.h>

#include <memory>

namespace decnet::decky {
namespace {

struct TerminalFixture {
  explicit TerminalFixture(bool tty)
      : shell(std::make_shared<FakeTree>(persona, std::vector<std::string>{"ubuntu"}), persona,
              "root", [](std::string_view, Fields) {}),
        recorder("sid", 80, 24),
        terminal(shell, recorder, tty, [this](const std::string& line, const std::string& cwd) {
          reported.push_back(line + "@" + cwd);
        }) {}
  Persona persona;
  FakeShell shell;
  SessionRecorder recorder;
  std::vector<std::string> reported;
  Terminal terminal;
};

TEST(Terminal, EchoesEditsAndRunsLinesWithATty) {
  TerminalFixture t(true);
  const auto greeting = t.terminal.start("hello\n");
  EXPECT_EQ(greeting, "hello\r\nroot@srv01:~# ");
  // "whoamx", backspace, "i", CR LF: one line, echoed with the erase.
  const auto out = t.terminal.input("whoamx\x7fi\r\n");
  EXPECT_EQ(out, "whoamx\b \bi\r\nroot\r\nroot@srv01:~# ");
  ASSERT_EQ(t.reported.size(), 1u);
  EXPECT_EQ(t.reported[0], "whoami@/root");
}

TEST(Terminal, InterruptAbandonsTheLineAndEndOfInputLogsOut) {
  TerminalFixture t(true);
  t.terminal.start("");
  EXPECT_EQ(t.terminal.input("rm -rf /\x03"), "rm -rf /^C\r\nroot@srv01:~# ");
  EXPECT_TRUE(t.reported.empty());
  EXPECT_FALSE(t.terminal.ended());
  EXPECT_EQ(t.terminal.input("\x04"), "logout\r\n");
  EXPECT_TRUE(t.terminal.ended());
  EXPECT_EQ(t.terminal.input("id\r"), "");
}

TEST(Terminal, WithoutATtyReadsLinesAsAScriptSendsThem) {
  TerminalFixture t(false);
  EXPECT_EQ(t.terminal.start("banner\n"), "");
  EXPECT_EQ(t.terminal.input("whoami\nhostname\n"), "root\nsrv01\n");
  EXPECT_EQ(t.reported.size(), 2u);
  EXPECT_EQ(t.terminal.input("exit\n"), "");
  EXPECT_TRUE(t.terminal.ended());
}

TEST(Terminal, RecordsKeystrokesAndWhatWasShown) {
  TerminalFixture t(true);
  t.terminal.start("");
  t.terminal.input("i");
  t.terminal.input("d\r");
  const auto& shard = t.recorder.shard();
  EXPECT_NE(shard.find("\"ch\":\"i\",\"d\":\"i\""), std::string::npos) << shard;
  EXPECT_NE(shard.find("\"ch\":\"i\",\"d\":\"d\\r\""), std::string::npos) << shard;
  EXPECT_NE(shard.find("uid=0(root)"), std::string::npos) << shard;
}

}  // namespace
}  // namespace decnet::decky
