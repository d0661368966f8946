#include "fleet/fleet_record.h"

#include "core/time.h"
#include "decky/service_registry.h"

namespace decnet::fleet {
namespace {

std::string text_at(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

bool is_secret_field(const std::string& service, const std::string& key) {
  const auto* spec = decky::find_service(service);
  if (!spec) return false;
  for (const auto& f : spec->fields) {
    if (f.key == key) return f.secret;
  }
  return false;
}

nlohmann::json decky_config_json(const decky::PlannedDecky& decky,
                                 const decky::FleetNetwork& network, pid_t pid) {
  nlohmann::json settings = nlohmann::json::object();
  for (const auto& [service, values] : decky.settings) settings[service] = values;
  nlohmann::json out = {
      {"name", decky.name},
      {"ip", decky.ip},
      {"hostname", decky.name},
      {"services", decky.services},
      {"archetype",
       decky.archetype.empty() ? nlohmann::json(nullptr) : nlohmann::json(decky.archetype)},
      {"nmap_os", decky.nmap_os},
      {"service_config", std::move(settings)},
      {"mutate_interval", decky.mutate_interval_minutes
                              ? nlohmann::json(*decky.mutate_interval_minutes)
                              : nlohmann::json(nullptr)},
      {"network",
       {{"interface", network.interface},
        {"subnet", network.subnet},
        {"gateway", network.gateway}}},
      {"tarpit", decky.tarpit_ports.empty() ? nlohmann::json(nullptr)
                                            : nlohmann::json{{"ports", decky.tarpit_ports},
                                                             {"delay_ms", decky.tarpit_delay_ms}}},
      {"pid", pid}};
  return out;
}

decky::PlannedDecky planned_of(const store::FleetDecky& row) {
  const auto& j = row.decky_config;
  decky::PlannedDecky out;
  out.name = row.name;
  out.ip = row.decky_ip.value_or(text_at(j, "ip"));
  out.archetype = text_at(j, "archetype");
  if (auto os = text_at(j, "nmap_os"); !os.empty()) out.nmap_os = std::move(os);
  out.services = row.services;
  if (const auto it = j.find("service_config"); it != j.end() && it->is_object()) {
    for (const auto& [service, values] : it->items()) {
      if (!values.is_object()) continue;
      auto& settings = out.settings[service];
      for (const auto& [key, value] : values.items()) {
        if (value.is_string()) settings[key] = value.get<std::string>();
      }
    }
  }
  if (const auto it = j.find("tarpit"); it != j.end() && it->is_object()) {
    for (const auto& p : it->value("ports", nlohmann::json::array())) {
      if (p.is_number_integer()) out.tarpit_ports.push_back(p.get<std::uint16_t>());
    }
    out.tarpit_delay_ms = it->value("delay_ms", 0);
  }
  if (const auto it = j.find("mutate_interval"); it != j.end() && it->is_number_integer()) {
    out.mutate_interval_minutes = it->get<int>();
  }
  return out;
}

decky::FleetNetwork network_of(const store::FleetDecky& row) {
  decky::FleetNetwork out;
  if (const auto it = row.decky_config.find("network");
      it != row.decky_config.end() && it->is_object()) {
    out.interface = text_at(*it, "interface");
    out.subnet = text_at(*it, "subnet");
    out.gateway = text_at(*it, "gateway");
  }
  return out;
}

pid_t pid_of(const store::FleetDecky& row) {
  const auto it = row.decky_config.find("pid");
  return it != row.decky_config.end() && it->is_number_integer() ? it->get<pid_t>() : 0;
}

nlohmann::json masked_settings(const std::string& service, nlohmann::json settings) {
  if (!settings.is_object()) return settings;
  for (auto& [key, value] : settings.items()) {
    if (is_secret_field(service, key) && value.is_string() && !value.get<std::string>().empty()) {
      value = kMaskedSecret;
    }
  }
  return settings;
}

nlohmann::json decky_view(const store::FleetDecky& row) {
  auto config = row.decky_config;
  config.erase("pid");
  if (auto it = config.find("service_config"); it != config.end() && it->is_object()) {
    for (auto& [service, values] : it->items()) values = masked_settings(service, values);
  }
  config["state"] = row.state;
  config["last_error"] = row.last_error ? nlohmann::json(*row.last_error) : nlohmann::json(nullptr);
  config["last_seen"] = row.last_seen ? nlohmann::json(core::format_rfc3339(*row.last_seen))
                                      : nlohmann::json(nullptr);
  config["updated_at"] = core::format_rfc3339(row.updated_at);
  config["host_uuid"] = row.host_uuid;
  return config;
}

}  // namespace decnet::fleet
