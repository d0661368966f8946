// The identity worker's memory: the identity graph of every attacker with evidence, each one's
// home identity, and the merge pointers, with what a new attacker or a new piece of evidence
// changes in them. Attackers without evidence can never link, so they are not kept: each gets
// its own identity and is forgotten until it shows some.
//
// Nothing here touches the database; the worker writes the IdentityChanges each call returns.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "identity/identity_graph.h"
#include "identity/identity_input.h"
#include "identity/identity_settle.h"

namespace decnet::identity {

class IdentityResolver {
 public:
  explicit IdentityResolver(std::size_t common_after = kDefaultCommonAfter,
                            std::function<std::string()> mint = {});

  // Loading what the database holds, before any change: an attacker's evidence and home, and a
  // merge pointer. settle_all() then makes the state consistent with the graph.
  void load(const std::string& attacker, AttackerEvidence evidence,
            const std::optional<std::string>& home);
  void load_merge(const std::string& loser, const std::string& winner);
  IdentityChanges settle_all();

  // Whether the attacker is in the graph (its home is then known here).
  bool knows(const std::string& attacker) const { return graph_.evidence_of(attacker) != nullptr; }

  // A new attacker: its own identity (when `home` is empty) — nothing else can change.
  IdentityChanges appeared(const std::string& attacker, const std::optional<std::string>& home);
  // One piece of evidence. `home` is the attacker's identity as stored, for an attacker the
  // graph does not know yet. Returns whether the attacker's evidence changed (and so must be
  // stored), with what that changed in the identities.
  bool observe(const IdentityInput& input, const std::optional<std::string>& home,
               IdentityChanges& changes);

  // The evidence of some attackers together (an identity's members), for its rollup columns.
  struct Rollup {
    std::set<std::string> ja3, hassh, payloads, c2;
  };
  Rollup rollup(const std::vector<std::string>& attackers) const;

  const IdentityGraph& graph() const { return graph_; }
  const IdentityState& state() const { return state_; }

 private:
  IdentityChanges settle_update(const IdentityGraph::Update& update);
  std::vector<std::string> sorted_members(IdentityGraph::Component c) const;

  IdentityGraph graph_;
  IdentityState state_;
  std::function<std::string()> mint_;
  // When each attacker's current JA3 / HASSH was last seen: an older sighting arriving late does
  // not replace a newer one.
  struct Seen {
    std::int64_t ja3 = 0;
    std::int64_t hassh = 0;
  };
  std::unordered_map<std::string, Seen> seen_;
};

}  // namespace decnet::identity
