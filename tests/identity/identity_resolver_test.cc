// The identity worker's decisions without a database: the reference's tick scenarios (shared
// JA3 is one identity, distinct ones two, a repeat changes nothing, a newcomer with a known JA3
// is linked rather than given an identity, a bridge merges into the smallest uuid and a
// divergence undoes it), and settle() on splits where one identity's addresses end up apart.
#include "identity/identity_resolver.h"

#include <gtest/gtest.h>

namespace decnet::identity {
namespace {

// Identities minted in order, so that "smallest uuid wins" is predictable here.
class Mint {
 public:
  std::string operator()() {
    char b[16];
    std::snprintf(b, sizeof b, "id-%04d", ++n_);
    return b;
  }

 private:
  int n_ = 0;
};

IdentityInput ja3(const std::string& attacker, const std::string& value, std::int64_t at = 1) {
  return {attacker, EvidenceKind::kJa3, value, at};
}
IdentityInput hassh(const std::string& attacker, const std::string& value, std::int64_t at = 1) {
  return {attacker, EvidenceKind::kHassh, value, at};
}

class ResolverTest : public ::testing::Test {
 protected:
  IdentityChanges see(const IdentityInput& input) {
    IdentityChanges c;
    changed_ = resolver_.observe(input, std::nullopt, c);
    return c;
  }
  std::string identity_of(const std::string& attacker) const {
    return resolver_.state().canonical(resolver_.state().home.at(attacker));
  }
  IdentityResolver resolver_{kDefaultCommonAfter, Mint()};
  bool changed_ = false;
};

TEST_F(ResolverTest, SharedJa3IsOneIdentityAndDistinctOnesTwo) {
  const auto a = see(ja3("A", "j1"));
  ASSERT_EQ(a.formed.size(), 1u);
  EXPECT_EQ(a.formed[0].attackers, std::vector<std::string>{"A"});
  const auto b = see(ja3("B", "j1"));
  EXPECT_TRUE(b.formed.empty());  // linked to A's identity, not a new one
  ASSERT_EQ(b.linked_events.size(), 1u);
  EXPECT_EQ(b.linked_events[0], std::make_pair(std::string("id-0001"), std::string("B")));
  EXPECT_EQ(identity_of("A"), identity_of("B"));
  see(ja3("C", "j2"));
  EXPECT_NE(identity_of("C"), identity_of("A"));
  // The same sighting again: nothing to write, nothing to announce.
  const auto again = see(ja3("B", "j1", 2));
  EXPECT_FALSE(changed_);
  EXPECT_TRUE(again.empty());
  EXPECT_TRUE(again.formed.empty() && again.linked_events.empty() && again.merged_events.empty());
}

TEST_F(ResolverTest, ABridgeMergesIntoTheSmallestAndADivergenceUndoesIt) {
  see(ja3("A", "ja3-A"));
  see(ja3("B", "ja3-B"));
  see(hassh("B", "hassh-X"));
  ASSERT_NE(identity_of("A"), identity_of("B"));
  auto bridge = see(ja3("C", "ja3-A"));  // C joins A's identity...
  EXPECT_EQ(bridge.linked_events.size(), 1u);
  bridge = see(hassh("C", "hassh-X"));  // ...and now holds B's HASSH too
  ASSERT_EQ(bridge.merged_events.size(), 1u);
  EXPECT_EQ(bridge.merged_events[0],
            std::make_pair(std::string("id-0001"), std::string("id-0002")));
  EXPECT_EQ(bridge.merged,
            (std::vector<std::pair<std::string, std::string>>{{"id-0002", "id-0001"}}));
  EXPECT_EQ(identity_of("B"), "id-0001");
  EXPECT_EQ(resolver_.state().home.at("B"), "id-0002");  // B keeps its own row, merged
  // C's fingerprints change: nothing holds A and B together.
  auto split = see(ja3("C", "ja3-C", 5));  // C still holds B's HASSH: A leaves
  split.append(see(hassh("C", "hassh-Y", 5)));
  ASSERT_EQ(split.unmerged_events.size(), 1u);
  EXPECT_EQ(split.unmerged_events[0],
            std::make_pair(std::string("id-0002"), std::string("id-0001")));
  EXPECT_EQ(identity_of("B"), "id-0002");
  EXPECT_EQ(identity_of("A"), "id-0001");
  // C had joined A's identity directly; alone now, it gets one of its own.
  EXPECT_NE(identity_of("C"), "id-0001");
  EXPECT_NE(identity_of("C"), "id-0002");
}

TEST_F(ResolverTest, AnOlderFingerprintArrivingLateDoesNotReplaceANewerOne) {
  see(ja3("A", "new", 10));
  see(ja3("A", "old", 5));
  EXPECT_FALSE(changed_);
  EXPECT_EQ(resolver_.graph().evidence_of("A")->ja3, "new");
}

TEST_F(ResolverTest, EvidenceIsBoundedPerAttacker) {
  for (std::size_t i = 0; i < kMaxC2PerAttacker + 10; ++i) {
    see({"A", EvidenceKind::kC2, "h" + std::to_string(i) + ".example:80", 1});
  }
  EXPECT_EQ(resolver_.graph().evidence_of("A")->c2.size(), kMaxC2PerAttacker);
}

TEST(Settle, ASplitKeepsTheIdentityWhereMostOfItsAddressesAre) {
  IdentityState state;
  // One identity W held five addresses: three on W itself, two linked directly.
  for (const char* a : {"a1", "a2", "a3", "b1", "b2"}) state.home[a] = "W";
  Mint mint;
  const auto c = settle({{"a1", "a2", "a3"}, {"b1", "b2"}}, state, std::ref(mint));
  EXPECT_EQ(state.home.at("a1"), "W");
  ASSERT_EQ(c.formed.size(), 1u);  // the smaller side needs an identity of its own
  EXPECT_EQ(c.formed[0].attackers, (std::vector<std::string>{"b1", "b2"}));
  EXPECT_EQ(state.home.at("b1"), "id-0001");
  EXPECT_EQ(c.links.size(), 2u);
  // Settling the same components again changes nothing.
  const auto again = settle({{"a1", "a2", "a3"}, {"b1", "b2"}}, state, std::ref(mint));
  EXPECT_TRUE(again.created.empty() && again.merged.empty() && again.links.empty() &&
              again.unmerged.empty());
}

TEST(Settle, AMergeRepointsTheLosersOwnLosers) {
  IdentityState state;
  state.home = {{"a", "P"}, {"b", "Q"}, {"c", "R"}};
  state.merged_into = {{"R", "Q"}};  // Q's identity had absorbed R's
  Mint mint;
  const auto c = settle({{"a", "b", "c"}}, state, std::ref(mint));
  // P is the smallest: Q is merged into it, and R follows straight to P (one hop, no chain).
  EXPECT_EQ(state.canonical("Q"), "P");
  EXPECT_EQ(state.merged_into.at("R"), "P");
  ASSERT_EQ(c.merged_events.size(), 1u);  // R was not an identity anyone saw: no event for it
  EXPECT_EQ(c.merged_events[0], std::make_pair(std::string("P"), std::string("Q")));
}

}  // namespace
}  // namespace decnet::identity
