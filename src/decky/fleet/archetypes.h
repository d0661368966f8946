// The kinds of machine a decky can be deployed as when the INI names an archetype instead of
// its services: each a set of services that belong together on one host, and the operating
// system its network stack should look like.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace decnet::decky {

struct Archetype {
  std::string slug;
  std::string display_name;
  std::string description;
  std::vector<std::string> services;
  std::string nmap_os;
};

const std::vector<Archetype>& archetypes();
const Archetype* find_archetype(std::string_view slug);

}  // namespace decnet::decky
