#include "identity/attribution_merge.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace decnet::identity {
namespace {

using Window = std::vector<std::string>;

// The most common value (ties: the one seen first) and how often it occurs.
std::pair<std::string, std::size_t> top_of(const Window& w) {
  std::string top;
  std::size_t best = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (std::find(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(i), w[i]) !=
        w.begin() + static_cast<std::ptrdiff_t>(i)) {
      continue;  // counted at its first occurrence
    }
    const auto n = static_cast<std::size_t>(std::count(w.begin(), w.end(), w[i]));
    if (n > best) {
      best = n;
      top = w[i];
    }
  }
  return {top, best};
}

bool clear(const Window& w, std::size_t top_count) {
  return top_count >= std::min(kCategoricalMajority, w.size());
}

// Two values taking turns far more often than either repeats.
bool alternates(const Window& w) {
  if (w.size() < 4 || std::set<std::string>(w.begin(), w.end()).size() != 2) return false;
  std::size_t flips = 0;
  for (std::size_t i = 1; i < w.size(); ++i) flips += w[i] != w[i - 1] ? 1 : 0;
  const auto repeats = (w.size() - 1) - flips;
  return flips >= 2 * std::max<std::size_t>(repeats, 1);
}

double ewma(const std::vector<double>& v) {
  double s = v.front();
  for (std::size_t i = 1; i < v.size(); ++i) s = kEwmaAlpha * v[i] + (1 - kEwmaAlpha) * s;
  return s;
}

}  // namespace

std::string_view to_string(AttributionState state) {
  switch (state) {
    case AttributionState::kUnknown:
      return "unknown";
    case AttributionState::kStable:
      return "stable";
    case AttributionState::kDrifting:
      return "drifting";
    case AttributionState::kConflicted:
      return "conflicted";
    case AttributionState::kMultiActor:
      return "multi_actor";
  }
  return "unknown";
}

Merged<std::string> merge_categorical(const std::vector<std::string>& values) {
  Merged<std::string> out;
  if (values.empty()) return out;
  out.value = values.back();
  if (values.size() < kMinObservationsForState) return out;
  const auto n = values.size();
  const Window recent(values.end() - static_cast<std::ptrdiff_t>(std::min(n, kCategoricalWindow)),
                      values.end());
  const auto [top, count] = top_of(recent);
  out.confidence = static_cast<double>(count) / static_cast<double>(recent.size());
  if (!clear(recent, count)) {
    if (alternates(recent)) {
      out.state = AttributionState::kMultiActor;
      out.confidence = std::min(out.confidence, kMultiActorMaxConfidence);
    } else {
      out.state = AttributionState::kConflicted;
    }
    return out;
  }
  out.value = top;
  const auto older_end = n - recent.size();
  const auto older_begin = older_end > kCategoricalWindow ? older_end - kCategoricalWindow : 0;
  const Window older(values.begin() + static_cast<std::ptrdiff_t>(older_begin),
                     values.begin() + static_cast<std::ptrdiff_t>(older_end));
  if (older.empty()) {
    out.state = AttributionState::kStable;
    return out;
  }
  const auto [older_top, older_count] = top_of(older);
  out.state = !clear(older, older_count) || older_top != top ? AttributionState::kDrifting
                                                             : AttributionState::kStable;
  return out;
}

Merged<double> merge_numeric(const std::vector<double>& values) {
  Merged<double> out;
  if (values.empty()) return out;
  out.value = values.back();
  if (values.size() < kMinObservationsForState) return out;
  const auto n = values.size();
  const auto recent_begin = n > kCategoricalWindow ? n - kCategoricalWindow : 0;
  const std::vector<double> recent(values.begin() + static_cast<std::ptrdiff_t>(recent_begin),
                                   values.end());
  const auto older_begin =
      recent_begin > kCategoricalWindow ? recent_begin - kCategoricalWindow : 0;
  const std::vector<double> older(values.begin() + static_cast<std::ptrdiff_t>(older_begin),
                                  values.begin() + static_cast<std::ptrdiff_t>(recent_begin));
  const double mean = ewma(recent);
  // The spread around the EWMA, not around the arithmetic mean.
  double squares = 0;
  for (const auto v : recent) squares += (v - mean) * (v - mean);
  const double spread = std::sqrt(squares / static_cast<double>(recent.size()));
  double cv = 0;
  if (mean != 0) {
    cv = spread / std::fabs(mean);
  } else if (std::any_of(recent.begin(), recent.end(), [&](double v) { return v != recent[0]; })) {
    cv = 1e9;
  }
  out.value = mean;
  if (cv > kNumericConflictCv) {
    out.state = AttributionState::kConflicted;
    out.confidence = 0.5;
    return out;
  }
  out.confidence = std::max(0.0, 1 - std::min(cv, 1.0));
  out.state = AttributionState::kStable;
  if (!older.empty()) {
    const double before = ewma(older);
    const double shift = std::fabs(mean - before) / (before != 0 ? std::fabs(before) : 1.0);
    if (shift >= kNumericDriftShift) out.state = AttributionState::kDrifting;
  }
  return out;
}

Merged<std::string> merge_hash(
    const std::vector<std::pair<std::optional<std::string>, double>>& series) {
  Merged<std::string> out;
  if (series.empty()) return out;
  out.value = series.back().first;
  const double since = series.back().second - kHashWindowSeconds;
  std::set<std::string> distinct;
  for (const auto& [value, ts] : series) {
    if (ts >= since && value) distinct.insert(*value);
  }
  const auto rotations = distinct.empty() ? 0 : distinct.size() - 1;
  out.state = rotations == 0               ? AttributionState::kStable
              : rotations <= kHashDriftMax ? AttributionState::kDrifting
                                           : AttributionState::kConflicted;
  out.confidence = 1.0 / (1.0 + static_cast<double>(rotations));
  return out;
}

}  // namespace decnet::identity
