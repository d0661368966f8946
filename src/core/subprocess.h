// Running another program and waiting for it: argv straight to execvp (no shell, so nothing in
// an argument is ever interpreted), its output and error collected up to a bound, a deadline
// after which it is killed. The fleet deployer drives iproute2's `ip` this way.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace decnet::core {

struct ProcessResult {
  int status = -1;     // the exit code; 128 + N when killed by signal N; -1 when it never ran
  std::string output;  // stdout and stderr interleaved, at most kMaxProcessOutput bytes
  bool timed_out = false;
  bool ok() const { return status == 0 && !timed_out; }
};

inline constexpr std::size_t kMaxProcessOutput = 65'536;

ProcessResult run_process(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace decnet::core
