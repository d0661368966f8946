// The identity graph's edge rule (the reference's vectors: fingerprints link, shared payloads or
// C2 link unless the fingerprints disagree, weak evidence never links), its incremental updates
// (a bridge joins, a fingerprint that changes splits again), and — over random sequences of
// changes — that the incremental components are always the ones a from-scratch pass over every
// pair would find.
#include "identity/identity_graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <random>

namespace decnet::identity {
namespace {

AttackerEvidence ev(std::optional<std::string> ja3, std::optional<std::string> hassh,
                    std::set<std::string> payloads = {}, std::set<std::string> c2 = {}) {
  return {std::move(ja3), std::move(hassh), std::move(payloads), std::move(c2)};
}

TEST(IdentityEdges, TheReferencesVectors) {
  EXPECT_TRUE(linked(ev("j1", std::nullopt), ev("j1", std::nullopt)));  // JA3 equal
  EXPECT_FALSE(linked(ev(std::nullopt, std::nullopt), ev(std::nullopt, std::nullopt)));
  // Distinct JA3 and HASSH with a shared C2 or payload: vetoed.
  EXPECT_FALSE(linked(ev("j1", "h1", {}, {"c2.example"}), ev("j2", "h2", {}, {"c2.example"})));
  EXPECT_FALSE(linked(ev("j1", "h1", {"p"}), ev("j2", "h2", {"p"})));
  // No fingerprints, or one side only: shared C2 links.
  EXPECT_TRUE(
      linked(ev(std::nullopt, std::nullopt, {}, {"c"}), ev(std::nullopt, std::nullopt, {}, {"c"})));
  EXPECT_TRUE(linked(ev("j1", std::nullopt, {}, {"c"}), ev(std::nullopt, std::nullopt, {}, {"c"})));
  // JA3 equal, HASSH differ, shared C2: linked (the fingerprints agree somewhere).
  EXPECT_TRUE(linked(ev("j1", "h1", {}, {"c"}), ev("j1", "h2", {}, {"c"})));
  // JA3 differ, HASSH absent on both, shared C2: vetoed.
  EXPECT_FALSE(linked(ev("j1", std::nullopt, {}, {"c"}), ev("j2", std::nullopt, {}, {"c"})));
  // Nothing shared: no link.
  EXPECT_FALSE(linked(ev("j1", "h1", {"p1"}, {"c1"}), ev("j2", "h2", {"p2"}, {"c2"})));
}

TEST(IdentityGraphTest, ABridgeJoinsAndADivergenceSplits) {
  IdentityGraph g;
  g.set("A", ev("ja3-A", std::nullopt));
  g.set("B", ev("ja3-B", "hassh-X"));
  EXPECT_NE(g.component_of("A"), g.component_of("B"));
  const auto joined = g.set("C", ev("ja3-A", "hassh-X"));
  EXPECT_EQ(g.component_of("A"), g.component_of("B"));
  EXPECT_EQ(g.component_of("A"), g.component_of("C"));
  EXPECT_EQ(g.members(g.component_of("A")), (std::set<std::string>{"A", "B", "C"}));
  EXPECT_EQ(joined.removed.size(), 1u);  // one of the two components was absorbed
  EXPECT_EQ(g.component_count(), 1u);
  // C's tooling changes: nothing holds A and B together any more.
  const auto split = g.set("C", ev("ja3-C", "hassh-Y"));
  EXPECT_NE(g.component_of("A"), g.component_of("B"));
  EXPECT_NE(g.component_of("A"), g.component_of("C"));
  EXPECT_EQ(g.component_count(), 3u);
  EXPECT_EQ(split.changed.size(), 3u);
  // Setting the same evidence again changes nothing.
  const auto again = g.set("C", ev("ja3-C", "hassh-Y"));
  EXPECT_TRUE(again.changed.empty());
  EXPECT_TRUE(again.removed.empty());
}

TEST(IdentityGraphTest, ThreeRotatingActorsAmongScannersAreThreeIdentities) {
  IdentityGraph g;
  std::mt19937 rng(11);
  for (int actor = 0; actor < 3; ++actor) {
    for (int address = 0; address < 5; ++address) {
      g.set("actor" + std::to_string(actor) + "-ip" + std::to_string(address),
            ev("ja3-actor" + std::to_string(actor), "hassh-actor" + std::to_string(actor)));
    }
  }
  // Scanners: a common client (curl's JA3 on some) would join them all; each has its own, or none.
  for (int s = 0; s < 50; ++s) {
    g.set("scanner" + std::to_string(s), s % 2 ? ev("ja3-scanner" + std::to_string(s), std::nullopt)
                                               : ev(std::nullopt, std::nullopt));
  }
  std::map<std::size_t, int> by_size;
  std::set<IdentityGraph::Component> components;
  for (int actor = 0; actor < 3; ++actor) {
    for (int address = 0; address < 5; ++address) {
      components.insert(
          g.component_of("actor" + std::to_string(actor) + "-ip" + std::to_string(address)));
    }
  }
  for (int s = 0; s < 50; ++s) components.insert(g.component_of("scanner" + std::to_string(s)));
  for (const auto c : components) ++by_size[g.members(c).size()];
  EXPECT_EQ(by_size[5], 3);
  EXPECT_EQ(by_size[1], 50);
  EXPECT_EQ(by_size.size(), 2u);
}

// Components from scratch: union-find over every pair, linked when they share a key held by at
// most `common_after` attackers (fingerprints always, payloads and C2 unless vetoed).
std::map<std::string, std::string> from_scratch(const std::map<std::string, AttackerEvidence>& all,
                                                std::size_t common_after) {
  std::map<std::string, std::size_t> holders;
  for (const auto& [id, e] : all) {
    for (const auto& key : evidence_keys(id, e)) ++holders[key];
  }
  const auto pair_linked = [&](const std::string& ida, const std::string& idb) {
    const auto& a = all.at(ida);
    const auto& b = all.at(idb);
    const auto bk = evidence_keys(idb, b);
    for (const auto& key : evidence_keys(ida, a)) {
      if (std::find(bk.begin(), bk.end(), key) == bk.end() || holders[key] > common_after) continue;
      if (key.rfind("ja3:", 0) == 0 || key.rfind("hassh:", 0) == 0) return true;
      if (!fingerprints_veto(a, b)) return true;
    }
    return false;
  };
  std::vector<std::string> ids;
  for (const auto& [id, _] : all) ids.push_back(id);
  std::vector<std::size_t> parent(ids.size());
  std::iota(parent.begin(), parent.end(), 0);
  std::function<std::size_t(std::size_t)> find = [&](std::size_t x) {
    return parent[x] == x ? x : parent[x] = find(parent[x]);
  };
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (std::size_t j = i + 1; j < ids.size(); ++j) {
      if (pair_linked(ids[i], ids[j])) parent[find(i)] = find(j);
    }
  }
  // Each attacker named by the smallest id of its component.
  std::map<std::size_t, std::string> smallest;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto& s = smallest[find(i)];
    if (s.empty() || ids[i] < s) s = ids[i];
  }
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < ids.size(); ++i) out[ids[i]] = smallest[find(i)];
  return out;
}

