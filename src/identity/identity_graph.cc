#include "identity/identity_graph.h"

#include <algorithm>
#include <deque>
#include <string_view>
#include <unordered_set>

namespace decnet::identity {
namespace {

const std::set<std::string> kNone;

// The slots both sides fill: none comparable, or any agreeing, lets shared infrastructure link.
int comparable(const std::optional<std::string>& a, const std::optional<std::string>& b,
               int& agreeing) {
  if (!a || !b) return 0;
  if (*a == *b) ++agreeing;
  return 1;
}

bool intersects(const std::set<std::string>& a, const std::set<std::string>& b) {
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i == *j) return true;
    if (*i < *j) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

bool fingerprint_key(std::string_view key) {
  return key.starts_with("ja3:") || key.starts_with("hassh:");
}

}  // namespace

bool fingerprints_veto(const AttackerEvidence& a, const AttackerEvidence& b) {
  int agreeing = 0;
  const int slots = comparable(a.ja3, b.ja3, agreeing) + comparable(a.hassh, b.hassh, agreeing);
  return slots > 0 && agreeing == 0;
}

bool linked(const AttackerEvidence& a, const AttackerEvidence& b) {
  if ((a.ja3 && a.ja3 == b.ja3) || (a.hassh && a.hassh == b.hassh)) return true;
  if (fingerprints_veto(a, b)) return false;
  return intersects(a.payloads, b.payloads) || intersects(a.c2, b.c2);
}

std::vector<std::string> evidence_keys(const std::string& attacker, const AttackerEvidence& e) {
  std::vector<std::string> keys;
  keys.reserve(2 + e.payloads.size() + e.c2.size() + e.twins.size());
  if (e.ja3) keys.push_back("ja3:" + *e.ja3);
  if (e.hassh) keys.push_back("hassh:" + *e.hassh);
  for (const auto& p : e.payloads) keys.push_back("payload:" + p);
  for (const auto& c : e.c2) keys.push_back("c2:" + c);
  for (const auto& t : e.twins) {
    keys.push_back("twin:" + std::min(attacker, t) + "|" + std::max(attacker, t));
  }
  return keys;
}

std::vector<std::vector<std::string>> components_from_scratch(
    const std::unordered_map<std::string, AttackerEvidence>& evidence, std::size_t common_after) {
  std::vector<const std::string*> ids;
  ids.reserve(evidence.size());
  for (const auto& [id, _] : evidence) ids.push_back(&id);
  std::sort(ids.begin(), ids.end(), [](const auto* a, const auto* b) { return *a < *b; });
  std::unordered_map<std::string, std::vector<std::size_t>> by_key;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (auto& key : evidence_keys(*ids[i], evidence.at(*ids[i])))
      by_key[std::move(key)].push_back(i);
  }
  std::vector<std::size_t> parent(ids.size());
  for (std::size_t i = 0; i < parent.size(); ++i) parent[i] = i;
  const auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  const auto unite = [&](std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  };
  for (const auto& [key, holders] : by_key) {
    if (holders.size() < 2 || holders.size() > common_after) continue;
    if (fingerprint_key(key)) {
      for (const auto h : holders) unite(holders.front(), h);
      continue;
    }
    for (std::size_t i = 0; i < holders.size(); ++i) {
      for (std::size_t j = i + 1; j < holders.size(); ++j) {
        if (!fingerprints_veto(evidence.at(*ids[holders[i]]), evidence.at(*ids[holders[j]]))) {
          unite(holders[i], holders[j]);
        }
      }
    }
  }
  // Roots are each component's smallest index, so visiting in order lists components by their
  // smallest member, members sorted.
  std::vector<std::vector<std::string>> out;
  std::unordered_map<std::size_t, std::size_t> slot;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto root = find(i);
    const auto [it, fresh] = slot.emplace(root, out.size());
    if (fresh) out.emplace_back();
    out[it->second].push_back(*ids[i]);
  }
  return out;
}

const AttackerEvidence* IdentityGraph::evidence_of(const std::string& attacker) const {
  const auto it = nodes_.find(attacker);
  return it == nodes_.end() ? nullptr : &it->second.evidence;
}

std::size_t IdentityGraph::holders(const std::string& key) const {
  const auto it = by_key_.find(key);
  return it == by_key_.end() ? 0 : it->second.size();
}

// The attackers linked to `attacker`: found through the keys they share (none too common), then
// checked against the edge rule (a shared payload under disagreeing fingerprints is no link).
std::vector<std::string> IdentityGraph::neighbours(const std::string& attacker) const {
  std::vector<std::string> out;
  const auto& mine = nodes_.at(attacker).evidence;
  std::unordered_set<std::string_view> seen{attacker};
  for (const auto& key : evidence_keys(attacker, mine)) {
    const auto it = by_key_.find(key);
    if (it == by_key_.end() || it->second.size() > common_after_) continue;
    const bool fingerprint = fingerprint_key(key);
    for (const auto& other : it->second) {
      if (seen.contains(other)) continue;
      if (fingerprint || !fingerprints_veto(mine, nodes_.at(other).evidence)) {
        seen.insert(other);
        out.push_back(other);
      }
    }
  }
  return out;
}

IdentityGraph::Component IdentityGraph::component_of(const std::string& attacker) const {
  const auto it = nodes_.find(attacker);
  return it == nodes_.end() ? 0 : it->second.component;
}

const std::set<std::string>& IdentityGraph::members(Component c) const {
  const auto it = members_.find(c);
  return it == members_.end() ? kNone : it->second;
}

