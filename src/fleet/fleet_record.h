// What the fleet table keeps of a deployed decky: its `decky_config` document holds the plan it
// was made from (name, address, services and their settings, archetype, OS), the network it is
// on, and the pid of its process on this host, so that a restarted master, the API and the
// teardown all work from the table alone.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "decky/fleet/deploy_plan.h"
#include "store/decky_repository.h"

namespace decnet::fleet {

nlohmann::json decky_config_json(const decky::PlannedDecky& decky,
                                 const decky::FleetNetwork& network, pid_t pid);

// The parts of a stored decky_config; missing or mistyped fields read as empty.
decky::PlannedDecky planned_of(const store::FleetDecky& row);
decky::FleetNetwork network_of(const store::FleetDecky& row);
pid_t pid_of(const store::FleetDecky& row);

// What a secret setting is shown as; sent back unchanged, it means "keep the current value".
inline constexpr std::string_view kMaskedSecret = "********";

bool is_secret_field(const std::string& service, const std::string& key);

// A service's settings with the values of its secret fields masked.
nlohmann::json masked_settings(const std::string& service, nlohmann::json settings);

// The row as the API shows it: per-service settings whose field is secret are masked.
nlohmann::json decky_view(const store::FleetDecky& row);

}  // namespace decnet::fleet
