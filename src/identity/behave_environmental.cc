// environmental.*: the operator's surroundings as the session reveals them. The shell behind
// the prompts, a terminal multiplexer's escape sequences, the locale an environment dump
// declares, the keyboard layout the typed letters suggest, and number-pad bursts.
#include <algorithm>
#include <array>

#include "identity/behave_features.h"
#include "identity/terminal_text.h"

namespace decnet::identity {
namespace {

constexpr std::size_t kMinLayoutLetters = 200;
constexpr std::size_t kFullLayoutLetters = 500;
constexpr std::size_t kMinNumpadTypedChars = 50;
constexpr double kNumpadMaxGapSeconds = 0.050;

void shell_type(const SessionContext& ctx, ObservationList& out) {
  if (ctx.shell_votes.empty()) return;
  // Counter.most_common: the first shell seen wins a tie.
  const auto winner =
      std::max_element(ctx.shell_votes.begin(), ctx.shell_votes.end(),
                       [](const auto& a, const auto& b) { return a.second < b.second; });
  out.add("environmental.shell_type", std::string(winner->first),
          ctx.prompt_count < 3 ? 0.40 : 0.75);
}

// Looks for each marker across event boundaries without joining the whole output.
class MarkerScanner {
 public:
  explicit MarkerScanner(std::initializer_list<std::string_view> markers) : markers_(markers) {}

  bool seen_in(const std::vector<const RecordedEvent*>& events) const {
    std::string window;
    for (const RecordedEvent* e : events) {
      window += e->data;
      for (const auto marker : markers_) {
        if (window.find(marker) != std::string::npos) return true;
      }
      window.erase(0, window.size() - std::min(window.size(), kCarry));
    }
    return false;
  }

 private:
  static constexpr std::size_t kCarry = 8;  // enough for any marker split across two events
  std::vector<std::string_view> markers_;
};

void terminal_multiplexer(const SessionContext& ctx, ObservationList& out) {
  static const MarkerScanner kTmux{"\x1bPtmux;", "\x1b[?1004", "\x1b]2;tmux"};
  static const MarkerScanner kScreen{"\x1bP=", "\x1b]83;"};
  if (ctx.commands.empty()) return;
  if (kTmux.seen_in(ctx.outputs)) {
    out.add("environmental.terminal_multiplexer", "tmux", 0.85);
  } else if (kScreen.seen_in(ctx.outputs)) {
    out.add("environmental.terminal_multiplexer", "screen", 0.85);
  } else {
    out.add("environmental.terminal_multiplexer", "none", 0.55);
  }
}

void locale(const SessionContext& ctx, ObservationList& out) {
  if (ctx.outputs.empty()) return;
  std::string shown;
  for (const RecordedEvent* e : ctx.outputs) shown += e->data;
  if (const auto tag = declared_locale(strip_ansi(shown))) {
    out.add("environmental.locale", *tag, 0.80);
  }
}

double letter_share(const TypedText& typed, char letter) {
  return static_cast<double>(typed.letters[static_cast<std::size_t>(letter - 'a')]) /
         static_cast<double>(typed.letter_count);
}

// The share, among the typed letter pairs ranked, of the ten most common English ones.
double english_bigram_share(const TypedText& typed) {
  static constexpr std::array<std::string_view, 10> kEnglish = {"th", "he", "in", "er", "an",
                                                                "re", "on", "at", "nd", "ha"};
  std::size_t total = 0;
  std::size_t english = 0;
  for (const auto& [pair, count] : typed.top_bigrams) {
    total += count;
    const char text[2] = {static_cast<char>('a' + pair / 26), static_cast<char>('a' + pair % 26)};
    const std::string_view bigram(text, 2);
    if (std::find(kEnglish.begin(), kEnglish.end(), bigram) != kEnglish.end()) english += count;
  }
  return total == 0 ? 0.0 : static_cast<double>(english) / static_cast<double>(total);
}

std::string_view layout_of(const TypedText& typed) {
  const double english = english_bigram_share(typed);
  if (letter_share(typed, 'q') > 0.020 && english < 0.050) return "azerty";
  if (letter_share(typed, 'z') > 0.030 && letter_share(typed, 'y') < 0.010) return "qwertz";
  return english >= 0.080 ? "qwerty" : "other";
}

void keyboard_layout(const SessionContext& ctx, ObservationList& out) {
  const TypedText& typed = ctx.typed;
  if (typed.letter_count < kMinLayoutLetters) return;
  out.add("environmental.keyboard_layout", std::string(layout_of(typed)),
          typed.letter_count < kFullLayoutLetters ? 0.40 : 0.55);
}

// Four digits in a row, each within 50 ms of the last, is faster than digits are found on the
// top row.
void numpad_usage(const SessionContext& ctx, ObservationList& out) {
  if (ctx.commands.empty() || ctx.typed.chars < kMinNumpadTypedChars) return;
  std::vector<double> digits;
  for (const RecordedEvent* e : ctx.inputs) {
    if (e->data.size() == 1 && e->data[0] >= '0' && e->data[0] <= '9') digits.push_back(e->t);
  }
  bool detected = false;
  for (std::size_t i = 0; !detected && i + 3 < digits.size(); ++i) {
    detected = digits[i + 1] - digits[i] <= kNumpadMaxGapSeconds &&
               digits[i + 2] - digits[i + 1] <= kNumpadMaxGapSeconds &&
               digits[i + 3] - digits[i + 2] <= kNumpadMaxGapSeconds;
  }
  out.add("environmental.numpad_usage", detected ? "detected" : "not_detected", 0.50);
}

}  // namespace

void add_environmental_observations(const SessionContext& ctx, ObservationList& out) {
  shell_type(ctx, out);
  terminal_multiplexer(ctx, out);
  locale(ctx, out);
  keyboard_layout(ctx, out);
  numpad_usage(ctx, out);
}

}  // namespace decnet::identity
