// The decky's telnet service driven by the real telnet client: what the test types goes to the
// client's standard input through a FIFO, each line once the client has shown the prompt it
// answers. The master gets the failed and the successful login and the commands.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "decky_run.h"

namespace decnet::testing {
namespace {

TEST(TelnetEndToEnd, TheTelnetClientLogsInAndRunsCommands) {
  const int telnet_port = free_port();
  RelpMaster master;
  ASSERT_TRUE(master.ready()) << master.output();
  TempDir dir;
  DeckyRun decky(dir, master.relp_port(), "decky-telnet", "telnet",
                 {"telnet.ports=" + std::to_string(telnet_port)}, telnet_port);
  ASSERT_TRUE(decky.ready()) << decky.child().output();

  // A client that quits early must fail the test, not kill it.
  ::signal(SIGPIPE, SIG_IGN);
  const auto fifo = dir.path() / "keyboard";
  const auto screen = dir.path() / "screen";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ChildProcess client({"/bin/sh", "-c",
                       "exec telnet 127.0.0.1 " + std::to_string(telnet_port) + " < " +
                           fifo.string() + " > " + screen.string() + " 2>&1"});
  // The FIFO opens for writing once the client's shell has opened it for reading.
  int keyboard = -1;
  ASSERT_TRUE(
      wait_until([&] { return (keyboard = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK)) >= 0; },
                 std::chrono::seconds(15)))
      << client.output();
  std::size_t seen = 0;
  // Waits until `text` shows on the client's screen after what was already seen.
  const auto shows = [&](const std::string& text) {
    return wait_until(
        [&] {
          std::ifstream in(screen);
          std::stringstream all;
          all << in.rdbuf();
          const auto at = all.str().find(text, seen);
          if (at == std::string::npos) return false;
          seen = at + text.size();
          return true;
        },
        std::chrono::seconds(15));
  };
  // Typed as at a terminal: the client turns the newline into the protocol's CR LF.
  const auto type = [&](const std::string& line) {
    const auto bytes = line + "\n";
    return ::write(keyboard, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  };
  ASSERT_TRUE(shows("login: "));
  ASSERT_TRUE(type("root"));
  ASSERT_TRUE(shows("Password: "));
  ASSERT_TRUE(type("letmein"));
  ASSERT_TRUE(shows("Login incorrect"));
  ASSERT_TRUE(shows("login: "));
  ASSERT_TRUE(type("root"));
  ASSERT_TRUE(shows("Password: "));
  ASSERT_TRUE(type("admin"));
  ASSERT_TRUE(shows("root@decky-telnet:~# "));
  ASSERT_TRUE(type("uname -a"));
  ASSERT_TRUE(shows("Linux decky-telnet"));
  ASSERT_TRUE(type("exit"));
  EXPECT_TRUE(shows("logout"));
  ::close(keyboard);
  EXPECT_GE(client.wait(std::chrono::seconds(10)), 0);

  const auto stored = [&](const std::string& table, const std::string& where) {
    return master.arrives(table, where);
  };
  EXPECT_TRUE(stored("credentials",
                     "service = 'telnet' AND principal = 'root' AND "
                     "secret_printable = 'letmein' AND outcome = 'failure'"));
  EXPECT_TRUE(stored("credentials",
                     "service = 'telnet' AND principal = 'root' AND "
                     "secret_printable = 'admin' AND outcome = 'success'"));
  EXPECT_TRUE(stored("logs",
                     "service = 'telnet' AND event_type = 'command' AND "
                     "json_extract(fields, '$.command') = 'uname -a'"));
}

}  // namespace
}  // namespace decnet::testing
