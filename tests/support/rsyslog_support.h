// rsyslogd as a real sensor: a private instance with its own configuration and work directory,
// started in the foreground and killed with the test. The configuration is checked with
// `rsyslogd -N1` first, so a typo fails the test with rsyslog's own message.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "tests_support.h"

namespace decnet::testing {

class Rsyslog {
 public:
  Rsyslog(const std::filesystem::path& dir, const std::string& conf) {
    std::filesystem::create_directories(dir / "work");
    {
      std::ofstream out(dir / "rsyslog.conf");
      out << "global(workDirectory=\"" << (dir / "work").string() << "\")\n" << conf;
    }
    auto check = run_command({"rsyslogd", "-N1", "-f", (dir / "rsyslog.conf").string()});
    EXPECT_EQ(check.status, 0) << check.output;
    child_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"rsyslogd", "-n", "-f", (dir / "rsyslog.conf").string(), "-i",
                                 (dir / "rsyslogd.pid").string()});
  }
  std::string output() const { return child_->output(); }
  bool running() { return child_->running(); }

 private:
  std::unique_ptr<ChildProcess> child_;
};

// imfile following `file` (polling once a second); each line becomes one message.
inline std::string imfile_input(const std::filesystem::path& file) {
  return "module(load=\"imfile\" mode=\"polling\" PollingInterval=\"1\")\n"
         "input(type=\"imfile\" File=\"" +
         file.string() + "\" Tag=\"sensorapp\" Severity=\"info\" Facility=\"user\")\n";
}

}  // namespace decnet::testing
