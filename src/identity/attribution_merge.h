// How one behavioural primitive of one identity reads over time: the reference's attribution
// mergers. A series of observations (oldest first) becomes a current value and a state —
// unknown (too few), stable, drifting (it changed and stayed changed), conflicted (it does not
// settle), or multi_actor (two values taking turns: more than one person at the keyboard) — with
// a confidence in that state. It states coherence and drift only; it never says what kind of
// actor is behind it.
//
// Categorical primitives compare the last five observations with the five before; numeric ones
// an EWMA (α 0.3) and the spread around it; hashes count rotations within a day.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::identity {

enum class AttributionState { kUnknown, kStable, kDrifting, kConflicted, kMultiActor };
std::string_view to_string(AttributionState state);

inline constexpr std::size_t kCategoricalWindow = 5;
inline constexpr std::size_t kMinObservationsForState = 3;
inline constexpr std::size_t kCategoricalMajority = 4;
inline constexpr double kEwmaAlpha = 0.3;
inline constexpr double kNumericDriftShift = 0.30;
inline constexpr double kNumericConflictCv = 1.0;
inline constexpr double kHashWindowSeconds = 86'400;
inline constexpr std::size_t kHashDriftMax = 2;
inline constexpr double kMultiActorMaxConfidence = 0.6;

template <typename Value>
struct Merged {
  std::optional<Value> value;
  AttributionState state = AttributionState::kUnknown;
  double confidence = 0.0;
};

Merged<std::string> merge_categorical(const std::vector<std::string>& values);
Merged<double> merge_numeric(const std::vector<double>& values);
// (value, seconds) pairs, oldest first; a null value is a failed observation.
Merged<std::string> merge_hash(
    const std::vector<std::pair<std::optional<std::string>, double>>& series);

}  // namespace decnet::identity
