// The two real processes of the decky end-to-end tests: a master taking lines over RELP, with
// the waits the tests make on what it stored, and a `decnet decky run` of the named services
// sending to it, ready once `port` accepts connections.
#pragma once

#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "serve_support.h"
#include "tests_support.h"

namespace decnet::testing {

class RelpMaster {
 public:
  RelpMaster()
      : relp_port_(free_port()),
        serve_({{"DECNET_SYSLOG_RELP_ENABLED", "true"},
                {"DECNET_SYSLOG_RELP_PORT", std::to_string(relp_port_)}}) {}

  int relp_port() const { return relp_port_; }
  bool ready() { return serve_.wait_ready(); }
  std::string output() const { return serve_.output(); }
  std::filesystem::path db() const { return serve_.db(); }

  std::int64_t count(const std::string& table, const std::string& where) const {
    return sqlite_int(db(), "SELECT count(*) FROM " + table + " WHERE " + where).value_or(0);
  }
  // True once at least `n` rows of `table` match `where`; false after 30 seconds.
  bool arrives(const std::string& table, const std::string& where, std::int64_t n = 1) const {
    return wait_until([&] { return count(table, where) >= n; }, std::chrono::seconds(30));
  }

 private:
  int relp_port_;
  ServeProcess serve_;
};

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
