// The deploy file in YAML: the INI's sections as mappings, the same keys and values, lists
// allowed where the INI takes a comma-separated one (`services: [http, ssh]`):
//
//   general: {net: 10.213.0.0/24, gw: 10.213.0.1}
//   web-01: {services: [http, ssh]}
//   web-01.ssh: {password: letmein}
//
// It is turned into the INI text and read by the one INI reader, so both forms mean exactly
// the same and are checked the same way.
#pragma once

#include <string>
#include <string_view>

namespace decnet::fleet {

// True when `text` is YAML rather than INI (its first meaningful line does not open a section).
bool looks_like_yaml(std::string_view text);

// The INI text the YAML describes. Throws decky::DeployError naming the section and key of
// anything that has no INI form (a nested mapping, a value on several lines).
std::string deploy_yaml_to_ini(std::string_view yaml);

}  // namespace decnet::fleet
