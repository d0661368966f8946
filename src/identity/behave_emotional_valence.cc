// emotional_valence.*: soft signals of the operator's state, read from typed words, shouting
// (capitals, exclamation marks), typing tempo and the reaction to failed commands. Evidence
// this indirect never reports a confidence above 0.5.
#include <algorithm>

#include "identity/behave_features.h"
#include "identity/behave_statistics.h"

namespace decnet::identity {
namespace {

constexpr std::size_t kMinValenceLetters = 80;
constexpr std::size_t kFullConfidenceLetters = 200;
constexpr std::size_t kMinVentingLetters = 30;
constexpr std::size_t kMinArousalIats = 30;
constexpr double kStressRatio = 1.20;

void valence(const SessionContext& ctx, ObservationList& out) {
  const TypedText& typed = ctx.typed;
  if (typed.letter_count < kMinValenceLetters) return;
  const int positive = typed.positive_words;
  const int negative = typed.negative_words + typed.obscene_words;
  const char* value = positive > negative && positive >= 2   ? "positive"
                      : negative > positive && negative >= 2 ? "negative"
                                                             : "neutral";
  out.add("emotional_valence.valence", value,
          typed.letter_count >= kFullConfidenceLetters ? 0.50 : 0.30);
}

void arousal(const SessionContext& ctx, ObservationList& out) {
  if (ctx.typing_bursts.empty()) return;
  std::size_t total = 0;
  std::vector<double> tempos;
  for (const auto& burst : ctx.typing_bursts) {
    total += burst.size();
    tempos.push_back(*median(burst));
  }
  const auto [fastest, slowest] = std::minmax_element(tempos.begin(), tempos.end());
  const bool long_enough = total >= kMinArousalIats;
  const bool agitated = ctx.typed.longest_capitals_run >= 5 ||
                        ctx.typed.longest_exclamation_run >= 3 || (long_enough && *fastest < 0.06);
  const char* value = agitated                         ? "high_agitated"
                      : long_enough && *slowest > 0.30 ? "low_calm"
                                                       : "medium_engaged";
  out.add("emotional_valence.arousal", value, long_enough ? 0.50 : 0.30);
}

// How commands are typed right after a failure, against all other commands.
void stress_response(const SessionContext& ctx, ObservationList& out) {
  if (ctx.commands.empty()) return;
  std::vector<double> after_error;
  std::vector<double> baseline;
  std::size_t reacting_commands = 0;
  for (std::size_t i = 0; i < ctx.commands.size(); ++i) {
    const auto& iats = ctx.intra_command_iats[i];
    const bool after_failure = i > 0 && ctx.commands[i - 1].errored;
    if (after_failure && !iats.empty()) ++reacting_commands;
    auto& pool = after_failure ? after_error : baseline;
    pool.insert(pool.end(), iats.begin(), iats.end());
  }
  const auto stressed = median(std::move(after_error));
  const auto calm = median(std::move(baseline));
  const char* value = "none";
  if (stressed && calm && *calm > 0.0) {
    const double ratio = *stressed / *calm;
    value = ratio >= kStressRatio         ? "eustress_positive"
            : ratio <= 1.0 / kStressRatio ? "distress_negative"
                                          : "none";
  }
  out.add("emotional_valence.stress_response", value, reacting_commands >= 2 ? 0.50 : 0.30);
}

void frustration_venting(const SessionContext& ctx, ObservationList& out) {
  const TypedText& typed = ctx.typed;
  if (typed.letter_count < kMinVentingLetters) return;
  if (typed.obscene_words >= 1) {
    out.add("emotional_valence.frustration_venting", "detected", 0.40);
  } else {
    out.add("emotional_valence.frustration_venting", "none",
            typed.letter_count >= kFullConfidenceLetters ? 0.50 : 0.30);
  }
}

}  // namespace

void add_emotional_valence_observations(const SessionContext& ctx, ObservationList& out) {
  valence(ctx, out);
  arousal(ctx, out);
  stress_response(ctx, out);
  frustration_venting(ctx, out);
}

}  // namespace decnet::identity
