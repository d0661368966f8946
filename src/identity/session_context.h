// Everything the BEHAVE-SHELL primitives read, derived from a session's events in one walk so
// that adding a primitive costs nothing on the parsing side. Events are taken in time order
// (sessrec writes them that way; a stable sort makes it so for any input), which turns every
// per-command window into a contiguous range. Typed text is reduced here to counts, timings and
// the SHA-256 of each command's first word; the context refers to the events it was built from
// and must not outlive them.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "identity/shell_recording.h"

namespace decnet::identity {

// An input event of at least this many characters arrived as one write: a paste, not a key.
inline constexpr std::size_t kPasteMinChars = 4;
// Consecutive pastes this close together belong to one paste burst.
inline constexpr double kPasteBurstMaxGapSeconds = 0.20;
// A gap between keys longer than this is thinking, not typing: it splits typing bursts.
inline constexpr double kThinkPauseSeconds = 1.5;
inline constexpr std::size_t kMinTypingBurstIats = 3;
inline constexpr std::size_t kMaxTypedBigrams = 64;
// Lines run after this many are not segmented: far more than any operator types, and a bound
// on what a session of pasted newlines can make the extractor hold.
inline constexpr std::size_t kMaxCommands = 50'000;

// One line the operator ran: the characters up to a CR or LF.
struct ShellCommand {
  double start = 0.0;  // its first character
  double end = 0.0;    // the CR or LF that ran it
  std::string first_token_sha256;
  int tabs = 0;
  int pipes = 0;
  int shortcuts = 0;  // readline control keys: ^A ^E ^W ^U ^R ^B ^F
  // From the output between this command and the next (for the last: all later output).
  bool errored = false;
  std::size_t output_chars = 0;
  bool followed_by_prompt = false;
};

struct PasteBurst {
  double start = 0.0;
  double end = 0.0;
  std::size_t chars = 0;
  std::size_t events = 0;
};

// What was typed (pastes excluded), as counts only.
struct TypedText {
  std::size_t chars = 0;  // characters in input events that were not pastes
  std::array<std::size_t, 26> letters{};
  std::size_t letter_count = 0;
  // Lower-case letter pairs as first * 26 + second, most frequent first (first seen breaks
  // ties), at most kMaxTypedBigrams of them.
  std::vector<std::pair<int, std::size_t>> top_bigrams;
  int positive_words = 0;
  int negative_words = 0;
  int obscene_words = 0;
  std::size_t longest_capitals_run = 0;
  std::size_t longest_exclamation_run = 0;
};

struct SessionContext {
  double t_start = 0.0;
  double t_end = 0.0;
  double duration = 0.0;
  std::vector<const RecordedEvent*> inputs;
  std::vector<const RecordedEvent*> outputs;

  std::vector<double> iats;  // between consecutive input events
  std::vector<PasteBurst> paste_bursts;
  std::size_t paste_events = 0;
  std::vector<std::vector<double>> typing_bursts;  // iats split at think pauses

  std::size_t backspaces = 0;
  std::vector<double> backspace_iats;  // from the last other character to each backspace
  std::size_t line_kills = 0;          // ^U and ^W

  std::vector<ShellCommand> commands;
  std::vector<double> inter_command_iats;  // end of command i to start of command i + 1
  std::vector<double> output_per_command;  // characters shown in that same gap
  std::vector<std::vector<double>> intra_command_iats;
  std::size_t prompt_count = 0;  // prompt lines in the commands' output
  // Those prompts by shell_of_prompt() (static strings), in the order first seen.
  std::vector<std::pair<std::string_view, std::size_t>> shell_votes;

  TypedText typed;
};

// Events whose time is not plausible_event_time() are left out.
SessionContext build_session_context(std::span<const RecordedEvent> events);

// Characters (code points, an ill-formed byte sequence counting as one) in `text`.
std::size_t char_count(std::string_view text);

}  // namespace decnet::identity
