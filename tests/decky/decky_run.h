// A `decnet decky run` for the end-to-end tests: the named services with their settings, its
// lines to a master's RELP port, ready once `port` accepts connections.
#pragma once

#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "serve_support.h"
#include "tests_support.h"

namespace decnet::testing {

class DeckyRun {
 public:
  // `sets`: "service.key=value" settings, each given with --set.
  DeckyRun(const TempDir& dir, int relp_port, const std::string& name, const std::string& services,
           const std::vector<std::string>& sets, int port) {
    ::chmod(dir.path().c_str(), 0711);  // the decky drops root for nobody
    auto env = isolated_env(dir);
    env["DECNET_DECKY_MASTER_PORT"] = std::to_string(relp_port);
    std::vector<std::string> argv{decnet_binary(), "decky", "run", "--name", name,
                                  "--services",    services};
    for (const auto& s : sets) {
      argv.push_back("--set");
      argv.push_back(s);
    }
    child_ = std::make_unique<ChildProcess>(argv, env);
    // Keys and certificates are made at the first start, which takes a moment.
    ready_ = wait_until([&] { return TcpClient(port).connected(); }, std::chrono::seconds(30));
  }
  bool ready() const { return ready_; }
  ChildProcess& child() { return *child_; }

 private:
  std::unique_ptr<ChildProcess> child_;
  bool ready_ = false;
};

}  // namespace decnet::testing
