// Operators' rule states: off, clipped to a ceiling, and lapsing back to enabled at expiry.
#include "ttp/rule_state.h"

#include <gtest/gtest.h>

namespace decnet::ttp {
namespace {

constexpr std::int64_t kStateNow = 1'777'000'000'000'000;

store::TtpRuleState state(std::string s, std::optional<double> ceiling = std::nullopt,
                          std::optional<std::int64_t> expires = std::nullopt) {
  store::TtpRuleState st;
  st.rule_id = "R0012";
  st.state = std::move(s);
  st.confidence_max = ceiling;
  st.expires_at = expires;
  return st;
}

TEST(RuleState, DisabledIsOffClippedIsCappedNoneIsAsWritten) {
  EXPECT_EQ(effective_confidence(0.85, nullptr, kStateNow), 0.85);
  const auto off = state("disabled");
  EXPECT_FALSE(effective_confidence(0.85, &off, kStateNow));
  const auto clipped = state("clipped", 0.5);
  EXPECT_EQ(effective_confidence(0.85, &clipped, kStateNow), 0.5);
  EXPECT_EQ(effective_confidence(0.4, &clipped, kStateNow), 0.4);  // a ceiling, not a value
  const auto enabled = state("enabled");
  EXPECT_EQ(effective_confidence(0.85, &enabled, kStateNow), 0.85);
}

TEST(RuleState, AnExpiredDecisionLapsesToEnabled) {
  const auto until = state("disabled", std::nullopt, kStateNow + 1);
  EXPECT_EQ(state_at(&until, kStateNow), kRuleDisabled);
  EXPECT_EQ(state_at(&until, kStateNow + 1), kRuleEnabled);
  EXPECT_EQ(effective_confidence(0.85, &until, kStateNow + 1), 0.85);
}

}  // namespace
}  // namespace decnet::ttp
