// One deployed decky on this host, made and unmade: its namespace on the fleet's bridge, its INI
// and data directory under the fleet directory, its `decnet decky run` process started inside
// the namespace — and, before deploy says it is up, the decky's own word (its first heartbeat)
// that every port of its services is bound and served. Nothing probes its ports: the probe
// would be recorded as an attack. A decky that dies before it serves is taken down again and
// the error carries the end of its log.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "decky/fleet/deploy_plan.h"
#include "decky/fleet/namespace_network.h"

namespace decnet::fleet {

struct DeckyHostOptions {
  std::string bridge = "decnet0";
  std::filesystem::path fleet_dir;     // <fleet_dir>/<decky>/ holds its INI, log and data
  std::string decnet_binary;           // absolute path of the program the deckies run
  int master_port = 2514;              // the master's RELP port, at the fleet's gateway
  std::string run_as_user = "nobody";  // owns the decky's directory (it re-reads its INI)
  std::chrono::seconds ready_timeout{30};
};

class DeckyHost {
 public:
  explicit DeckyHost(DeckyHostOptions options);

  // Makes the decky's namespace (and the bridge) and starts its process without waiting for
  // it; returns its pid. Throws decky::FleetError with nothing of the decky left behind.
  pid_t launch(const decky::PlannedDecky& decky, const decky::FleetNetwork& network) const;
  // (Re)starts the process of a decky whose namespace exists; returns the new pid.
  pid_t start(const decky::PlannedDecky& decky, const decky::FleetNetwork& network) const;
  // Returns once the decky serves every port of its services (its first heartbeat names the
  // INI it was started with). Throws decky::FleetError, with the end of the decky's log, when
  // the process exits or is not serving past the ready timeout (the process is then stopped).
  void wait_ready(const decky::PlannedDecky& decky, pid_t pid) const;
  // Makes the namespace if it is missing.
  void ensure_namespace(const decky::PlannedDecky& decky, const decky::FleetNetwork& network) const;
  // Writes the decky's INI (and hands its directory to run_as_user); returns the text's
  // SHA-256, which the decky's status file names once it runs that configuration.
  std::string write_ini(const decky::PlannedDecky& decky, const decky::FleetNetwork& network) const;
  // Has the running decky re-read its INI (SIGHUP) and waits until its status file names
  // `digest`: the new services then listen. Throws decky::FleetError with what
  // the decky reported (a port it could not bind) or when it does not answer in time.
  void apply(const decky::PlannedDecky& decky, pid_t pid, const std::string& digest) const;
  // The decky's heartbeat (its status file), null when there is none.
  nlohmann::json status(const std::string& name) const;

  // Stops the process, removes the namespace, and the bridge once nothing is plugged into it.
  void teardown(const std::string& name, pid_t pid) const;

  bool namespace_exists(const std::string& name) const;
  static bool process_alive(pid_t pid);
  // When the process started (epoch seconds), 0 when unknown.
  static std::int64_t started_at(pid_t pid);

  std::filesystem::path dir_of(const std::string& name) const;

 private:
  DeckyHostOptions options_;
  decky::NamespaceNetwork network_;
};

// The prefix length of a CIDR ("10.0.0.0/24" -> 24). Throws decky::FleetError.
int prefix_length_of(const std::string& subnet);

}  // namespace decnet::fleet
