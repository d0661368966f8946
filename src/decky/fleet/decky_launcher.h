// A deployed decky's process: `decnet decky run` started inside the decky's network namespace
// (where it may bind any port without root),
// in a UTS namespace of its own carrying the decky's host name, in a session of its own so that
// it outlives the master that started it (a restarted master finds it by its pid and command
// line), its output appended to a log file. The INI it runs from is written from the plan.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "decky/fleet/deploy_plan.h"

namespace decnet::decky {

struct DeckyLaunch {
  std::string decky;                       // its namespace is NamespaceNetwork::namespace_of(decky)
  std::string hostname;                    // set in the decky's own UTS namespace
  std::vector<std::string> argv;           // argv[0] an absolute path
  std::map<std::string, std::string> env;  // the whole environment the decky gets
  std::filesystem::path log;
  // Its working directory: given relative paths under it, a decky that has dropped root
  // reaches its files without search rights on the directories above (the master's data
  // directory is not open to others).
  std::filesystem::path cwd;
};

// The pid of the started process. Throws FleetError when it cannot be started; a failure
// inside the namespace (the namespace gone, exec refused) is written to the log and the process
// exits 127.
pid_t launch_decky(const DeckyLaunch& launch);
// True while `pid` is a decky process (its command line runs `decky run`).
bool decky_running(pid_t pid);
// SIGTERM, then SIGKILL after `grace`; true once the process is gone.
bool stop_decky(pid_t pid, std::chrono::milliseconds grace = std::chrono::seconds(5));

// The `decnet decky run --config` INI for a planned decky sending to the master at
// `master_host`:`master_port` over RELP, listening on every address of its namespace.
std::string decky_ini(const PlannedDecky& decky, const std::string& master_host, int master_port);

}  // namespace decnet::decky
