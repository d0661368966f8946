// Input events are put in time order once; every feature is then one pass over them or over
// the intervals between them.
#include "identity/keystroke_features.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include "core/utf8.h"
#include "identity/behave_statistics.h"

namespace decnet::identity {
namespace {

constexpr double kBurstKeySeconds = 0.030;
constexpr double kMaxBigramSeconds = 1.5;

KeyClass key_class(std::string_view key) {
  const char c = key.size() == 1 ? key[0] : '\0';
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return KeyClass::letter;
  if (c >= '0' && c <= '9') return KeyClass::digit;
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return KeyClass::space;
  return KeyClass::other;
}

bool single_character(std::string_view data) {
  return !data.empty() && core::utf8_length(data) == 1;
}

bool is_enter(std::string_view data) {
  return data == "\r" || data == "\n" || data == "\r\n";
}

std::size_t count_of(std::string_view data, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = data.find(needle); at != std::string_view::npos;
       at = data.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

struct ControlKeys {
  std::size_t backspace = 0, word_kill = 0, line_kill = 0, interrupt = 0, eof = 0, arrow = 0,
              tab = 0;

  void add(std::string_view data) {
    for (const char c : data) {
      backspace += c == '\x7f' || c == '\x08';
      word_kill += c == '\x17';
      line_kill += c == '\x15';
      interrupt += c == '\x03';
      eof += c == '\x04';
      tab += c == '\t';
    }
    for (const char direction : {'A', 'B', 'C', 'D'}) {
      arrow += count_of(data, std::string{'\x1b', '[', direction});
      arrow += count_of(data, std::string{'\x1b', 'O', direction});
    }
  }
};

void measure_bigram_classes(const std::vector<const RecordedEvent*>& inputs,
                            KeystrokeFeatures& out) {
  std::array<std::size_t, kKeyClasses * kKeyClasses> counts{};
  std::array<double, kKeyClasses * kKeyClasses> sums{};
  const RecordedEvent* previous = nullptr;
  for (const RecordedEvent* e : inputs) {
    if (!single_character(e->data)) {
      previous = nullptr;
      continue;
    }
    if (previous != nullptr) {
      const double dt = e->t - previous->t;
      if (dt > 0.0 && dt <= kMaxBigramSeconds) {
        const auto pair = static_cast<std::size_t>(key_class(previous->data)) * kKeyClasses +
                          static_cast<std::size_t>(key_class(e->data));
        ++counts[pair];
        sums[pair] += dt;
      }
    }
    previous = e;
  }
  for (std::size_t pair = 0; pair < counts.size(); ++pair) {
    if (counts[pair] == 0) continue;
    out.top_bigram_classes.push_back({
        .first = static_cast<KeyClass>(pair / kKeyClasses),
        .second = static_cast<KeyClass>(pair % kKeyClasses),
        .count = counts[pair],
        .mean_iat = sums[pair] / static_cast<double>(counts[pair]),
    });
  }
  std::stable_sort(out.top_bigram_classes.begin(), out.top_bigram_classes.end(),
                   [](const auto& a, const auto& b) { return a.count > b.count; });
}

float log_seconds(double seconds) {
  return static_cast<float>(std::log1p(std::max(0.0, seconds)));
}

}  // namespace

KeystrokeFeatures keystroke_features(const std::vector<RecordedEvent>& events) {
  KeystrokeFeatures out;
  std::vector<const RecordedEvent*> inputs;
  double t_start = 0.0;
  double t_end = 0.0;
  bool any = false;
  for (const auto& e : events) {
    if (!plausible_event_time(e.t) || (e.kind != 'i' && e.kind != 'o')) continue;
    t_start = any ? std::min(t_start, e.t) : e.t;
    t_end = any ? std::max(t_end, e.t) : e.t;
    any = true;
    if (e.kind == 'i') inputs.push_back(&e);
  }
  std::stable_sort(inputs.begin(), inputs.end(),
                   [](const RecordedEvent* a, const RecordedEvent* b) { return a->t < b->t; });
  out.session_duration = t_end - t_start;
  out.total_keystrokes = inputs.size();

  std::vector<double> iats;
  std::vector<double> enter_latencies;
  std::vector<double> action_starts;
  double thinking = 0.0;
  ControlKeys keys;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    keys.add(inputs[i]->data);
    if (i == 0) continue;
    const double iat = std::max(0.0, inputs[i]->t - inputs[i - 1]->t);
    iats.push_back(iat);
    if (is_enter(inputs[i]->data)) {
      enter_latencies.push_back(iat);
      if (iat > kStartOfActionIdleSeconds) thinking += iat;
    }
    const bool action_began = i == 1 || iats[iats.size() - 2] > kStartOfActionIdleSeconds;
    if (action_began) action_starts.push_back(iat);
  }