// Recomputes the components of `attackers` (a union of whole old components) by walking the
// links, giving the largest piece its old component where it keeps one, and a new one to the rest.
void IdentityGraph::relabel(const std::set<std::string>& attackers, Update& update) {
  std::set<Component> old;
  for (const auto& a : attackers) {
    if (const auto c = component_of(a)) old.insert(c);
  }
  std::set<std::string> placed;
  std::vector<std::set<std::string>> pieces;
  for (const auto& start : attackers) {
    if (placed.contains(start)) continue;
    std::set<std::string> piece{start};
    std::deque<std::string> queue{start};
    placed.insert(start);
    while (!queue.empty()) {
      const auto a = queue.front();
      queue.pop_front();
      for (auto& n : neighbours(a)) {
        if (placed.insert(n).second) {
          piece.insert(n);
          queue.push_back(std::move(n));
        }
      }
    }
    pieces.push_back(std::move(piece));
  }
  std::sort(pieces.begin(), pieces.end(),
            [](const auto& x, const auto& y) { return x.size() > y.size(); });
  std::set<Component> reused;
  for (auto& piece : pieces) {
    // The component most of this piece was in, if no bigger piece took it already.
    std::unordered_map<Component, std::size_t> votes;
    for (const auto& a : piece) {
      if (const auto c = component_of(a); c && !reused.contains(c)) ++votes[c];
    }
    Component label = 0;
    std::size_t best = 0;
    for (const auto& [c, n] : votes) {
      if (n > best || (n == best && c < label)) {
        label = c;
        best = n;
      }
    }
    if (!label) label = next_++;
    reused.insert(label);
    for (const auto& a : piece) nodes_.at(a).component = label;
    members_[label] = std::move(piece);
    update.changed.push_back(label);
  }
  for (const auto c : old) {
    if (reused.contains(c)) continue;
    members_.erase(c);
    update.removed.push_back(c);
  }
}

IdentityGraph::Update IdentityGraph::set(const std::string& attacker, AttackerEvidence evidence) {
  Update update;
  const auto found = nodes_.find(attacker);
  const bool known = found != nodes_.end();
  if (known && found->second.evidence == evidence) return update;
  // Only added links: no fingerprint changed and nothing was taken away.
  const bool grows =
      !known ||
      (found->second.evidence.ja3 == evidence.ja3 &&
       found->second.evidence.hassh == evidence.hassh &&
       std::includes(evidence.payloads.begin(), evidence.payloads.end(),
                     found->second.evidence.payloads.begin(),
                     found->second.evidence.payloads.end()) &&
       std::includes(evidence.c2.begin(), evidence.c2.end(), found->second.evidence.c2.begin(),
                     found->second.evidence.c2.end()) &&
       std::includes(evidence.twins.begin(), evidence.twins.end(),
                     found->second.evidence.twins.begin(), found->second.evidence.twins.end()));
  // Keys whose holder count crosses common_after_ either way start or stop linking everyone
  // holding them.
  std::vector<std::string> flipped;
  const auto before =
      known ? evidence_keys(attacker, found->second.evidence) : std::vector<std::string>{};
  const auto after = evidence_keys(attacker, evidence);
  const auto note_flip = [&](const std::string& key, std::size_t was, std::size_t now) {
    if ((was <= common_after_) != (now <= common_after_)) flipped.push_back(key);
  };
  for (const auto& key : before) {
    if (std::find(after.begin(), after.end(), key) != after.end()) continue;
    auto it = by_key_.find(key);
    note_flip(key, it->second.size(), it->second.size() - 1);
    it->second.erase(attacker);
    if (it->second.empty()) by_key_.erase(it);
  }
  for (const auto& key : after) {
    auto& holders = by_key_[key];
    const auto was = holders.size();
    if (holders.insert(attacker).second) note_flip(key, was, was + 1);
  }
  nodes_[attacker].evidence = std::move(evidence);

  if (grows && flipped.empty()) {
    unite(attacker, neighbours(attacker), update);
    return update;
  }
  // The attackers whose components can change: the attacker's own, every component it now links
  // to, and those of every holder of a key that started or stopped linking.
  std::set<std::string> affected;
  const auto take = [&](const std::string& a) {
    if (const auto c = component_of(a)) {
      const auto& m = members_.at(c);
      affected.insert(m.begin(), m.end());
    } else {
      affected.insert(a);
    }
  };
  take(attacker);
  for (const auto& n : neighbours(attacker)) take(n);
  for (const auto& key : flipped) {
    if (const auto it = by_key_.find(key); it != by_key_.end()) {
      for (const auto& holder : it->second) take(holder);
    }
  }
  relabel(affected, update);
  return update;
}

// Only links were added: the components the attacker now touches become one, named after the
// largest of them, without walking anybody's links.
void IdentityGraph::unite(const std::string& attacker, const std::vector<std::string>& linked_to,
                          Update& update) {
  std::set<Component> parts;
  if (const auto c = component_of(attacker)) parts.insert(c);
  for (const auto& n : linked_to) parts.insert(component_of(n));
  if (parts.size() == 1 && component_of(attacker)) return;
  Component keep = 0;
  std::size_t best = 0;
  for (const auto c : parts) {
    if (members_.at(c).size() > best) {
      keep = c;
      best = members_.at(c).size();
    }
  }
  if (!keep) keep = next_++;
  auto& into = members_[keep];
  for (const auto c : parts) {
    if (c == keep) continue;
    for (const auto& m : members_.at(c)) nodes_.at(m).component = keep;
    into.merge(members_.at(c));
    members_.erase(c);
    update.removed.push_back(c);
  }
  nodes_.at(attacker).component = keep;
  into.insert(attacker);
  update.changed.push_back(keep);
}

}  // namespace decnet::identity
