// Each derived series is one pass over the events it reads. Ordering the events once lets every
// per-command window be found by binary search instead of a rescan of the whole session per
// command, and the number of commands is capped, so a hostile session costs time and memory in
// proportion to its size.
#include "identity/session_context.h"

#include <algorithm>
#include <array>

#include "core/hash.h"
#include "core/utf8.h"
#include "identity/terminal_text.h"

namespace decnet::identity {
namespace {

using Events = std::vector<const RecordedEvent*>;

bool is_backspace(char c) {
  return c == '\x7f' || c == '\x08';
}
bool is_line_kill(char c) {
  return c == '\x15' || c == '\x17';
}
bool is_terminator(char c) {
  return c == '\r' || c == '\n';
}

bool is_readline_shortcut(char c) {
  switch (c) {
    case '\x01':  // ^A
    case '\x02':  // ^B
    case '\x05':  // ^E
    case '\x06':  // ^F
    case '\x12':  // ^R
    case '\x15':  // ^U
    case '\x17':  // ^W
      return true;
    default:
      return false;
  }
}

// Python's str.isspace() over ASCII, which the reference splits commands with; non-ASCII
// spaces stay part of a word.
bool is_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

// The first event at or after `t` in a time-ordered range.
Events::const_iterator first_at_or_after(const Events& events, double t) {
  return std::partition_point(events.begin(), events.end(),
                              [t](const RecordedEvent* e) { return e->t < t; });
}

void scan_pastes(SessionContext& ctx) {
  const RecordedEvent* last = nullptr;
  bool open = false;
  for (const RecordedEvent* e : ctx.inputs) {
    const std::size_t chars = char_count(e->data);
    if (chars >= kPasteMinChars) {
      ++ctx.paste_events;
      if (!open || (last != nullptr && e->t - last->t > kPasteBurstMaxGapSeconds)) {
        ctx.paste_bursts.push_back({.start = e->t});
        open = true;
      }
      auto& burst = ctx.paste_bursts.back();
      burst.end = e->t;
      burst.chars += chars;
      ++burst.events;
    } else {
      open = false;
    }
    last = e;
  }
}

void split_typing_bursts(SessionContext& ctx) {
  std::vector<double> burst;
  const auto close = [&] {
    if (burst.size() >= kMinTypingBurstIats) ctx.typing_bursts.push_back(std::move(burst));
    burst.clear();
  };
  for (const double iat : ctx.iats) {
    if (iat > kThinkPauseSeconds) {
      close();
    } else {
      burst.push_back(iat);
    }
  }
  close();
}

void scan_corrections(SessionContext& ctx) {
  const RecordedEvent* last_other = nullptr;
  for (const RecordedEvent* e : ctx.inputs) {
    for (const char c : e->data) {
      if (is_backspace(c)) {
        ++ctx.backspaces;
        if (last_other != nullptr) {
          ctx.backspace_iats.push_back(std::max(0.0, e->t - last_other->t));
        }
      } else {
        if (is_line_kill(c)) ++ctx.line_kills;
        last_other = e;
      }
    }
  }
}

// Splits the input at CR and LF. Only the first word of each line is kept, and only as its
// SHA-256; a line left unterminated when the session ends never ran and is not a command.
void segment_commands(SessionContext& ctx) {
  ShellCommand current;
  bool open = false;
  std::string first_token;
  bool token_done = false;
  for (const RecordedEvent* e : ctx.inputs) {
    for (const char c : e->data) {
      if (is_terminator(c)) {
        if (open && ctx.commands.size() < kMaxCommands) {
          current.end = e->t;
          current.first_token_sha256 = core::sha256_hex(first_token);
          ctx.commands.push_back(std::move(current));
        }
        current = {};
        open = false;
        first_token.clear();
        token_done = false;
        continue;
      }
      if (!open) {
        current.start = e->t;
        open = true;
      }
      if (is_space(c)) {
        token_done = token_done || !first_token.empty();
      } else if (!token_done) {
        first_token.push_back(c);
      }
      if (c == '\t') {
        ++current.tabs;
      } else if (c == '|') {
        ++current.pipes;
      } else if (is_readline_shortcut(c)) {
        ++current.shortcuts;
      }
    }
  }
}

void vote_shell(SessionContext& ctx, std::string_view shell) {
  ++ctx.prompt_count;
  for (auto& [name, votes] : ctx.shell_votes) {
    if (name == shell) {
      ++votes;
      return;
    }
  }
  ctx.shell_votes.emplace_back(shell, 1);
}

// What each command printed: the output from its terminator up to the next command's first
// character (the last command's window stays open to the end of the session).
void annotate_with_output(SessionContext& ctx) {
  for (std::size_t i = 0; i < ctx.commands.size(); ++i) {
    auto& cmd = ctx.commands[i];
    const auto lo = first_at_or_after(ctx.outputs, cmd.end);
    const auto hi = i + 1 < ctx.commands.size()
                        ? std::max(lo, first_at_or_after(ctx.outputs, ctx.commands[i + 1].start))
                        : ctx.outputs.end();
    if (lo == hi) continue;
    std::string shown;
    for (auto it = lo; it != hi; ++it) {
      cmd.output_chars += char_count((*it)->data);
      shown += (*it)->data;
    }
    const std::string stripped = strip_ansi(shown);
    cmd.errored = shows_shell_error(stripped);
    visit_prompt_lines(stripped, [&](char suffix, std::string_view line) {
      cmd.followed_by_prompt = true;
      vote_shell(ctx, shell_of_prompt(suffix, line));
    });
  }
}

void measure_command_gaps(SessionContext& ctx) {
  const auto& cmds = ctx.commands;
  for (std::size_t i = 0; i + 1 < cmds.size(); ++i) {
    ctx.inter_command_iats.push_back(std::max(0.0, cmds[i + 1].start - cmds[i].end));
    ctx.output_per_command.push_back(static_cast<double>(cmds[i].output_chars));
  }
  for (const auto& cmd : cmds) {
    auto& iats = ctx.intra_command_iats.emplace_back();
    const auto lo = first_at_or_after(ctx.inputs, cmd.start);
    const auto hi = std::max(lo, first_at_or_after(ctx.inputs, cmd.end));
    for (auto it = lo; it != hi && it + 1 != hi; ++it) {
      iats.push_back(std::max(0.0, (*(it + 1))->t - (*it)->t));
    }
  }
}

// Counts words of the three lexicons as they are typed: at each word boundary the longest
// suffix of the last (at most seven) letters found in a lexicon scores one hit.
class LexiconCounter {
 public:
  explicit LexiconCounter(TypedText& typed) : typed_(typed) {}

