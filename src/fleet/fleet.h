// The fleet this master runs on its own host, as one object the CLI and the API share: a deploy
// INI checked against the fleet table (the reference's conflicts and deployment limit, refused
// before anything is made), its deckies made (all launched, then each waited for, so ten cost
// little more than one), recorded in `fleet_deckies` and announced on `decky.<name>.state`;
// teardown of one decky or all; and, when the master starts, reconciliation of the table with
// the namespaces and processes that are really there. Calls are serialised: two deploys never
// race for an address.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bus/bus.h"
#include "core/config.h"
#include "decky/fleet/deploy_plan.h"
#include "fleet/decky_host.h"
#include "store/decky_repository.h"
#include "store/repository.h"

namespace decnet::fleet {

// The request cannot be carried out as it stands (the API's 409): a bad INI, a name or address
// the fleet already has, a deployment over the limit, a network that differs from the fleet's.
class FleetConflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A service this fleet cannot put on a decky (the API's 422): unknown, or not emulated.
class ServiceRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// No such decky (the API's 404).
class FleetNotFound : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FleetOptions {
  DeckyHostOptions host;
  std::string default_subnet = "10.213.0.0/24";
  std::size_t deployment_limit = 10;
};

// The options the settings give (DECNET_FLEET_*, DECNET_DEPLOYMENT_LIMIT, the RELP port the
// deckies send to); throws core::ConfigError naming a bad variable.
FleetOptions fleet_options(const core::Config& config);

// The plan a deploy file (INI, or the same in YAML) describes on its own, addresses given from
// its network (DECNET_FLEET_SUBNET when it names none): what `--mode compose` writes, for a
// fleet that is not this host's. Throws FleetConflict.
decky::DeployPlan standalone_plan(const std::string& text, const FleetOptions& options,
                                  std::uint64_t seed);

struct DeployRequest {
  std::string ini;  // or the same in YAML
  bool replace_fleet = false;
  bool dry_run = false;
  std::optional<std::uint64_t> seed;  // random services; random when unset
};

struct DeployResult {
  decky::DeployPlan plan;             // addresses assigned
  std::vector<std::string> deployed;  // running now
  std::vector<std::string> replaced;  // torn down first (replace_fleet)
  std::vector<std::string> failures;  // "<decky>: <why>", those deckies not deployed
};

struct ReconcileReport {
  std::size_t running = 0;                      // found as recorded
  std::size_t degraded = 0;                     // alive, but its heartbeat is stale
  std::size_t restarted = 0;                    // process started again
  std::size_t recreated = 0;                    // namespace made again
  std::size_t failed = 0;                       // could not be brought back (state failed)
  std::size_t torn_down = 0;                    // an interrupted teardown finished
  std::vector<std::string> unknown_namespaces;  // decnet-* namespaces the table does not name
};

class Fleet {
 public:
  Fleet(store::Repository& repo, bus::Bus* bus, FleetOptions options);

  // Throws FleetConflict before anything is made; deckies that fail while being made are
  // listed in failures, with nothing of them left.
  DeployResult deploy(const DeployRequest& request);
  // Throws FleetNotFound, or decky::FleetError when the decky could not be removed (its row
  // is then teardown_failed).
  void teardown(const std::string& name);
  // Every decky of this host; the names torn down.
  std::vector<std::string> teardown_all();
  // Live changes to a running decky; only the service concerned restarts. Each throws
  // FleetNotFound (no such decky), ServiceRefused, decky::ServiceConfigError (a bad setting,
  // the API's 400), FleetConflict (already there / not there / the decky's last service / a
  // port it could not bind), and publishes decky.<name>.service_added, service_removed or
  // service_config_changed. They return the decky's services afterwards.
  std::vector<std::string> add_service(const std::string& decky, const std::string& service,
                                       const std::map<std::string, std::string>& config);
  std::vector<std::string> remove_service(const std::string& decky, const std::string& service);
  // Saves a service's settings over its current ones (keys not given, and secrets sent back
  // masked, keep their value; validated, defaults filled; returned); with `apply` the running
  // service is restarted with them, otherwise they take effect at its next restart.
  decky::ServiceSettings set_service_config(const std::string& decky, const std::string& service,
                                            const std::map<std::string, std::string>& config,
                                            bool apply);

  // Slows the decky's `ports` down: each answer waits `delay_ms` (100..300000), in the decky
  // process itself, for connections made from now on; recorded in tarpit_rules. Replaces the
  // decky's rule if it has one. Throws FleetNotFound, FleetConflict (the decky did not take it).
  store::TarpitRule set_tarpit(const std::string& decky, const std::vector<int>& ports,
                               int delay_ms, const std::optional<std::string>& operator_uuid);
  // False when the decky had no rule. Throws FleetNotFound.
  bool clear_tarpit(const std::string& decky);

  // `look_for_unknown`: also list decnet-* namespaces the table does not name.
  ReconcileReport reconcile(bool look_for_unknown = false);

  std::vector<store::FleetDecky> deckies();
  std::optional<store::FleetDecky> decky(const std::string& name);
  // The decky's last heartbeat (per-service ports and counters), null when there is none.
  nlohmann::json heartbeat(const std::string& name) const { return host_.status(name); }
  const FleetOptions& options() const { return options_; }

 private:
  decky::FleetNetwork network_for(const decky::DeployPlan& plan,
                                  const std::vector<store::FleetDecky>& existing,
                                  bool replace) const;
  void record(const decky::PlannedDecky& decky, const decky::FleetNetwork& network, pid_t pid,
              const std::string& state, const std::optional<std::string>& error);
  void set_state(const std::string& name, const std::string& state,
                 const std::optional<std::string>& error);
  void forget(const std::string& name);
  void publish_state(const std::string& name, const std::string& state,
                     const std::optional<std::string>& error);
  void teardown_locked(const store::FleetDecky& row);
  store::FleetDecky existing(const std::string& name);
  // Writes the decky's INI and has the running decky take it.
  void push(const store::FleetDecky& row, const decky::PlannedDecky& next);
  void publish(const std::string& decky, std::string_view type, nlohmann::json payload);

  store::Repository& repo_;
  bus::Bus* bus_;
  FleetOptions options_;
  DeckyHost host_;
  std::mutex mu_;
};

}  // namespace decnet::fleet