  out.iki_mean = mean(iats);
  out.iki_stdev = population_stdev(iats);
  out.iki_p50 = percentile(iats, 0.50);
  out.iki_p95 = percentile(iats, 0.95);
  out.enter_latency_p50 = percentile(enter_latencies, 0.50);
  out.enter_latency_p95 = percentile(enter_latencies, 0.95);
  out.enter_latency_tail =
      out.enter_latency_p50 > 0.0 ? out.enter_latency_p95 / out.enter_latency_p50 : 0.0;
  if (!iats.empty()) {
    const auto n = static_cast<double>(iats.size());
    out.burst_ratio =
        static_cast<double>(std::count_if(iats.begin(), iats.end(),
                                          [](double x) { return x < kBurstKeySeconds; })) /
        n;
    out.max_pause_gap = *std::max_element(iats.begin(), iats.end());
  }
  out.think_ratio = out.session_duration > 0.0 ? thinking / out.session_duration : 0.0;
  for (const double iat : iats) {
    if (iat < kPauseBurstMaxSeconds) {
      ++out.pauses_burst;
    } else if (iat < kPauseThinkMaxSeconds) {
      ++out.pauses_think;
    } else {
      ++out.pauses_distracted;
    }
  }
  out.start_of_action_latency = median(std::move(action_starts)).value_or(0.0);

  if (!inputs.empty()) {
    const auto per_key = [&](std::size_t count) {
      return static_cast<double>(count) / static_cast<double>(inputs.size());
    };
    out.backspace_rate = per_key(keys.backspace);
    out.word_kill_rate = per_key(keys.word_kill);
    out.line_kill_rate = per_key(keys.line_kill);
    out.interrupt_rate = per_key(keys.interrupt);
    out.eof_rate = per_key(keys.eof);
    out.arrow_rate = per_key(keys.arrow);
    out.tab_rate = per_key(keys.tab);
  }
  measure_bigram_classes(inputs, out);
  return out;
}

std::vector<float> keystroke_vector(const KeystrokeFeatures& f) {
  std::vector<float> v;
  v.reserve(kKeystrokeVectorDim);
  for (const double seconds :
       {f.iki_mean, f.iki_stdev, f.iki_p50, f.iki_p95, f.enter_latency_p50, f.enter_latency_p95}) {
    v.push_back(log_seconds(seconds));
  }
  v.push_back(static_cast<float>(std::log1p(f.enter_latency_tail)));
  for (const double ratio :
       {f.burst_ratio, f.think_ratio, f.backspace_rate, f.word_kill_rate, f.line_kill_rate,
        f.interrupt_rate, f.eof_rate, f.arrow_rate, f.tab_rate}) {
    v.push_back(static_cast<float>(ratio));
  }
  const std::size_t pauses = f.pauses_burst + f.pauses_think + f.pauses_distracted;
  for (const std::size_t count : {f.pauses_burst, f.pauses_think, f.pauses_distracted}) {
    v.push_back(pauses == 0 ? 0.0F : static_cast<float>(count) / static_cast<float>(pauses));
  }
  v.push_back(log_seconds(f.start_of_action_latency));
  v.push_back(log_seconds(f.max_pause_gap));
  v.push_back(static_cast<float>(std::log1p(static_cast<double>(f.total_keystrokes))));
  v.push_back(log_seconds(f.session_duration));

  std::array<float, kKeyClasses * kKeyClasses> shares{};
  std::array<float, kKeyClasses * kKeyClasses> means{};
  std::size_t bigrams = 0;
  for (const auto& b : f.top_bigram_classes) bigrams += b.count;
  for (const auto& b : f.top_bigram_classes) {
    const auto pair =
        static_cast<std::size_t>(b.first) * kKeyClasses + static_cast<std::size_t>(b.second);
    shares[pair] = static_cast<float>(b.count) / static_cast<float>(bigrams);
    means[pair] = log_seconds(b.mean_iat);
  }
  v.insert(v.end(), shares.begin(), shares.end());
  v.insert(v.end(), means.begin(), means.end());
  return v;
}

}  // namespace decnet::identity