// Random sequences of changes: after every step the incremental components, and those of
// components_from_scratch, are the ones the all-pairs pass finds.
void check_against_all_pairs(std::size_t common_after, unsigned seed) {
  std::mt19937 rng(seed);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const auto maybe = [&](const char* prefix, int pool) -> std::optional<std::string> {
    if (pick(3) == 0) return std::nullopt;
    return std::string(prefix) + std::to_string(pick(pool));
  };
  IdentityGraph g(common_after);
  std::map<std::string, AttackerEvidence> all;
  for (int step = 0; step < 2000; ++step) {
    const auto id = "a" + std::to_string(pick(60));
    AttackerEvidence e = all.contains(id) && pick(2) ? all[id] : AttackerEvidence{};
    if (pick(2)) e.ja3 = maybe("j", 12);
    if (pick(2)) e.hassh = maybe("h", 8);
    if (pick(2)) e.payloads.insert("p" + std::to_string(pick(10)));
    if (pick(3) == 0) e.c2.insert("c" + std::to_string(pick(6)));
    if (pick(5) == 0) e.payloads.clear();
    if (pick(4) == 0) e.twins.insert("a" + std::to_string(pick(60)));  // linked once both hold it
    if (pick(6) == 0) e.twins.clear();
    e.twins.erase(id);
    const auto update = g.set(id, e);
    all[id] = e;
    // Whatever the update names as changed holds exactly the members it lists.
    for (const auto c : update.changed) {
      for (const auto& m : g.members(c)) ASSERT_EQ(g.component_of(m), c);
    }
    for (const auto c : update.removed) ASSERT_TRUE(g.members(c).empty());
    const auto truth = from_scratch(all, common_after);
    for (const auto& [a, root] : truth) {
      ASSERT_EQ(g.component_of(a), g.component_of(root)) << "step " << step << ": " << a;
    }
    std::set<std::string> roots;
    for (const auto& [a, root] : truth) roots.insert(root);
    ASSERT_EQ(g.component_count(), roots.size()) << "step " << step;
    if (step % 50 == 0) {
      const std::unordered_map<std::string, AttackerEvidence> copy(all.begin(), all.end());
      const auto rebuilt = components_from_scratch(copy, common_after);
      ASSERT_EQ(rebuilt.size(), roots.size()) << "step " << step;
      for (const auto& members : rebuilt) {
        for (const auto& m : members) ASSERT_EQ(truth.at(m), members.front()) << "step " << step;
      }
    }
  }
}

