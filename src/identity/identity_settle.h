// Which identity row each component of the identity graph is, given the rows that exist.
//
// Every attacker has a home identity (attackers.identity_id). A component's identity is the
// lexicographically smallest home identity it owns (identities are minted as time-ordered uuid7s,
// so that is the oldest: an identity an operator already knows survives a merge with a newer
// one, where the reference's random uuid4s made the survivor a coin toss); the other homes it owns
// point at it through merged_into_uuid, one hop, so that reading an attacker's identity follows one
// pointer. A split can leave one home identity with attackers in several components: the component
// holding most of them keeps it, and the others' attackers move to their own component's identity.
// A component owning no home gets a new identity. Merges are soft: an identity absorbed keeps its
// row and is resurrected (unmerged) when the evidence that joined it goes away.
//
// settle() is used by the worker on the components a change touched and by the full rebuild on
// all of them, so both paths make identical decisions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace decnet::identity {

struct IdentityState {
  std::unordered_map<std::string, std::string> home;         // attacker -> its identity_id
  std::unordered_map<std::string, std::string> merged_into;  // loser -> winner
  std::string canonical(const std::string& identity) const;
};

// What to write and announce, in the order the writes must happen: new identities, unmerges,
// merges, then attacker links.
struct IdentityChanges {
  std::vector<std::string> created;
  std::vector<std::string> unmerged;                        // now canonical again
  std::vector<std::pair<std::string, std::string>> merged;  // (loser, winner), re-points included
  std::vector<std::pair<std::string, std::string>> links;   // (attacker, identity)
  // Canonical identities whose members or evidence changed, with their members now.
  struct Touched {
    std::string identity;
    std::vector<std::string> attackers;
  };
  std::vector<Touched> touched;

  // The events, as the bus carries them (identity.formed, .observation.linked, .merged, .unmerged).
  struct Formed {
    std::string identity;
    std::vector<std::string> attackers;
  };
  std::vector<Formed> formed;
  std::vector<std::pair<std::string, std::string>> linked_events;    // (identity, attacker)
  std::vector<std::pair<std::string, std::string>> merged_events;    // (winner, loser)
  std::vector<std::pair<std::string, std::string>> unmerged_events;  // (resurrected, former winner)

  bool empty() const {
    return created.empty() && unmerged.empty() && merged.empty() && links.empty() &&
           touched.empty();
  }
  void append(IdentityChanges&& other);
};

// Brings `state` in line with `components` (each the sorted attackers of one component; together
// they hold every attacker whose home they involve) and says what changed. `mint` makes new
// identity uuids.
IdentityChanges settle(const std::vector<std::vector<std::string>>& components,
                       IdentityState& state, const std::function<std::string()>& mint);

}  // namespace decnet::identity