  void letter(char lower) {
    if (word_.size() == kMaxWord) word_.erase(word_.begin());
    word_.push_back(lower);
  }

  void boundary() {
    const std::string_view word = word_;
    for (std::size_t length = word.size(); length > 0; --length) {
      if (score(word.substr(word.size() - length))) break;
    }
    word_.clear();
  }

 private:
  static constexpr std::size_t kMaxWord = 7;

  bool score(std::string_view suffix) {
    static constexpr std::array<std::string_view, 8> kPositive = {
        "thanks", "nice", "cool", "great", "okay", "perfect", "love", "awesome"};
    static constexpr std::array<std::string_view, 9> kNegative = {
        "wtf", "damn", "crap", "ugh", "broken", "stupid", "hate", "stuck", "wrong"};
    static constexpr std::array<std::string_view, 9> kObscene = {
        "fuck", "fucking", "fucked", "shit", "bitch", "ass", "cunt", "dick", "asshole"};
    const auto in = [suffix](const auto& lexicon) {
      return std::find(lexicon.begin(), lexicon.end(), suffix) != lexicon.end();
    };
    int* hits = in(kPositive)   ? &typed_.positive_words
                : in(kNegative) ? &typed_.negative_words
                : in(kObscene)  ? &typed_.obscene_words
                                : nullptr;
    if (hits != nullptr) ++*hits;
    return hits != nullptr;
  }

