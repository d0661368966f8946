#include "correlate/attacker_score.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace decnet::correlate {
namespace {

constexpr int kMaxScore = 100;
constexpr int kLoggedInPoints = 20;
constexpr int kPointsPerCommand = 2;
constexpr int kMaxCommandPoints = 20;
constexpr int kCredentialsPerPoint = 10;
constexpr int kMaxCredentialPoints = 10;
constexpr int kTraversalPoints = 10;
constexpr int kPointsPerPhase = 5;
constexpr int kBeaconSignaturePoints = 20;
constexpr int kOtherToolPoints = 5;

int class_points(BehaviourClass behaviour) {
  switch (behaviour) {
    case BehaviourClass::beaconing:
      return 25;
    case BehaviourClass::interactive:
      return 20;
    case BehaviourClass::brute_force:
      return 10;
    case BehaviourClass::scanning:
    case BehaviourClass::slow_scan:
      return 5;
    case BehaviourClass::unknown:
    case BehaviourClass::mixed:
      return 0;
  }
  return 0;
}

std::string class_reason(const ScoreInput& in) {
  switch (in.behaviour) {
    case BehaviourClass::beaconing:
      if (in.beacon_interval_s && in.beacon_jitter_pct) {
        return fmt::format("beaconing every {:.1f} s (jitter {:.1f}%)", *in.beacon_interval_s,
                           *in.beacon_jitter_pct);
      }
      return "beaconing";
    case BehaviourClass::interactive:
      return "interactive timing";
    case BehaviourClass::brute_force:
      return "brute-force timing";
    case BehaviourClass::scanning:
      return "scanning";
    case BehaviourClass::slow_scan:
      return "slow scan";
    case BehaviourClass::unknown:
    case BehaviourClass::mixed:
      break;
  }
  return {};
}

// The names of the tools with (or without) beacon-timing evidence, each once, in input order.
std::string joined_tools(std::span<const ToolMatch> tools, bool beacon_timing) {
  std::vector<std::string_view> names;
  std::string out;
  for (const auto& t : tools) {
    if ((t.evidence == ToolEvidence::beacon_timing) != beacon_timing) continue;
    if (std::find(names.begin(), names.end(), t.tool) != names.end()) continue;
    names.push_back(t.tool);
    if (!out.empty()) out += ", ";
    out += t.tool;
  }
  return out;
}

}  // namespace

ScoreInput score_input(const BehaviourVerdict& verdict) {
  ScoreInput in;
  in.behaviour = verdict.behaviour;
  in.beacon_interval_s = verdict.beacon_interval_s;
  in.beacon_jitter_pct = verdict.beacon_jitter_pct;
  in.phases = verdict.kill_chain.phases;
  in.tools = verdict.tools;
  in.commands_count = verdict.commands_count;
  in.distinct_deckies = verdict.traversal.decky_count;
  in.is_traversal = verdict.traversal.is_traversal;
  return in;
}

AttackerScore attacker_score(const ScoreInput& in) {
  AttackerScore out;
  int total = 0;
  const auto add = [&](int points, std::string reason) {
    if (points <= 0) return;
    total += points;
    out.reasons.push_back(std::move(reason));
  };

  add(class_points(in.behaviour), class_reason(in));
  add(in.logged_in ? kLoggedInPoints : 0, "logged in");
  if (in.commands_count > 0) {
    const auto points =
        std::min<std::int64_t>(in.commands_count * kPointsPerCommand, kMaxCommandPoints);
    add(static_cast<int>(points), in.commands_count == 1
                                      ? std::string("1 command")
                                      : fmt::format("{} commands", in.commands_count));
  }
  if (in.credential_count > 0) {
    const auto points =
        std::min<std::int64_t>(in.credential_count / kCredentialsPerPoint, kMaxCredentialPoints);
    add(static_cast<int>(points), fmt::format("{} credentials tried", in.credential_count));
  }
  if (in.is_traversal) {
    add(kTraversalPoints, in.distinct_deckies >= kMinTraversalDeckies
                              ? fmt::format("traversed {} deckies", in.distinct_deckies)
                              : std::string("traversed deckies"));
  }

  std::array<bool, kKillChainPhaseCount> counted{};
  for (const auto& p : in.phases) {
    auto& seen = counted[static_cast<std::size_t>(p.phase)];
    if (seen || p.phase == KillChainPhase::reconnaissance) continue;
    seen = true;
    add(kPointsPerPhase, fmt::format("reached {}", to_string(p.phase)));
  }

  const auto c2 = joined_tools(in.tools, true);
  if (!c2.empty()) add(kBeaconSignaturePoints, fmt::format("beacon timing matches {}", c2));
  const auto others = joined_tools(in.tools, false);
  if (!others.empty()) add(kOtherToolPoints, fmt::format("tool signatures: {}", others));

  out.score = std::clamp(total, 0, kMaxScore);
  return out;
}

std::optional<ThresholdCrossing> crossed_threshold(int announced, int score,
                                                   std::span<const int> thresholds,
                                                   int hysteresis) {
  std::optional<ThresholdCrossing> highest;
  for (const int t : thresholds) {
    std::optional<ThresholdDirection> direction;
    if (announced < t && t <= score) direction = ThresholdDirection::upward;
    if (score < t - hysteresis && t <= announced) direction = ThresholdDirection::downward;
    if (direction && (!highest || t > highest->threshold)) highest = {{t, *direction}};
  }
  return highest;
}

}  // namespace decnet::correlate
