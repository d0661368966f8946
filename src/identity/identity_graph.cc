#include "identity/identity_graph.h"

#include <algorithm>
#include <deque>

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

std::vector<std::string> IdentityGraph::keys_of(const AttackerEvidence& e) const {
  std::vector<std::string> keys;
  if (e.ja3) keys.push_back("ja3:" + *e.ja3);
  if (e.hassh) keys.push_back("hassh:" + *e.hassh);
  for (const auto& p : e.payloads) keys.push_back("payload:" + p);
  for (const auto& c : e.c2) keys.push_back("c2:" + c);
  return keys;
}

// The attackers linked to `attacker`: found through the keys they share, then checked against
// the edge rule (a shared payload under disagreeing fingerprints is no link).
std::vector<std::string> IdentityGraph::neighbours(const std::string& attacker) const {
  std::vector<std::string> out;
  const auto& mine = evidence_.at(attacker);
  std::set<std::string> seen{attacker};
  for (const auto& key : keys_of(mine)) {
    const auto it = by_key_.find(key);
    if (it == by_key_.end()) continue;
    for (const auto& other : it->second) {
      if (seen.contains(other)) continue;
      if (linked(mine, evidence_.at(other))) {
        seen.insert(other);
        out.push_back(other);
      }
    }
  }
  return out;
}

IdentityGraph::Component IdentityGraph::component_of(const std::string& attacker) const {
  const auto it = component_.find(attacker);
  return it == component_.end() ? 0 : it->second;
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
    for (const auto& a : piece) component_[a] = label;
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
  const auto found = evidence_.find(attacker);
  const bool known = found != evidence_.end();
  if (known && found->second == evidence) return update;
  // Only added links: no fingerprint changed and nothing was taken away.
  const bool grows =
      !known || (found->second.ja3 == evidence.ja3 && found->second.hassh == evidence.hassh &&
                 std::includes(evidence.payloads.begin(), evidence.payloads.end(),
                               found->second.payloads.begin(), found->second.payloads.end()) &&
                 std::includes(evidence.c2.begin(), evidence.c2.end(), found->second.c2.begin(),
                               found->second.c2.end()));
  if (known) {
    for (const auto& key : keys_of(found->second)) {
      auto it = by_key_.find(key);
      it->second.erase(attacker);
      if (it->second.empty()) by_key_.erase(it);
    }
  }
  for (const auto& key : keys_of(evidence)) by_key_[key].insert(attacker);
  evidence_[attacker] = std::move(evidence);

  // The attackers whose components can change: the attacker's own, and every component it now
  // links to. A change that may have cut links recomputes its old component too.
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
  if (grows && known) {
    // Nothing was cut: if every neighbour is already in the attacker's component, nothing moves.
    const auto mine = component_of(attacker);
    bool same = true;
    for (const auto& a : affected) same = same && component_of(a) == mine;
    if (same) return update;
  }
  relabel(affected, update);
  return update;
}

}  // namespace decnet::identity
