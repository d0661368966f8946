#include "fleet/fleet.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <set>

#include "bus/topics.h"
#include "core/ip.h"
#include "decky/service_registry.h"
#include "fleet/deploy_yaml.h"
#include "fleet/fleet_record.h"
#include "store/decky_repository.h"

namespace decnet::fleet {
namespace {

namespace topics = bus::topics;

const std::string kLocal(store::kLocalHost);
// A decky rewrites its status file every few seconds (DeckyConfig::status_interval).
constexpr std::chrono::seconds kHeartbeatStale{15};

std::string first_host_of(const std::string& subnet) {
  const auto prefix = core::IpPrefix::parse(subnet, false);
  if (!prefix || !prefix->base.is_v4() || prefix->length > 30) {
    throw FleetConflict("Network configuration conflict: '" + subnet +
                        "' is not an IPv4 subnet with room for a gateway and deckies");
  }
  return core::IpAddress::from_v4(prefix->base.v4_value() + 1).str();
}

// "<decky>: <why>", the decky named once.
std::string failure(const std::string& decky, const std::exception& e) {
  const std::string what = e.what();
  return what.rfind(decky + ": ", 0) == 0 ? what : decky + ": " + what;
}

std::string as_ini(const std::string& text) {
  return looks_like_yaml(text) ? deploy_yaml_to_ini(text) : text;
}

}  // namespace

decky::DeployPlan standalone_plan(const std::string& text, const FleetOptions& options,
                                  std::uint64_t seed) {
  try {
    auto plan = decky::read_deploy_ini(as_ini(text), seed);
    if (plan.network.subnet.empty()) plan.network.subnet = options.default_subnet;
    if (plan.network.gateway.empty()) plan.network.gateway = first_host_of(plan.network.subnet);
    decky::assign_addresses(plan, {}, "");
    return plan;
  } catch (const decky::DeployError& e) {
    throw FleetConflict(e.what());
  }
}

FleetOptions fleet_options(const core::Config& config) {
  FleetOptions out;
  out.host.bridge = config.fleet_bridge();
  if (out.host.bridge.empty() || out.host.bridge.size() > 15 ||
      out.host.bridge.find_first_of("/ \t\n:") != std::string::npos) {
    throw core::ConfigError(
        "DECNET_FLEET_BRIDGE: '" + out.host.bridge +
        "' is not an interface name (1 to 15 characters, no '/', ':' or space)");
  }
  out.default_subnet = config.fleet_subnet();
  const auto subnet = core::IpPrefix::parse(out.default_subnet, true);
  if (!subnet || !subnet->base.is_v4() || subnet->length > 30) {
    throw core::ConfigError("DECNET_FLEET_SUBNET: '" + out.default_subnet +
                            "' is not an IPv4 network in CIDR form of at most /30");
  }
  out.host.fleet_dir =
      config.fleet_dir().empty() ? config.data_dir() / "fleet" : config.fleet_dir();
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  out.host.decnet_binary = ec ? std::string("decnet") : self.string();
  out.host.master_port = config.syslog_relp_port();
  out.deployment_limit = static_cast<std::size_t>(config.deployment_limit());
  return out;
}

Fleet::Fleet(store::Repository& repo, bus::Bus* bus, FleetOptions options)
    : repo_(repo), bus_(bus), options_(std::move(options)), host_(options_.host) {}

std::vector<store::FleetDecky> Fleet::deckies() {
  return repo_.deckies().list_fleet_deckies(kLocal);
}

std::optional<store::FleetDecky> Fleet::decky(const std::string& name) {
  return repo_.deckies().get_fleet_decky(kLocal, name);
}

decky::FleetNetwork Fleet::network_for(const decky::DeployPlan& plan,
                                       const std::vector<store::FleetDecky>& existing,
                                       bool replace) const {
  std::optional<decky::FleetNetwork> current;
  if (!existing.empty()) current = network_of(existing.front());
  decky::FleetNetwork out = plan.network;
  if (!out.interface.empty()) {
    throw FleetConflict("Network configuration conflict: interface=" + out.interface +
                        " (macvlan on a host interface) is not supported; the fleet has a bridge "
                        "of its own (DECNET_FLEET_BRIDGE)");
  }
  if (out.subnet.empty()) {
    if (current && !replace) return *current;
    out.subnet = options_.default_subnet;
  }
  if (out.gateway.empty()) out.gateway = first_host_of(out.subnet);
  if (current && !replace && (current->subnet != out.subnet || current->gateway != out.gateway)) {
    throw FleetConflict("Network configuration conflict: the fleet is on " + current->subnet +
                        " through " + current->gateway + ", the INI asks for " + out.subnet +
                        " through " + out.gateway +
                        "; omit [general] to add to the fleet, or submit with replace_fleet=true");
  }
  return out;
}

DeployResult Fleet::deploy(const DeployRequest& request) {
  std::lock_guard lock(mu_);
  DeployResult result;
  const auto seed = request.seed.value_or(std::random_device{}());
  try {
    result.plan = decky::read_deploy_ini(as_ini(request.ini), seed);
  } catch (const decky::DeployError& e) {
    throw FleetConflict(e.what());
  }
  auto& plan = result.plan;
  const auto existing = deckies();
  plan.network = network_for(plan, existing, request.replace_fleet);
  std::vector<std::string> taken;
  if (!request.replace_fleet) {
    std::set<std::string> names;
    for (const auto& row : existing) {
      names.insert(row.name);
      if (row.decky_ip) taken.push_back(*row.decky_ip);
    }
    for (const auto& d : plan.deckies) {
      if (names.contains(d.name)) {
        throw FleetConflict("decky '" + d.name +
                            "' already exists; submit with replace_fleet=true to replace the "
                            "fleet, or tear it down first");
      }
      if (!d.ip.empty() && std::find(taken.begin(), taken.end(), d.ip) != taken.end()) {
        throw FleetConflict("IP " + d.ip + " is already in use by an existing decky");
      }
    }
  }
  const auto total = plan.deckies.size() + (request.replace_fleet ? 0 : existing.size());
  if (total > options_.deployment_limit) {
    throw FleetConflict("Deployment would result in " + std::to_string(total) +
                        " deckies, exceeding the configured limit of " +
                        std::to_string(options_.deployment_limit));
  }
  try {
    decky::assign_addresses(plan, taken, "");
  } catch (const decky::DeployError& e) {
    throw FleetConflict(e.what());
  }
  if (request.dry_run) return result;
  if (::geteuid() != 0) {
    throw FleetConflict("deploying deckies needs root (network namespaces and a bridge)");
  }

  if (request.replace_fleet) {
    for (const auto& row : existing) {
      teardown_locked(row);
      result.replaced.push_back(row.name);
    }
  }
  // All launched first, then each waited for: the deckies start side by side.
  std::vector<std::pair<const decky::PlannedDecky*, pid_t>> launched;
  for (const auto& d : plan.deckies) {
    record(d, plan.network, 0, "pending", std::nullopt);
    try {
      launched.emplace_back(&d, host_.launch(d, plan.network));
    } catch (const std::exception& e) {
      result.failures.push_back(failure(d.name, e));
      forget(d.name);
    }
  }
  for (const auto& [d, pid] : launched) {
    try {
      host_.wait_ready(*d, pid);
      record(*d, plan.network, pid, "running", std::nullopt);
      publish_state(d->name, "running", std::nullopt);
      result.deployed.push_back(d->name);
    } catch (const std::exception& e) {
      result.failures.push_back(failure(d->name, e));
      try {
        host_.teardown(d->name, pid);
      } catch (const std::exception& again) {
        spdlog::warn("fleet: {} not removed after a failed start: {}", d->name, again.what());
      }
      forget(d->name);
      publish_state(d->name, "failed", e.what());
    }
  }
  return result;
}

void Fleet::teardown(const std::string& name) {
  std::lock_guard lock(mu_);
  const auto row = decky(name);
  if (!row) throw FleetNotFound("decky '" + name + "' is not deployed");
  teardown_locked(*row);
}

std::vector<std::string> Fleet::teardown_all() {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  const auto rows = deckies();
  // Every decky told to stop at once: each then drains its outbox side by side with the others.
  for (const auto& row : rows) {
    if (DeckyHost::process_alive(pid_of(row))) ::kill(pid_of(row), SIGTERM);
  }
  for (const auto& row : rows) {
    teardown_locked(row);
    names.push_back(row.name);
  }
  return names;
}

void Fleet::teardown_locked(const store::FleetDecky& row) {
  set_state(row.name, "tearing_down", std::nullopt);
  try {
    host_.teardown(row.name, pid_of(row));
  } catch (const std::exception& e) {
    set_state(row.name, "teardown_failed", e.what());
    publish_state(row.name, "teardown_failed", e.what());
    throw;
  }
  forget(row.name);
  repo_.write_now(
      [&](store::WriteScope& scope) { return repo_.tarpit().delete_tarpit_rule(scope, row.name); });
  publish_state(row.name, "torn_down", std::nullopt);
}

ReconcileReport Fleet::reconcile(bool look_for_unknown) {
  std::lock_guard lock(mu_);
  ReconcileReport report;
  const auto rows = deckies();
  std::set<std::string> known;
  for (const auto& row : rows) {
    known.insert(row.name);
    if (row.state == "tearing_down" || row.state == "teardown_failed") {
      try {
        teardown_locked(row);
        ++report.torn_down;
      } catch (const std::exception& e) {
        spdlog::error("fleet: {} still not torn down: {}", row.name, e.what());
      }
      continue;
    }
    const auto planned = planned_of(row);
    const auto network = network_of(row);
    const bool had_namespace = host_.namespace_exists(row.name);
    pid_t pid = pid_of(row);
    if (had_namespace && DeckyHost::process_alive(pid)) {
      // Alive but silent (its heartbeat stale): hung, or its event loop stuck.
      const auto status = host_.status(row.name);
      const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      // A decky just started may not have written its first heartbeat yet.
      const auto beat =
          status.is_object() ? status.value("at", std::int64_t{0}) : DeckyHost::started_at(pid);
      const bool fresh = beat >= now - kHeartbeatStale.count();
      const std::string state = fresh ? "running" : "degraded";
      fresh ? ++report.running : ++report.degraded;
      if (row.state != state) {
        const auto why =
            fresh ? std::nullopt
                  : std::optional<std::string>("no heartbeat for over " +
                                               std::to_string(kHeartbeatStale.count()) + " s");
        set_state(row.name, state, why);
        publish_state(row.name, state, why);
      }
      continue;
    }
    try {
      host_.ensure_namespace(planned, network);
      pid = host_.start(planned, network);
      host_.wait_ready(planned, pid);
      record(planned, network, pid, "running", std::nullopt);
      publish_state(row.name, "running", std::nullopt);
      ++(had_namespace ? report.restarted : report.recreated);
    } catch (const std::exception& e) {
      spdlog::error("fleet: {} could not be brought back: {}", row.name, e.what());
      set_state(row.name, "failed", e.what());
      publish_state(row.name, "failed", e.what());
      ++report.failed;
    }
  }
  if (!look_for_unknown) return report;
  for (auto& name : decky::NamespaceNetwork::deckies()) {
    if (!known.contains(name)) report.unknown_namespaces.push_back(std::move(name));
  }
  return report;
}

store::FleetDecky Fleet::existing(const std::string& name) {
  auto row = decky(name);
  if (!row) throw FleetNotFound("decky '" + name + "' is not deployed");
  return *row;
}

void Fleet::push(const store::FleetDecky& row, const decky::PlannedDecky& next) {
  const auto network = network_of(row);
  const auto digest = host_.write_ini(next, network);
  try {
    host_.apply(next, pid_of(row), digest);
  } catch (const decky::FleetError& e) {
    // The decky keeps serving what it could; the INI goes back to what the table says.
    const auto before = planned_of(row);
    try {
      host_.apply(before, pid_of(row), host_.write_ini(before, network));
    } catch (const std::exception& again) {
      spdlog::warn("fleet: {} not restored after a failed change: {}", row.name, again.what());
    }
    throw FleetConflict(e.what());
  }
}

void Fleet::publish(const std::string& decky, std::string_view type, nlohmann::json payload) {
  if (bus_) bus_->publish(topics::decky(decky, type), std::move(payload), type);
}

void Fleet::record(const decky::PlannedDecky& d, const decky::FleetNetwork& network, pid_t pid,
                   const std::string& state, const std::optional<std::string>& error) {
  store::FleetDecky row;
  row.name = d.name;
  row.services = d.services;
  row.decky_ip = d.ip;
  row.decky_config = decky_config_json(d, network, pid);
  row.state = state;
  row.last_error = error;
  repo_.write_now([&](store::WriteScope& scope) {
    repo_.deckies().upsert_fleet_decky(scope, row);
    for (const auto& service : d.services) {
      store::DeckyService s;
      s.decky_name = d.name;
      s.service_name = service;
      if (const auto it = d.settings.find(service); it != d.settings.end()) {
        s.config = it->second;
      }
      repo_.deckies().upsert_decky_service(scope, s);
    }
    return true;
  });
}

void Fleet::set_state(const std::string& name, const std::string& state,
                      const std::optional<std::string>& error) {
  repo_.write_now([&](store::WriteScope& scope) {
    return repo_.deckies().update_fleet_decky_state(scope, kLocal, name, state, error);
  });
}

void Fleet::forget(const std::string& name) {
  repo_.write_now([&](store::WriteScope& scope) {
    return repo_.deckies().delete_fleet_decky(scope, kLocal, name);
  });
}

void Fleet::publish_state(const std::string& name, const std::string& state,
                          const std::optional<std::string>& error) {
  if (!bus_) return;
  bus_->publish(topics::decky(name, topics::kDeckyState),
                {{"decky_name", name},
                 {"state", state},
                 {"error", error ? nlohmann::json(*error) : nlohmann::json(nullptr)}},
                topics::kDeckyState);
}

}  // namespace decnet::fleet
