// Who is behind several addresses: attackers joined by evidence that only one actor's tooling
// leaves. Two attackers are linked when they share a client JA3 or HASSH, or when they share a
// dropped payload's hash or a command-and-control endpoint and their fingerprints do not
// disagree (the veto: two operators with different tools who share infrastructure stay two
// identities; campaigns join them). Weaker evidence — commands, credentials, the AS — never
// links on its own (the reference's weights: only the high tier reaches its threshold).
//
// The graph is incremental: replacing one attacker's evidence touches only the attackers it
// shares a key with and its own component. Evidence that only adds links unites components; a
// change that may remove a link (a fingerprint that changed, a payload forgotten) recomputes the
// attacker's old component, which splits if nothing holds it together any more. No step looks at
// every pair of attackers.
//
// Evidence that many attackers share is tooling, not an actor: the JA3 of curl or Go's client,
// the loader URL every Mirai copy fetches. A key held by more than `common_after` attackers
// links nobody (the reference linked on any shared JA3, so every scanner using one library became
// one identity); when a key crosses that line either way, the components of its holders are
// recomputed. components_from_scratch() is the same rule without the incremental bookkeeping:
// `decnet identities rebuild` uses it, and the tests hold one against the other.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace decnet::identity {

struct AttackerEvidence {
  std::optional<std::string> ja3;    // the client's TLS fingerprint (last seen)
  std::optional<std::string> hassh;  // the client's SSH fingerprint (last seen)
  std::set<std::string> payloads;    // SHA-256 of files it dropped
  std::set<std::string> c2;          // command-and-control endpoints it used
  // Attackers that type with its rhythm and run its command habits (behavioural neighbours
  // found in the vector store); the pair links like a shared payload, veto included.
  std::set<std::string> twins;

  bool empty() const { return !ja3 && !hassh && payloads.empty() && c2.empty() && twins.empty(); }
  friend bool operator==(const AttackerEvidence&, const AttackerEvidence&) = default;
};

// The fingerprints the two sides both have all disagree: shared payloads or C2 do not link them.
bool fingerprints_veto(const AttackerEvidence& a, const AttackerEvidence& b);
// The edge rule (no key too common).
bool linked(const AttackerEvidence& a, const AttackerEvidence& b);

// Keys shared by more attackers than this link nobody, unless configured otherwise.
inline constexpr std::size_t kDefaultCommonAfter = 500;
// Bounds on one attacker's evidence: a hostile client naming endless URLs or dropping endless
// files adds the first ones only.
inline constexpr std::size_t kMaxPayloadsPerAttacker = 32;
inline constexpr std::size_t kMaxC2PerAttacker = 32;
inline constexpr std::size_t kMaxTwinsPerAttacker = 8;

// The graph's keys of one attacker's evidence: "ja3:<hash>", "hassh:<hash>", "payload:<sha>",
// "c2:<endpoint>", and "twin:<a>|<b>" (the pair, smaller first) for each behavioural twin.
std::vector<std::string> evidence_keys(const std::string& attacker, const AttackerEvidence& e);

// Every attacker's component, computed from nothing: the members of each, sorted, the
// components in order of their smallest member.
std::vector<std::vector<std::string>> components_from_scratch(
    const std::unordered_map<std::string, AttackerEvidence>& evidence,
    std::size_t common_after = kDefaultCommonAfter);

class IdentityGraph {
 public:
  using Component = std::uint64_t;

  // What one change did: the components created or changed (with their members now), and the
  // ones that no longer exist (absorbed or split into others).
  struct Update {
    std::vector<Component> changed;
    std::vector<Component> removed;
  };

  explicit IdentityGraph(std::size_t common_after = kDefaultCommonAfter)
      : common_after_(common_after) {}

  // Replaces `attacker`'s evidence (a new attacker starts alone).
  Update set(const std::string& attacker, AttackerEvidence evidence);

  // 0 for an attacker the graph has never seen.
  Component component_of(const std::string& attacker) const;
  // Empty for a component that does not exist.
  const std::set<std::string>& members(Component c) const;
  std::size_t attacker_count() const { return nodes_.size(); }
  std::size_t component_count() const { return members_.size(); }
  template <typename Visit>
  void for_each_component(Visit&& visit) const {
    for (const auto& [_, members] : members_) visit(members);
  }
  const AttackerEvidence* evidence_of(const std::string& attacker) const;
  // How many attackers hold `key` (evidence_keys' spelling).
  std::size_t holders(const std::string& key) const;

 private:
  bool usable(const std::string& key) const { return holders(key) <= common_after_; }
  std::vector<std::string> neighbours(const std::string& attacker) const;
  void unite(const std::string& attacker, const std::vector<std::string>& linked_to,
             Update& update);
  void relabel(const std::set<std::string>& attackers, Update& update);

  // Each attacker's evidence and component, under one copy of its uuid.
  struct Node {
    AttackerEvidence evidence;
    Component component = 0;
  };
  std::unordered_map<std::string, Node> nodes_;
  // "ja3:<hash>", "hassh:<hash>", "payload:<sha>", "c2:<endpoint>" -> attackers with it.
  std::unordered_map<std::string, std::set<std::string>> by_key_;
  std::unordered_map<Component, std::set<std::string>> members_;
  Component next_ = 1;
  std::size_t common_after_;
};

}  // namespace decnet::identity
