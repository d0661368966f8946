// What an operator decided about a rule (store::TtpRuleState, changed through the admin routes):
// a disabled rule does not fire, a clipped one emits at most its confidence ceiling, and a
// decision with an expiry lapses back to enabled once it has passed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "store/ttp_repository.h"

namespace decnet::ttp {

using RuleStates = std::map<std::string, store::TtpRuleState, std::less<>>;

inline constexpr std::string_view kRuleEnabled = "enabled";
inline constexpr std::string_view kRuleDisabled = "disabled";
inline constexpr std::string_view kRuleClipped = "clipped";

// The confidence an emit of base confidence `base` gets under `state` at `now` (microseconds
// UTC), or nullopt when the rule is off. No state, or an expired one, leaves it as it is.
std::optional<double> effective_confidence(double base, const store::TtpRuleState* state,
                                           std::int64_t now);
// The state that applies at `now`: "enabled" when none is set or it has expired.
std::string_view state_at(const store::TtpRuleState* state, std::int64_t now);

}  // namespace decnet::ttp