  TypedText& typed_;
  std::string word_;
};

constexpr std::size_t kLetterPairs = std::size_t{26} * 26;

void rank_bigrams(TypedText& typed, const std::array<std::size_t, kLetterPairs>& counts,
                  const std::array<std::size_t, kLetterPairs>& first_seen) {
  std::vector<int> seen;
  for (int i = 0; i < static_cast<int>(kLetterPairs); ++i) {
    if (counts[static_cast<std::size_t>(i)] > 0) seen.push_back(i);
  }
  std::sort(seen.begin(), seen.end(), [&](int a, int b) {
    const auto ua = static_cast<std::size_t>(a);
    const auto ub = static_cast<std::size_t>(b);
    if (counts[ua] != counts[ub]) return counts[ua] > counts[ub];
    return first_seen[ua] < first_seen[ub];
  });
  if (seen.size() > kMaxTypedBigrams) seen.resize(kMaxTypedBigrams);
  for (const int i : seen) typed.top_bigrams.emplace_back(i, counts[static_cast<std::size_t>(i)]);
}

// Pastes are not typing: they are skipped, and they break letter pairs, words and runs.
void scan_typed_text(SessionContext& ctx) {
  TypedText& typed = ctx.typed;
  LexiconCounter lexicon(typed);
  std::array<std::size_t, kLetterPairs> bigrams{};
  std::array<std::size_t, kLetterPairs> first_seen{};
  std::size_t order = 0;
  int previous_letter = -1;
  std::size_t capitals = 0;
  std::size_t exclamations = 0;
  for (const RecordedEvent* e : ctx.inputs) {
    const std::size_t chars = char_count(e->data);
    if (chars >= kPasteMinChars) {
      lexicon.boundary();
      previous_letter = -1;
      capitals = 0;
      exclamations = 0;
      continue;
    }
    typed.chars += chars;
    for (const char c : e->data) {
      capitals = (c >= 'A' && c <= 'Z') ? capitals + 1 : 0;
      exclamations = c == '!' ? exclamations + 1 : 0;
      typed.longest_capitals_run = std::max(typed.longest_capitals_run, capitals);
      typed.longest_exclamation_run = std::max(typed.longest_exclamation_run, exclamations);
      const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
      if (lower < 'a' || lower > 'z') {
        previous_letter = -1;
        lexicon.boundary();
        continue;
      }
      const int letter = lower - 'a';
      ++typed.letters[static_cast<std::size_t>(letter)];
      ++typed.letter_count;
      if (previous_letter >= 0) {
        const auto pair =
            static_cast<std::size_t>(previous_letter) * 26 + static_cast<std::size_t>(letter);
        if (bigrams[pair]++ == 0) first_seen[pair] = order++;
      }
      previous_letter = letter;
      lexicon.letter(lower);
    }
  }
  // A word still being typed when the session ends was typed all the same.
  lexicon.boundary();
  rank_bigrams(typed, bigrams, first_seen);
}

}  // namespace

std::size_t char_count(std::string_view text) {
  return core::utf8_length(text);
}

SessionContext build_session_context(std::span<const RecordedEvent> events) {
  SessionContext ctx;
  Events ordered;
  ordered.reserve(events.size());
  for (const auto& e : events) {
    if (plausible_event_time(e.t) && (e.kind == 'i' || e.kind == 'o')) ordered.push_back(&e);
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const RecordedEvent* a, const RecordedEvent* b) { return a->t < b->t; });
  if (!ordered.empty()) {
    ctx.t_start = ordered.front()->t;
    ctx.t_end = ordered.back()->t;
    ctx.duration = std::max(0.0, ctx.t_end - ctx.t_start);
  }
  for (const RecordedEvent* e : ordered) (e->kind == 'i' ? ctx.inputs : ctx.outputs).push_back(e);
  for (std::size_t i = 1; i < ctx.inputs.size(); ++i) {
    ctx.iats.push_back(std::max(0.0, ctx.inputs[i]->t - ctx.inputs[i - 1]->t));
  }
  scan_pastes(ctx);
  split_typing_bursts(ctx);
  scan_corrections(ctx);
  segment_commands(ctx);
  annotate_with_output(ctx);
  measure_command_gaps(ctx);
  scan_typed_text(ctx);
  return ctx;
}

}  // namespace decnet::identity
