// How much an attacker deserves an operator's attention, as a 0–100 score with the reasons
// behind it, and whether a change of score crossed one of the alerting thresholds.
//
// The reference has no such score; this formula is DECNET's own. Each component adds its points
// and, when nonzero, a reason:
//   behaviour class   beaconing +25, interactive +20, brute_force +10, scanning +5, slow_scan +5
//   logged in         +20
//   commands          +2 each, at most +20
//   credentials       +1 per 10 tried, at most +10
//   traversal         +10 (two or more deckies)
//   kill chain        +5 for each phase reached beyond reconnaissance
//   C2 beacon timing  +20 when it fits any C2 framework's signature
//   other tools       +5 once, whatever the number of other tool signatures
// The sum is clamped to 100.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "correlate/behaviour_profile.h"

namespace decnet::correlate {

// The parts of a verdict the score reads, plus what only the store knows (credentials tried,
// a successful login). The spans refer to the caller's data, which must outlive the input.
struct ScoreInput {
  BehaviourClass behaviour = BehaviourClass::unknown;
  std::optional<double> beacon_interval_s;
  std::optional<double> beacon_jitter_pct;
  std::span<const PhaseReached> phases;
  std::span<const ToolMatch> tools;
  std::int64_t credential_count = 0;
  bool logged_in = false;
  std::int64_t commands_count = 0;
  std::int64_t distinct_deckies = 0;
  bool is_traversal = false;
};

// Everything a verdict says, with credential_count and logged_in left for the caller to fill.
// The input refers to `verdict`'s phases and tools.
ScoreInput score_input(const BehaviourVerdict& verdict);

struct AttackerScore {
  int score = 0;
  std::vector<std::string> reasons;
};

AttackerScore attacker_score(const ScoreInput& input);

enum class ThresholdDirection : std::uint8_t { upward, downward };

struct ThresholdCrossing {
  int threshold = 0;
  ThresholdDirection direction = ThresholdDirection::upward;

  bool operator==(const ThresholdCrossing&) const = default;
};

// A score falls back below a threshold only once it is this far under it: a score wavering
// around a threshold as an attacker's timing figures move is announced once, not at every wobble.
inline constexpr int kScoreHysteresis = 5;

// The highest threshold crossed since the score last announced (`announced`), or nullopt.
// Upward means announced < threshold <= score; downward, score < threshold - hysteresis and
// threshold <= announced. The thresholds may come in any order.
std::optional<ThresholdCrossing> crossed_threshold(int announced, int score,
                                                   std::span<const int> thresholds,
                                                   int hysteresis = kScoreHysteresis);

}  // namespace decnet::correlate
