#include "decky/fleet/deploy_plan.h"

#include <algorithm>
#include <charconv>
#include <random>
#include <set>

#include "core/config.h"
#include "core/config_files.h"
#include "core/ip.h"
#include "core/text.h"
#include "decky/fleet/archetypes.h"
#include "decky/service_registry.h"

namespace decnet::decky {
namespace {

const std::set<std::string_view> kOperatingSystems{"linux", "windows", "windows_server", "bsd",
                                                   "embedded"};

[[noreturn]] void fail(const std::string& section, const std::string& why) {
  throw DeployError("[" + section + "]: " + why);
}

// Lower-case letters, digits and hyphens, not starting with a hyphen: a name that is also a
// host name, a network namespace name and a REST path segment.
bool valid_name(std::string_view name, std::size_t max) {
  if (name.empty() || name.size() > max || name.front() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::optional<int> whole_number(std::string_view text) {
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return n;
}

// One decky section as written, before `amount` expands it.
struct DeckySection {
  std::string name;
  std::map<std::string, std::string> keys;
};

std::vector<std::string> service_list(const std::string& section, const std::string& text) {
  std::vector<std::string> out;
  for (auto& name : core::split_comma_list(text)) {
    const auto* spec = find_service(name);
    if (!spec) fail(section, "unknown service '" + name + "'");
    if (!spec->emulated()) fail(section, "service '" + name + "' is not emulated");
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  }
  return out;
}

std::vector<std::string> random_services(std::mt19937_64& rng) {
  std::vector<std::string> pool;
  for (const auto& s : service_registry()) {
    if (s.emulated()) pool.push_back(s.name);
  }
  std::shuffle(pool.begin(), pool.end(), rng);
  pool.resize(std::uniform_int_distribution<std::size_t>(1, 3)(rng));
  return pool;
}

PlannedDecky plan_decky(const DeckySection& s, std::mt19937_64& rng) {
  PlannedDecky d;
  for (const auto& [key, value] : s.keys) {
    if (key == "services") {
      d.services = service_list(s.name, value);
    } else if (key == "ip") {
      const auto ip = core::IpAddress::parse(value);
      if (!ip || !ip->is_v4()) fail(s.name, "ip '" + value + "' is not an IPv4 address");
      d.ip = ip->str();
    } else if (key == "archetype") {
      if (!find_archetype(value)) fail(s.name, "unknown archetype '" + value + "'");
      d.archetype = value;
    } else if (key == "nmap_os" || key == "nmap-os") {
      if (!kOperatingSystems.contains(value)) fail(s.name, "unknown nmap_os '" + value + "'");
      d.nmap_os = value;
    } else if (key == "mutate_interval" || key == "mutate-interval") {
      const auto minutes = whole_number(value);
      if (!minutes || *minutes < 1)
        fail(s.name, "mutate_interval must be a whole number of minutes");
      d.mutate_interval_minutes = *minutes;
    } else if (key != "amount") {
      fail(s.name, "unknown key '" + key + "'");
    }
  }
  if (d.services.empty() && !d.archetype.empty()) {
    const auto* a = find_archetype(d.archetype);
    d.services = a->services;
    if (!s.keys.contains("nmap_os") && !s.keys.contains("nmap-os")) d.nmap_os = a->nmap_os;
  }
  if (d.services.empty()) d.services = random_services(rng);
  return d;
}

}  // namespace

DeployPlan read_deploy_ini(std::string_view text, std::uint64_t seed) {
  if (text.size() > kMaxDeployIniBytes) throw DeployError("INI content exceeds 512 KiB");
  std::vector<core::IniSection> sections;
  try {
    sections = core::parse_ini(text, "INI");
  } catch (const core::ConfigError& e) {
    throw DeployError(e.what());
  }
  if (sections.empty()) throw DeployError("INI has no sections");

  DeployPlan plan;
  std::vector<DeckySection> decky_sections;
  std::vector<const core::IniSection*> service_sections;
  for (const auto& section : sections) {
    const auto& name = section.name;
    if (name == "general") {
      for (const auto& e : section.entries) {
        if (e.key == "net") {
          plan.network.subnet = e.value;
        } else if (e.key == "gw") {
          plan.network.gateway = e.value;
        } else if (e.key == "interface") {
          plan.network.interface = e.value;
        } else {
          fail(name, "unknown key '" + e.key + "'");
        }
      }
    } else if (name.rfind("custom-", 0) == 0) {
      fail(name, "custom services are not supported; every service runs inside the decky");
    } else if (name.find('.') != std::string::npos) {
      service_sections.push_back(&section);
    } else {
      if (!valid_name(name, 61)) {
        fail(name, "a decky name is lower-case letters, digits and hyphens, at most 61");
      }
      DeckySection d{name, {}};
      for (const auto& e : section.entries) d.keys[e.key] = e.value;
      decky_sections.push_back(std::move(d));
    }
  }
  if (decky_sections.empty()) throw DeployError("INI has no decky section");

  std::mt19937_64 rng(seed);
  // name -> the section it came from (itself, or the prefix an amount expanded)
  std::map<std::string, std::string> origin;
  for (const auto& s : decky_sections) {
    int amount = 1;
    if (const auto it = s.keys.find("amount"); it != s.keys.end()) {
      const auto n = whole_number(it->second);
      if (!n || *n < 1 || *n > kMaxAmount) fail(s.name, "amount must be between 1 and 100");
      if (s.keys.contains("ip")) fail(s.name, "amount cannot be combined with ip");
      amount = *n;
    }
    const bool expanded = s.keys.contains("amount");
    for (int i = 1; i <= amount; ++i) {
      auto d = plan_decky(s, rng);
      d.name = s.name;
      if (expanded) {
        d.name += i < 10 ? "-0" : "-";
        d.name += std::to_string(i);
      }
      if (origin.contains(d.name)) fail(s.name, "decky '" + d.name + "' is defined twice");
      origin[d.name] = s.name;
      plan.deckies.push_back(std::move(d));
    }
  }

  // Settings: [prefix.svc] for every decky an amount made from the prefix, then [decky.svc]
  // for one decky, over it.
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> given;
  const auto is_decky = [&](const std::string& name) { return origin.contains(name); };
  for (const bool exact : {false, true}) {
    for (const auto* section : service_sections) {
      const auto dot = section->name.rfind('.');
      const auto owner = section->name.substr(0, dot);
      const auto service = section->name.substr(dot + 1);
      if (is_decky(owner) != exact) continue;
      bool matched = false;
      for (const auto& d : plan.deckies) {
        if (exact ? d.name != owner : origin[d.name] != owner) continue;
        matched = true;
        if (std::find(d.services.begin(), d.services.end(), service) == d.services.end()) {
          fail(section->name, "'" + service + "' is not a service of " + d.name);
        }
        for (const auto& e : section->entries) given[{d.name, service}][e.key] = e.value;
      }
      if (!matched) fail(section->name, "no decky named '" + owner + "'");
    }
  }
  for (auto& d : plan.deckies) {
    for (const auto& service : d.services) {
      try {
        d.settings[service] =
            validate_service_settings(*find_service(service), given[{d.name, service}]);
      } catch (const ServiceConfigError& e) {
        fail(d.name + "." + service, e.what());
      }
    }
  }
  return plan;
}

void assign_addresses(DeployPlan& plan, const std::vector<std::string>& taken,
                      const std::string& host_ip) {
  const auto subnet = core::IpPrefix::parse(plan.network.subnet, false);
  if (!subnet || !subnet->base.is_v4() || subnet->length < 8 || subnet->length > 30) {
    throw DeployError(
        "[general]: net must be an IPv4 network from /8 to /30 in CIDR form, e.g. 10.10.0.0/24");
  }
  const std::uint32_t first = subnet->base.v4_value();
  const std::uint32_t size = 1U << (32 - subnet->length);
  const auto network = core::IpAddress::from_v4(first);
  const auto broadcast = core::IpAddress::from_v4(first + size - 1);
  std::set<core::IpAddress> used;
  for (const auto& t : taken) {
    if (const auto ip = core::IpAddress::parse(t)) used.insert(ip->unmapped());
  }
  const auto gateway = core::IpAddress::parse(plan.network.gateway);
  if (!gateway || !subnet->contains(*gateway)) {
    throw DeployError("[general]: gw must be an address inside " + plan.network.subnet);
  }
  if (const auto host = core::IpAddress::parse(host_ip)) used.insert(*host);
  used.insert(*gateway);
  for (const auto& d : plan.deckies) {
    if (d.ip.empty()) continue;
    const auto ip = *core::IpAddress::parse(d.ip);
    if (!subnet->contains(ip)) fail(d.name, "ip " + d.ip + " is outside " + plan.network.subnet);
    if (ip == network || ip == broadcast) {
      fail(d.name, "ip " + d.ip + " is the network's own or its broadcast address");
    }
    if (!used.insert(ip).second) {
      throw DeployError("IP " + d.ip + " is already in use by an existing decky");
    }
  }
  std::uint32_t next = 1;
  for (auto& d : plan.deckies) {
    if (!d.ip.empty()) continue;
    while (next + 1 < size && used.contains(core::IpAddress::from_v4(first + next))) ++next;
    if (next + 1 >= size) {
      throw DeployError("[general]: no free address left in " + plan.network.subnet);
    }
    const auto ip = core::IpAddress::from_v4(first + next);
    used.insert(ip);
    d.ip = ip.str();
  }
}

}  // namespace decnet::decky
