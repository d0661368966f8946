// Running another program: its exit code, its output and error together, a deadline that kills
// it, a bound on what is kept of its output, a program that does not exist, and arguments that
// reach it as they are, never through a shell.
#include "core/subprocess.h"

#include <gtest/gtest.h>

namespace decnet::core {
namespace {

TEST(Subprocess, ExitCodeAndBothStreamsComeBack) {
  const auto r = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.status, 3);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.output.find("out\n"), std::string::npos);
  EXPECT_NE(r.output.find("err\n"), std::string::npos);
  EXPECT_TRUE(run_process({"true"}).ok());
}

TEST(Subprocess, ArgumentsAreNotInterpreted) {
  const auto r = run_process({"echo", "$(id); `id` | & ;"});
  EXPECT_EQ(r.output, "$(id); `id` | & ;\n");
}

TEST(Subprocess, ADeadlineKillsAndOutputIsBounded) {
  const auto slow = run_process({"sleep", "30"}, std::chrono::milliseconds(200));
  EXPECT_TRUE(slow.timed_out);
  EXPECT_EQ(slow.status, 128 + 9);
  const auto loud = run_process({"head", "-c", "300000", "/dev/zero"});
  EXPECT_EQ(loud.status, 0);
  EXPECT_EQ(loud.output.size(), kMaxProcessOutput);
}

TEST(Subprocess, AMissingProgramNeverRuns) {
  const auto r = run_process({"decnet-no-such-program"});
  EXPECT_EQ(r.status, -1);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(run_process({}).status, -1);
}

}  // namespace
}  // namespace decnet::core
