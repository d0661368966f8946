// A fleet deployment as an operator writes it — the reference's deploy INI — turned into a plan:
// which deckies, with which services and settings, at which addresses, on which network. The
// plan is checked whole before anything is made: every mistake is a DeployError whose text
// names the section and key (the API answers it 409, as the reference does), and the addresses
// are chosen against what the fleet already uses. Making the plan real (namespaces, bridges,
// processes) is the deployer's job; this file does no I/O.
//
// The INI: `[general]` with net= (a CIDR), gw=, interface=; one section per decky (`[web-01]`)
// with services=a,b, ip=, archetype=, nmap_os= (or nmap-os=), mutate_interval= (minutes), or
// amount=N (1..100) to make N deckies named web-01..web-NN (not with ip=); per-service
// settings in `[web-01.ssh]`, or `[web.ssh]` for every decky the `[web]` section made.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "decky/service.h"

namespace decnet::decky {

class DeployError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FleetNetwork {
  std::string interface;  // empty: a bridge of the deployer's own
  std::string subnet;     // CIDR
  std::string gateway;
};

struct PlannedDecky {
  std::string name;
  std::string ip;  // empty until addresses are assigned
  std::string archetype;
  std::string nmap_os = "linux";
  std::vector<std::string> services;
  std::map<std::string, ServiceSettings> settings;  // per service, validated, defaults filled
  std::optional<int> mutate_interval_minutes;
  // Set on a running decky (never by the INI): its tarpitted ports and the delay of each answer.
  std::vector<std::uint16_t> tarpit_ports;
  int tarpit_delay_ms = 0;
};

struct DeployPlan {
  FleetNetwork network;
  std::vector<PlannedDecky> deckies;
};

inline constexpr std::size_t kMaxDeployIniBytes = 524'288;  // 512 KiB
inline constexpr int kMaxAmount = 100;

// The plan an INI describes, addresses not yet assigned (explicit ip= kept). A decky given
// neither services nor an archetype gets one to three services drawn with `seed`, as the
// reference does. Throws DeployError.
DeployPlan read_deploy_ini(std::string_view text, std::uint64_t seed);

// Gives every decky without an address the next free host address of the subnet: not the
// network or broadcast address, the gateway, `host_ip`, an address another decky of the plan
// was given, or one in `taken` (the fleet's). Throws DeployError when the subnet is missing or
// runs out, or an explicit address lies outside it or is taken.
void assign_addresses(DeployPlan& plan, const std::vector<std::string>& taken,
                      const std::string& host_ip);

}  // namespace decnet::decky
