// The fleet's live changes to a running decky: services added, removed and reconfigured, and
// the tarpit, each pushed to the decky as a new INI it takes on SIGHUP (Fleet::push) and only
// then recorded, so the table never claims what the decky does not run.
#include <algorithm>

#include "bus/topics.h"
#include "decky/service_registry.h"
#include "fleet/fleet.h"
#include "fleet/fleet_record.h"
#include "store/decky_repository.h"

namespace decnet::fleet {

std::vector<std::string> Fleet::add_service(const std::string& name, const std::string& service,
                                            const std::map<std::string, std::string>& config) {
  const auto* spec = decky::find_service(service);
  if (!spec) throw ServiceRefused("unknown service '" + service + "'");
  if (!spec->emulated()) {
    throw ServiceRefused("service '" + service + "' is not emulated by this decky");
  }
  auto settings = decky::validate_service_settings(*spec, config);
  std::lock_guard lock(mu_);
  const auto row = existing(name);
  auto next = planned_of(row);
  if (std::find(next.services.begin(), next.services.end(), service) != next.services.end()) {
    throw FleetConflict("service '" + service + "' is already on decky '" + name + "'");
  }
  next.services.push_back(service);
  next.settings[service] = std::move(settings);
  push(row, next);
  record(next, network_of(row), pid_of(row), "running", std::nullopt);
  publish_state(name, "running", std::nullopt);
  publish(name, bus::topics::kDeckyServiceAdded,
          {{"decky_name", name},
           {"service_name", service},
           {"topology_id", nullptr},
           {"services", next.services}});
  return next.services;
}

std::vector<std::string> Fleet::remove_service(const std::string& name,
                                               const std::string& service) {
  std::lock_guard lock(mu_);
  const auto row = existing(name);
  auto next = planned_of(row);
  const auto it = std::find(next.services.begin(), next.services.end(), service);
  if (it == next.services.end()) {
    throw FleetConflict("service '" + service + "' is not on decky '" + name + "'");
  }
  if (next.services.size() == 1) {
    throw FleetConflict("service '" + service + "' is the last one on decky '" + name +
                        "'; tear the decky down instead");
  }
  next.services.erase(it);
  next.settings.erase(service);
  push(row, next);
  record(next, network_of(row), pid_of(row), "running", std::nullopt);
  publish_state(name, "running", std::nullopt);
  repo_.write_now([&](store::WriteScope& scope) {
    return repo_.deckies().delete_decky_service(scope, std::string(store::kLocalHost), name,
                                                service);
  });
  publish(name, bus::topics::kDeckyServiceRemoved,
          {{"decky_name", name},
           {"service_name", service},
           {"topology_id", nullptr},
           {"services", next.services}});
  return next.services;
}

decky::ServiceSettings Fleet::set_service_config(const std::string& name,
                                                 const std::string& service,
                                                 const std::map<std::string, std::string>& config,
                                                 bool apply) {
  const auto* spec = decky::find_service(service);
  if (!spec) throw ServiceRefused("unknown service '" + service + "'");
  auto settings = decky::validate_service_settings(*spec, config);
  std::lock_guard lock(mu_);
  const auto row = existing(name);
  auto next = planned_of(row);
  if (std::find(next.services.begin(), next.services.end(), service) == next.services.end()) {
    throw FleetConflict("service '" + service + "' is not on decky '" + name + "'");
  }
  // Keys not given keep their current value, and a secret sent back masked stays as it is.
  auto merged = next.settings[service];
  for (const auto& [key, value] : config) {
    if (value == kMaskedSecret && is_secret_field(service, key)) continue;
    merged[key] = value;
  }
  settings = decky::validate_service_settings(*spec, merged);
  next.settings[service] = settings;
  if (apply) push(row, next);
  record(next, network_of(row), pid_of(row), row.state, row.last_error);
  publish_state(name, row.state, row.last_error);
  auto shown = nlohmann::json::object();
  for (const auto& [key, value] : settings) shown[key] = value;
  publish(name, bus::topics::kDeckyServiceConfigChanged,
          {{"decky_name", name},
           {"service_name", service},
           {"topology_id", nullptr},
           {"service_config", fleet::masked_settings(service, shown)},
           {"recreated", apply}});
  return settings;
}

store::TarpitRule Fleet::set_tarpit(const std::string& name, const std::vector<int>& ports,
                                    int delay_ms, const std::optional<std::string>& operator_uuid) {
  std::lock_guard lock(mu_);
  const auto row = existing(name);
  auto next = planned_of(row);
  next.tarpit_ports.clear();
  for (const int p : ports) {
    const auto port = static_cast<std::uint16_t>(p);
    if (std::find(next.tarpit_ports.begin(), next.tarpit_ports.end(), port) ==
        next.tarpit_ports.end()) {
      next.tarpit_ports.push_back(port);
    }
  }
  next.tarpit_delay_ms = delay_ms;
  push(row, next);
  record(next, network_of(row), pid_of(row), row.state, row.last_error);
  publish_state(name, row.state, row.last_error);
  return repo_.write_now([&](store::WriteScope& scope) {
    return repo_.tarpit().set_tarpit_rule(scope, {name, ports, delay_ms, operator_uuid});
  });
}

bool Fleet::clear_tarpit(const std::string& name) {
  std::lock_guard lock(mu_);
  const auto row = existing(name);
  auto next = planned_of(row);
  const bool had = !next.tarpit_ports.empty();
  next.tarpit_ports.clear();
  next.tarpit_delay_ms = 0;
  if (had) {
    push(row, next);
    record(next, network_of(row), pid_of(row), row.state, row.last_error);
    publish_state(name, row.state, row.last_error);
  }
  const bool deleted = repo_.write_now(
      [&](store::WriteScope& scope) { return repo_.tarpit().delete_tarpit_rule(scope, name); });
  return had || deleted;
}

}  // namespace decnet::fleet
