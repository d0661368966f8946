#include "identity/identity_settle.h"

#include <algorithm>
#include <map>
#include <set>

namespace decnet::identity {

std::string IdentityState::canonical(const std::string& identity) const {
  const auto it = merged_into.find(identity);
  return it == merged_into.end() ? identity : it->second;
}

void IdentityChanges::append(IdentityChanges&& other) {
  const auto move_all = [](auto& into, auto& from) {
    into.insert(into.end(), std::make_move_iterator(from.begin()),
                std::make_move_iterator(from.end()));
  };
  move_all(created, other.created);
  move_all(unmerged, other.unmerged);
  move_all(merged, other.merged);
  move_all(links, other.links);
  move_all(touched, other.touched);
  move_all(formed, other.formed);
  move_all(linked_events, other.linked_events);
  move_all(merged_events, other.merged_events);
  move_all(unmerged_events, other.unmerged_events);
}

IdentityChanges settle(const std::vector<std::vector<std::string>>& components,
                       IdentityState& state, const std::function<std::string()>& mint) {
  IdentityChanges out;
  // Who owns each home identity: the component with most of its attackers, ties to the one
  // listed first (components come ordered by their smallest member).
  std::map<std::string, std::pair<std::size_t, std::size_t>> owner;  // home -> (count, component)
  std::vector<std::map<std::string, std::size_t>> counts(components.size());
  for (std::size_t c = 0; c < components.size(); ++c) {
    for (const auto& a : components[c]) {
      if (const auto it = state.home.find(a); it != state.home.end()) ++counts[c][it->second];
    }
    for (const auto& [home, n] : counts[c]) {
      auto [it, fresh] = owner.try_emplace(home, n, c);
      if (!fresh && n > it->second.first) it->second = {n, c};
    }
  }
  for (std::size_t c = 0; c < components.size(); ++c) {
    const auto& members = components[c];
    std::set<std::string> owned;
    for (const auto& [home, _] : counts[c]) {
      if (owner.at(home).second == c) owned.insert(home);
    }
    std::string identity;
    if (owned.empty()) {
      identity = mint();
      out.created.push_back(identity);
      out.formed.push_back({identity, members});
      for (const auto& a : members) {
        out.links.emplace_back(a, identity);
        state.home[a] = identity;
      }
      out.touched.push_back({identity, members});
      continue;
    }
    identity = *owned.begin();
    if (const auto it = state.merged_into.find(identity); it != state.merged_into.end()) {
      out.unmerged.push_back(identity);
      out.unmerged_events.emplace_back(identity, it->second);
      state.merged_into.erase(it);
    }
    for (const auto& home : owned) {
      if (home == identity) continue;
      const auto it = state.merged_into.find(home);
      if (it != state.merged_into.end() && it->second == identity) continue;
      if (it == state.merged_into.end()) out.merged_events.emplace_back(identity, home);
      out.merged.emplace_back(home, identity);
      state.merged_into[home] = identity;
    }
    for (const auto& a : members) {
      const auto it = state.home.find(a);
      if (it != state.home.end() && owned.contains(it->second)) continue;
      out.links.emplace_back(a, identity);
      out.linked_events.emplace_back(identity, a);
      state.home[a] = identity;
    }
    out.touched.push_back({identity, members});
  }
  return out;
}

}  // namespace decnet::identity
