// Keystroke dynamics of one session as plain numbers: inter-key timing, Enter latency, bursts
// and pauses, correction and control keys, and timing by class of key pair (letter, digit,
// space, other), never by the keys themselves. keystroke_vector() lays them out at a fixed
// dimension for the vector store (kind "keystroke"), where sessions are compared by Euclidean
// distance; it is meant for clustering sessions and tooling, not for identifying people.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "identity/shell_recording.h"

namespace decnet::identity {

// Idle gaps that start a new action, and the pause histogram's edges, in seconds.
inline constexpr double kStartOfActionIdleSeconds = 2.0;
inline constexpr double kPauseBurstMaxSeconds = 0.2;
inline constexpr double kPauseThinkMaxSeconds = 1.5;

// Classes of keys for bigram timing.
enum class KeyClass : std::uint8_t { letter = 0, digit = 1, space = 2, other = 3 };
inline constexpr std::size_t kKeyClasses = 4;

struct KeyClassBigram {
  KeyClass first = KeyClass::letter;
  KeyClass second = KeyClass::letter;
  std::size_t count = 0;
  double mean_iat = 0.0;
};

struct KeystrokeFeatures {
  // Inter-key intervals: seconds between consecutive input events (population stdev).
  double iki_mean = 0.0;
  double iki_stdev = 0.0;
  double iki_p50 = 0.0;
  double iki_p95 = 0.0;
  // Seconds from the previous key to each Enter typed on its own; tail = p95 / p50.
  double enter_latency_p50 = 0.0;
  double enter_latency_p95 = 0.0;
  double enter_latency_tail = 0.0;
  double burst_ratio = 0.0;  // share of intervals under 30 ms
  double think_ratio = 0.0;  // time spent in pauses over 2 s before Enter, over the duration
  // Per keystroke (input event).
  double backspace_rate = 0.0;
  double word_kill_rate = 0.0;  // ^W
  double line_kill_rate = 0.0;  // ^U
  double interrupt_rate = 0.0;  // ^C
  double eof_rate = 0.0;        // ^D
  double arrow_rate = 0.0;      // ESC [ A-D and ESC O A-D
  double tab_rate = 0.0;
  // Intervals < 0.2 s, 0.2 s to 1.5 s, and longer.
  std::size_t pauses_burst = 0;
  std::size_t pauses_think = 0;
  std::size_t pauses_distracted = 0;
  // Median of the interval after the first key of each action (after an idle gap over 2 s,
  // or at the start of the session).
  double start_of_action_latency = 0.0;
  double max_pause_gap = 0.0;
  std::size_t total_keystrokes = 0;
  double session_duration = 0.0;
  // Pairs of consecutive single-character keys at most 1.5 s apart, most frequent first.
  std::vector<KeyClassBigram> top_bigram_classes;
};

// Events whose time is not plausible_event_time() are ignored; input events are taken in
// time order.
KeystrokeFeatures keystroke_features(const std::vector<RecordedEvent>& events);

// The features as a vector of kKeystrokeVectorDim floats. Durations are log1p(seconds) and
// counts log1p(count), so that no single long pause dominates a distance:
//   0-3    IKI mean, stdev, p50, p95
//   4-6    Enter latency p50, p95, log1p(tail ratio)
//   7-8    burst ratio, think ratio
//   9-15   backspace, ^W, ^U, ^C, ^D, arrow, tab rates
//   16-18  pause histogram shares: burst, think, distracted
//   19-20  start-of-action latency, max pause gap
//   21-22  total keystrokes, session duration
//   23-38  share of each key-class bigram (first * 4 + second) among all of them
//   39-54  mean interval of each key-class bigram, same order
inline constexpr std::size_t kKeystrokeVectorDim = 55;
std::vector<float> keystroke_vector(const KeystrokeFeatures& features);

}  // namespace decnet::identity
