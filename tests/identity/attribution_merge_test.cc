// The attribution mergers against the reference's numbers: categorical windows (stable,
// drifting, conflicted, and multi_actor when two values take turns), the numeric EWMA and its
// spread, and hash rotations within a day. Expected values are the reference's, computed from
// the same series.
#include "identity/attribution_merge.h"

#include <gtest/gtest.h>

namespace decnet::identity {
namespace {

using S = AttributionState;

std::vector<std::string> letters(const std::string& s) {
  std::vector<std::string> out;
  for (const char c : s) out.emplace_back(1, c);
  return out;
}

std::vector<std::string> repeat(const std::string& v, int n) {
  return std::vector<std::string>(static_cast<std::size_t>(n), v);
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(AttributionCategorical, SettledValuesAreStableAndAChangeThatStaysIsDrift) {
  auto m = merge_categorical(repeat("typed", 5));
  EXPECT_EQ(m.state, S::kStable);
  EXPECT_DOUBLE_EQ(m.confidence, 1.0);
  m = merge_categorical(concat(repeat("typed", 4), {"pasted"}));
  EXPECT_EQ(m.state, S::kStable);
  EXPECT_EQ(m.value, "typed");
  EXPECT_DOUBLE_EQ(m.confidence, 0.8);
  m = merge_categorical(concat(repeat("typed", 5), repeat("pasted", 5)));
  EXPECT_EQ(m.state, S::kDrifting);
  EXPECT_EQ(m.value, "pasted");
  m = merge_categorical(
      concat({"typed", "pasted", "mixed", "typed", "mixed"}, repeat("pasted", 5)));
  EXPECT_EQ(m.state, S::kDrifting);
  m = merge_categorical(letters("AAAAABBBBA"));
  EXPECT_EQ(m.state, S::kDrifting);
  EXPECT_EQ(m.value, "B");
  EXPECT_DOUBLE_EQ(m.confidence, 0.8);
}

TEST(AttributionCategorical, TwoValuesTakingTurnsAreMultiActorOtherMixesConflicted) {
  auto m = merge_categorical(letters("ABABA"));
  EXPECT_EQ(m.state, S::kMultiActor);
  EXPECT_DOUBLE_EQ(m.confidence, 0.6);
  EXPECT_EQ(m.value, "A");
  EXPECT_EQ(merge_categorical(letters("ABBAB")).state, S::kMultiActor);
  m = merge_categorical(letters("AABBA"));
  EXPECT_EQ(m.state, S::kConflicted);
  EXPECT_DOUBLE_EQ(m.confidence, 0.6);
  m = merge_categorical(letters("ABAB"));
  EXPECT_EQ(m.state, S::kMultiActor);
  EXPECT_DOUBLE_EQ(m.confidence, 0.5);
  m = merge_categorical(letters("AAB"));
  EXPECT_EQ(m.state, S::kConflicted);
  EXPECT_NEAR(m.confidence, 2.0 / 3.0, 1e-9);
  m = merge_categorical(letters("AABB"));
  EXPECT_EQ(m.state, S::kConflicted);
  EXPECT_DOUBLE_EQ(m.confidence, 0.5);
  EXPECT_EQ(merge_categorical({"typed", "pasted", "mixed", "typed", "pasted"}).state,
            S::kConflicted);
}

TEST(AttributionCategorical, TooFewIsUnknown) {
  EXPECT_EQ(merge_categorical({}).state, S::kUnknown);
  const auto m = merge_categorical({"a", "b"});
  EXPECT_EQ(m.state, S::kUnknown);
  EXPECT_EQ(m.value, "b");
  EXPECT_DOUBLE_EQ(m.confidence, 0.0);
}

TEST(AttributionNumeric, TheEwmaAndTheSpreadAroundIt) {
  auto m = merge_numeric({5000, 5050, 4970, 5020, 5010});
  EXPECT_EQ(m.state, S::kStable);
  EXPECT_NEAR(*m.value, 5007.935, 1e-6);
  EXPECT_NEAR(m.confidence, 0.99478, 1e-5);
  m = merge_numeric({5000, 5000, 5000, 5000, 5000, 8000, 8000, 8000, 8000, 8000});
  EXPECT_EQ(m.state, S::kDrifting);
  EXPECT_DOUBLE_EQ(*m.value, 8000);
  EXPECT_DOUBLE_EQ(m.confidence, 1.0);
  m = merge_numeric({100, 20000, 50, 15000, 200});
  EXPECT_EQ(m.state, S::kConflicted);
  EXPECT_DOUBLE_EQ(m.confidence, 0.5);
  EXPECT_NEAR(*m.value, 5299.36, 1e-6);
  EXPECT_EQ(merge_numeric({0, 0, 0, 0}).state, S::kStable);
  m = merge_numeric({1, 1, 1});
  EXPECT_EQ(m.state, S::kStable);
  EXPECT_DOUBLE_EQ(*m.value, 1.0);
  EXPECT_EQ(merge_numeric({1, 2}).state, S::kUnknown);
}

TEST(AttributionHash, RotationsWithinADay) {
  using Series = std::vector<std::pair<std::optional<std::string>, double>>;
  const double now = 1'000'000;
  EXPECT_EQ(merge_hash(Series{{"a", now}}).state, S::kStable);
  Series same;
  for (int i = 0; i < 10; ++i) same.push_back({"a", now + i});
  auto m = merge_hash(same);
  EXPECT_EQ(m.state, S::kStable);
  EXPECT_DOUBLE_EQ(m.confidence, 1.0);
  m = merge_hash(Series{{"a", now}, {"a", now + 1}, {"b", now + 2}});
  EXPECT_EQ(m.state, S::kDrifting);
  EXPECT_DOUBLE_EQ(m.confidence, 0.5);
  EXPECT_EQ(m.value, "b");
  EXPECT_EQ(merge_hash(Series{{"a", now}, {"b", now + 1}, {"c", now + 2}}).state, S::kDrifting);
  m = merge_hash(Series{{"a", now}, {"b", now + 1}, {"c", now + 2}, {"d", now + 3}});
  EXPECT_EQ(m.state, S::kConflicted);
  EXPECT_DOUBLE_EQ(m.confidence, 0.25);
  // Rotations more than a day before the latest do not count.
  m = merge_hash(Series{{"x", now - 10 * 86'400}, {"y", now - 9 * 86'400}, {"z", now}});
  EXPECT_EQ(m.state, S::kStable);
  EXPECT_EQ(merge_hash({}).state, S::kUnknown);
}

}  // namespace
}  // namespace decnet::identity