TEST(IdentityGraphTest, IncrementalComponentsAreAlwaysTheFromScratchOnes) {
  check_against_all_pairs(kDefaultCommonAfter, 7);
}

// With a low line, keys keep crossing it both ways as attackers take and drop them.
TEST(IdentityGraphTest, KeysCrossingTheCommonLineRelinkTheirHolders) {
  check_against_all_pairs(4, 19);
}

// Behavioural twins link when both name each other, unless their fingerprints disagree.
TEST(IdentityGraphTest, BehaviouralTwinsLinkBothWaysUnlessVetoed) {
  IdentityGraph g;
  AttackerEvidence a, b, c;
  a.twins = {"B"};
  g.set("A", a);
  g.set("C", c = ev("ja3-c", std::nullopt));
  EXPECT_NE(g.component_of("A"), g.component_of("B"));  // B has not named A yet
  b.twins = {"A"};
  g.set("B", b);
  EXPECT_EQ(g.component_of("A"), g.component_of("B"));
  a.ja3 = "ja3-a";
  b.ja3 = "ja3-b";
  g.set("A", a);
  g.set("B", b);  // different clients: the rhythm alone does not hold them together
  EXPECT_NE(g.component_of("A"), g.component_of("B"));
}

TEST(IdentityGraphTest, EvidenceEveryoneSharesLinksNobody) {
  IdentityGraph g(3);
  for (const char* a : {"a1", "a2", "a3"}) g.set(a, ev("curl-ja3", std::nullopt));
  EXPECT_EQ(g.component_count(), 1u);
  g.set("a4", ev("curl-ja3", std::nullopt));  // a fourth holder: the JA3 is tooling now
  EXPECT_EQ(g.component_count(), 4u);
  g.set("a4", ev("other", std::nullopt));  // back to three: it identifies again
  EXPECT_EQ(g.component_count(), 2u);
  EXPECT_EQ(g.members(g.component_of("a1")), (std::set<std::string>{"a1", "a2", "a3"}));
}

}  // namespace
}  // namespace decnet::identity
