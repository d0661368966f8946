#include "ttp/rule_state.h"

#include <algorithm>

namespace decnet::ttp {

std::string_view state_at(const store::TtpRuleState* state, std::int64_t now) {
  if (!state || (state->expires_at && *state->expires_at <= now)) return kRuleEnabled;
  if (state->state == kRuleDisabled) return kRuleDisabled;
  if (state->state == kRuleClipped) return kRuleClipped;
  return kRuleEnabled;
}

std::optional<double> effective_confidence(double base, const store::TtpRuleState* state,
                                           std::int64_t now) {
  const auto applies = state_at(state, now);
  if (applies == kRuleDisabled) return std::nullopt;
  if (applies == kRuleClipped && state->confidence_max) {
    return std::min(base, *state->confidence_max);
  }
  return base;
}

}  // namespace decnet::ttp
