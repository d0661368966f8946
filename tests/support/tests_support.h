// Shared test utilities: waiting on a condition with a deadline (tests never sleep hoping for
// an effect), scratch directories, free loopback ports and child processes of the real binary.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace decnet::testing {

using namespace std::chrono_literals;

// Polls `condition` until it is true or `timeout` passes; returns its last value.
bool wait_until(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A TCP or UDP port on 127.0.0.1 that was free a moment ago.
int free_port(bool udp = false);

// A child process with stdout+stderr captured to a file. Killed (SIGTERM, then SIGKILL) when
// destroyed unless it already exited.
class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> argv, std::map<std::string, std::string> env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Sends `signal` and waits up to `timeout` for exit; returns the exit status (128+sig when
  // killed by a signal) or -1 on timeout.
  int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits for a natural exit; -1 on timeout.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::string output() const;

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  bool exited_ = false;
  std::filesystem::path log_;
};

// Runs a command to completion and returns {exit status, combined output}.
struct CommandResult {
  int status;
  std::string output;
};
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));

// One HTTP request to 127.0.0.1:port with the curl command line (a real client), the reply's
// status and JSON body (discarded when not JSON).
struct CurlReply {
  int status = 0;
  nlohmann::json body;
  std::string raw;  // the body as received
};
CurlReply curl_json(int port, const std::string& method, const std::string& path,
                    const std::string& token = "", const std::string& body = "");

// Path of the built `decnet` binary.
std::string decnet_binary();

}  // namespace decnet::testing
