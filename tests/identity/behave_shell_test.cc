// BEHAVE-SHELL observations from synthetic sessions: the reference's published numbers, and
// for each family of primitives a session that should produce a value and one that should
// produce nothing (or less confidence). Sessions are built key by key with explicit timing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/hash.h"
#include "core/json_text.h"
#include "identity/behave_shell_extractor.h"
#include "identity/keystroke_features.h"
#include "identity/session_context.h"
#include "identity/terminal_text.h"

namespace decnet::identity {
namespace {

using Observations = std::vector<BehaveObservation>;

constexpr std::string_view kPrompt = "\r\nanti@host:~$ ";

// How one command line is typed and answered.
struct Style {
  double dt = 0.05;                             // between keys
  double pause = 1.0;                           // after the previous event, before the first key
  std::string output = "out\r\nanti@host:~$ ";  // printed 0.1 s after Enter ("" for none)
};

class Session {
 public:
  // One event per character: the first `gap` after the previous event (at 0 if none), the
  // rest `dt` apart.
  Session& type(std::string_view text, double dt = 0.05, double gap = 0.05) {
    bool first = true;
    for (const char c : text) {
      add('i', std::string(1, c), first ? gap : dt);
      first = false;
    }
    return *this;
  }
  // Keys typed with individual gaps (gaps[i] before text[i]).
  Session& type_with_gaps(std::string_view text, const std::vector<double>& gaps) {
    for (std::size_t i = 0; i < text.size(); ++i) add('i', std::string(1, text[i]), gaps[i]);
    return *this;
  }
  Session& input(std::string data, double gap = 0.05) { return add('i', std::move(data), gap); }
  Session& output(std::string data, double gap = 0.1) { return add('o', std::move(data), gap); }
  Session& run(std::string_view line, const Style& style = {}) {
    type(std::string(line) + "\r", style.dt, style.pause);
    if (!style.output.empty()) output(style.output);
    return *this;
  }
  // A command whose output is an error message (and a prompt).
  Session& fail(std::string_view line, Style style = {}) {
    style.output = "bash: " + std::string(line) + ": command not found" + std::string(kPrompt);
    return run(line, style);
  }
  Session& wait_until(double t) {
    next_at_ = t;
    return *this;
  }

  Observations extract() const { return extract_session(events); }

  std::vector<RecordedEvent> events;

 private:
  Session& add(char kind, std::string data, double gap) {
    if (next_at_ >= 0.0) {
      now_ = next_at_;
      next_at_ = -1.0;
    } else if (!events.empty()) {
      now_ += gap;
    }
    events.push_back({.t = now_, .kind = kind, .data = std::move(data)});
    return *this;
  }

  double now_ = 0.0;
  double next_at_ = -1.0;
};

const BehaveObservation* find(const Observations& obs, std::string_view primitive) {
  for (const auto& o : obs) {
    if (o.primitive == primitive) return &o;
  }
  return nullptr;
}

std::string value(const Observations& obs, std::string_view primitive) {
  const auto* o = find(obs, primitive);
  return o == nullptr ? "(absent)" : o->value.get<std::string>();
}

double confidence(const Observations& obs, std::string_view primitive) {
  const auto* o = find(obs, primitive);
  return o == nullptr ? -1.0 : o->confidence;
}

bool emitted(const Observations& obs, std::string_view primitive) {
  return find(obs, primitive) != nullptr;
}

Session commands(std::initializer_list<std::string_view> lines, const Style& style = {}) {
  Session s;
  for (const auto line : lines) s.run(line, style);
  return s;
}

// One character per event at t = start + i * dt (as the reference's tests build them).
std::vector<RecordedEvent> keys_at(std::string_view text, double dt, double start = 0.0) {
  std::vector<RecordedEvent> events;
  for (std::size_t i = 0; i < text.size(); ++i) {
    events.push_back(
        {.t = start + static_cast<double>(i) * dt, .kind = 'i', .data = std::string(1, text[i])});
  }
  return events;
}

// Keys separated by the given intervals, starting at 0.
std::vector<RecordedEvent> keys_with_iats(const std::vector<double>& iats) {
  std::vector<RecordedEvent> events{{.t = 0.0, .kind = 'i', .data = "a"}};
  double t = 0.0;
  for (const double iat : iats) {
    t += iat;
    events.push_back({.t = t, .kind = 'i', .data = "a"});
  }
  return events;
}

std::string repeated(std::string_view text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

// ---- The reference's published numbers ------------------------------------------------------

TEST(BehaveShell, EmptyAndOutputOnlyStreamsEmitNothing) {
  EXPECT_TRUE(extract_session({}).empty());
  EXPECT_TRUE(extract_session({{.t = 0.0, .kind = 'o', .data = "hi\r\n"}}).empty());
  EXPECT_EQ(session_evidence_ref("sess-empty"), "session:sess-empty");
  EXPECT_EQ(shard_evidence_ref("decky-01", "ssh", "sessions-2026-05-02.jsonl", "abc"),
            "shard:decky-01/ssh/sessions-2026-05-02.jsonl#abc");
}

TEST(BehaveShell, KeystrokeCadenceReferenceCases) {
  auto steady = keys_at("abcdefghijkl", 0.15);
  steady.push_back({.t = 12 * 0.15, .kind = 'i', .data = "\r"});
  const auto s = extract_session(steady);
  EXPECT_EQ(value(s, "motor.keystroke_cadence"), "steady");
  EXPECT_DOUBLE_EQ(confidence(s, "motor.keystroke_cadence"), 0.70);

  const auto machine = extract_session(keys_with_iats(std::vector<double>(20, 0.002)));
  EXPECT_EQ(value(machine, "motor.keystroke_cadence"), "machine");
  EXPECT_DOUBLE_EQ(confidence(machine, "motor.keystroke_cadence"), 0.85);

  std::vector<double> hunting(15, 0.01);
  hunting.insert(hunting.end(), 5, 1.4);
  const auto h = extract_session(keys_with_iats(hunting));
  EXPECT_EQ(value(h, "motor.keystroke_cadence"), "hunt_and_peck");
  EXPECT_DOUBLE_EQ(confidence(h, "motor.keystroke_cadence"), 0.60);

  EXPECT_FALSE(emitted(extract_session(keys_at("abc", 0.1)), "motor.keystroke_cadence"));
}

TEST(BehaveShell, CadenceNeedsATypingBurst) {
  // Five keys but every gap is a think pause: no burst, no cadence.
  const auto slow = extract_session(keys_at("abcde", 2.0));
  EXPECT_FALSE(emitted(slow, "motor.keystroke_cadence"));
  std::vector<double> bursty = {0.1, 0.3, 0.1, 0.6, 0.1, 0.9, 0.1, 0.3};
  EXPECT_EQ(value(extract_session(keys_with_iats(bursty)), "motor.keystroke_cadence"), "bursty");
}

TEST(BehaveShell, DigraphSimHashThroughTheExtractor) {
  std::vector<RecordedEvent> events;
  double t = 0.0;
  for (const char c :
       std::string_view("ls -la /etc; cat /etc/passwd; whoami; uname -a; netstat -tlnp\r")) {
    events.push_back({.t = t, .kind = 'i', .data = std::string(1, c)});
    t += 0.12;
  }
  const auto obs = extract_session(events);
  EXPECT_EQ(value(obs, "motor.digraph_simhash"), "f9d670bc8189924c");
  EXPECT_DOUBLE_EQ(confidence(obs, "motor.digraph_simhash"), 0.95);
  EXPECT_EQ(behave_value_kind("motor.digraph_simhash"), BehaveValueKind::hash);
  EXPECT_EQ(behave_value_kind("environmental.locale"), BehaveValueKind::free_string);
  EXPECT_EQ(behave_value_kind("motor.input_modality"), BehaveValueKind::categorical);

  std::vector<RecordedEvent> pastes;
  for (int i = 0; i < 10; ++i)
    pastes.push_back({.t = i * 1.0, .kind = 'i', .data = "sudo apt-get update"});
  EXPECT_FALSE(emitted(extract_session(pastes), "motor.digraph_simhash"));
  EXPECT_FALSE(emitted(extract_session(keys_at("ls\r", 0.1)), "motor.digraph_simhash"));
}

// ---- the session context ----------------------------------------------------------------------

TEST(SessionContext, CommandsAndTheirOutput) {
  Session s;
  s.type("  ls -la\t|wc\r")
      .output("x\r\nbash: y: command not found\r\n")
      .output("anti@host:~$ ")
      .input("cat /etc/hosts\n", 2.0)
      .output("127.0.0.1 localhost\r\n")
      .type("\x01\x05unterminated");
  const auto ctx = build_session_context(s.events);
  ASSERT_EQ(ctx.commands.size(), 2u);
  const auto& first = ctx.commands[0];
  EXPECT_EQ(first.first_token_sha256, core::sha256_hex("ls"));
  EXPECT_DOUBLE_EQ(first.start, 0.0);
  EXPECT_DOUBLE_EQ(first.end, s.events[12].t);
  EXPECT_EQ(first.tabs, 1);
  EXPECT_EQ(first.pipes, 1);
  EXPECT_EQ(first.shortcuts, 0);
  EXPECT_TRUE(first.errored);
  EXPECT_TRUE(first.followed_by_prompt);
  EXPECT_EQ(first.output_chars, 31u + 13u);
  const auto& second = ctx.commands[1];
  EXPECT_EQ(second.first_token_sha256, core::sha256_hex("cat"));
  EXPECT_DOUBLE_EQ(second.start, second.end);
  EXPECT_FALSE(second.errored);
  EXPECT_FALSE(second.followed_by_prompt);
  EXPECT_EQ(second.output_chars, 21u);

  ASSERT_EQ(ctx.inter_command_iats.size(), 1u);
  EXPECT_NEAR(ctx.inter_command_iats[0], 2.2, 1e-9);
  EXPECT_EQ(ctx.output_per_command, std::vector<double>{44.0});
  ASSERT_EQ(ctx.intra_command_iats.size(), 2u);
  EXPECT_EQ(ctx.intra_command_iats[0].size(), 11u);
  EXPECT_TRUE(ctx.intra_command_iats[1].empty());
  EXPECT_EQ(ctx.prompt_count, 1u);
  ASSERT_EQ(ctx.shell_votes.size(), 1u);
  EXPECT_EQ(ctx.shell_votes[0].first, "bash");
  EXPECT_EQ(ctx.paste_events, 1u);
  EXPECT_EQ(ctx.typed.chars, 13u + 14u);
  EXPECT_EQ(ctx.typed.letter_count, 6u + 12u);
  EXPECT_EQ(ctx.typed.letters['u' - 'a'], 1u);
  EXPECT_DOUBLE_EQ(ctx.t_start, 0.0);
  EXPECT_DOUBLE_EQ(ctx.t_end, s.events.back().t);
}

TEST(SessionContext, WhitespaceOnlyLinesAreCommandsOfNoWord) {
  const auto ctx = build_session_context(Session().type("  \r\r\tx\r").events);
  ASSERT_EQ(ctx.commands.size(), 2u);
  EXPECT_EQ(ctx.commands[0].first_token_sha256, core::sha256_hex(""));
  EXPECT_EQ(ctx.commands[1].first_token_sha256, core::sha256_hex("x"));
  EXPECT_EQ(ctx.commands[1].tabs, 1);
}

TEST(SessionContext, CommandCountIsCapped) {
  const auto events = Session().input(repeated("x\r", static_cast<int>(kMaxCommands) + 10)).events;
  const auto ctx = build_session_context(events);
  EXPECT_EQ(ctx.commands.size(), kMaxCommands);
  EXPECT_EQ(ctx.intra_command_iats.size(), kMaxCommands);
  EXPECT_EQ(value(extract_session(events), "cognitive.command_branch_diversity"),
            "adaptive_branching");
}

TEST(SessionContext, PastesBurstsAndCorrections) {
  Session s;
  s.input("one paste").input("two paste", 0.1).input("three", 0.15).input("four paste", 1.0);
  s.type("ab").input("\x7f", 0.25).input("\x7f", 0.5).type("c");
  const auto ctx = build_session_context(s.events);
  EXPECT_EQ(ctx.paste_events, 4u);
  ASSERT_EQ(ctx.paste_bursts.size(), 2u);
  EXPECT_EQ(ctx.paste_bursts[0].events, 3u);
  EXPECT_EQ(ctx.paste_bursts[0].chars, 23u);
  EXPECT_DOUBLE_EQ(ctx.paste_bursts[0].end, s.events[2].t);
  EXPECT_EQ(ctx.paste_bursts[1].events, 1u);
  EXPECT_EQ(ctx.backspaces, 2u);
  ASSERT_EQ(ctx.backspace_iats.size(), 2u);
  EXPECT_NEAR(ctx.backspace_iats[0], 0.25, 1e-9);
  EXPECT_NEAR(ctx.backspace_iats[1], 0.75, 1e-9);  // both measured from the "b"
  EXPECT_EQ(ctx.typed.chars, 5u);                  // the pastes are not typing
}

TEST(SessionContext, TypingBurstsSplitAtThinkPauses) {
  const auto ctx = build_session_context(
      keys_with_iats({0.1, 0.1, 0.1, 2.0, 0.2, 0.2, 1.6, 0.1, 0.1, 0.1, 0.1, 1.5, 0.3}));
  ASSERT_EQ(ctx.typing_bursts.size(), 2u);
  EXPECT_EQ(ctx.typing_bursts[0].size(), 3u);
  EXPECT_EQ(ctx.typing_bursts[1].size(), 6u);  // 1.5 s is not yet a pause
}

// ---- motor ------------------------------------------------------------------------------------

TEST(BehaveMotor, InputModalityAndPasteRate) {
  const auto typed = Session().type("ls -la\r").extract();
  EXPECT_EQ(value(typed, "motor.input_modality"), "typed");
  EXPECT_DOUBLE_EQ(confidence(typed, "motor.input_modality"), 0.75);
  EXPECT_EQ(value(typed, "motor.paste_burst_rate"), "none");
  EXPECT_DOUBLE_EQ(confidence(typed, "motor.paste_burst_rate"), 0.70);

  const auto pasted = Session().input("ls -la /etc\r").input("cat /etc/passwd\r", 1.0).extract();
  EXPECT_EQ(value(pasted, "motor.input_modality"), "pasted");
  EXPECT_EQ(value(pasted, "motor.paste_burst_rate"), "habitual");
  EXPECT_DOUBLE_EQ(confidence(pasted, "motor.paste_burst_rate"), 0.80);

  // One paste among five inputs: 0.2.
  const auto mixed = Session().type("ls").input("cat /etc/hosts", 0.5).type(" -n\r").extract();
  EXPECT_EQ(value(mixed, "motor.input_modality"), "mixed");
  EXPECT_DOUBLE_EQ(confidence(mixed, "motor.input_modality"), 0.70);
  EXPECT_EQ(value(mixed, "motor.paste_burst_rate"), "occasional");

  // Four characters is a paste; three (a multibyte character counting once) is typing.
  const auto short_writes = Session().input("ab\xC3\xA9").extract();
  EXPECT_EQ(value(short_writes, "motor.input_modality"), "typed");
  EXPECT_EQ(value(Session().input("abcd").extract(), "motor.input_modality"), "pasted");
}

TEST(BehaveMotor, MotorStability) {
  const auto steady = extract_session(keys_at("abcdefghijklmnopqrst", 0.1));
  EXPECT_EQ(value(steady, "motor.motor_stability"), "steady");
  EXPECT_DOUBLE_EQ(confidence(steady, "motor.motor_stability"), 0.70);

  std::vector<double> twitchy;
  for (int i = 0; i < 19; ++i) twitchy.push_back(i % 2 ? 0.02 : 0.2);
  const auto tremor = extract_session(keys_with_iats(twitchy));
  EXPECT_EQ(value(tremor, "motor.motor_stability"), "tremor");
  EXPECT_DOUBLE_EQ(confidence(tremor, "motor.motor_stability"), 0.65);

  std::vector<double> uneven;
  for (int i = 0; i < 19; ++i) uneven.push_back(i % 2 ? 0.05 : 0.6);
  EXPECT_EQ(value(extract_session(keys_with_iats(uneven)), "motor.motor_stability"), "variable");

  // Four burst intervals are too few.
  EXPECT_FALSE(emitted(extract_session(keys_at("abcde", 0.1)), "motor.motor_stability"));
  EXPECT_TRUE(emitted(extract_session(keys_at("abcdef", 0.1)), "motor.motor_stability"));
}

TEST(BehaveMotor, ErrorCorrection) {
  const auto immediate = Session().type("lss").input("\x7f", 0.1).type("\r").extract();
  EXPECT_EQ(value(immediate, "motor.error_correction"), "immediate");
  EXPECT_DOUBLE_EQ(confidence(immediate, "motor.error_correction"), 0.65);

  const auto deferred = Session().type("lss").input("\x7f", 2.0).type("\r").extract();
  EXPECT_EQ(value(deferred, "motor.error_correction"), "deferred");
  EXPECT_DOUBLE_EQ(confidence(deferred, "motor.error_correction"), 0.55);

  const auto route_around = Session().type("lss").input("\x15").type("ls\r").extract();
  EXPECT_EQ(value(route_around, "motor.error_correction"), "route_around");
  EXPECT_DOUBLE_EQ(confidence(route_around, "motor.error_correction"), 0.55);

  const auto absent = Session().type("ls\r").extract();
  EXPECT_EQ(value(absent, "motor.error_correction"), "absent");
  EXPECT_DOUBLE_EQ(confidence(absent, "motor.error_correction"), 0.65);

  EXPECT_FALSE(emitted(Session().type("l\x7f").extract(), "motor.error_correction"));
  // A backspace before anything else corrects nothing that can be timed.
  EXPECT_FALSE(emitted(Session().input("\x7f").type("ab").extract(), "motor.error_correction"));
}

TEST(BehaveMotor, CommandChunking) {
  const auto single = commands({"uname -a"}).extract();
  EXPECT_EQ(value(single, "motor.command_chunking"), "single_command");
  EXPECT_DOUBLE_EQ(confidence(single, "motor.command_chunking"), 0.80);

  const auto fluent = commands({"uname", "whoami", "hostname"}).extract();
  EXPECT_EQ(value(fluent, "motor.command_chunking"), "fluent");
  EXPECT_DOUBLE_EQ(confidence(fluent, "motor.command_chunking"), 0.65);

  Session halting;
  for (int i = 0; i < 3; ++i) {
    halting.type_with_gaps("abcdef\r", {1.0, 0.05, 1.0, 0.05, 1.0, 0.05, 0.05});
  }
  const auto fragmented = halting.extract();
  EXPECT_EQ(value(fragmented, "motor.command_chunking"), "fragmented");
  EXPECT_DOUBLE_EQ(confidence(fragmented, "motor.command_chunking"), 0.60);

  // Commands too short to time (fewer than three intervals each) give no verdict.
  EXPECT_FALSE(emitted(commands({"ls", "id"}).extract(), "motor.command_chunking"));
  EXPECT_FALSE(emitted(Session().type("unterminated").extract(), "motor.command_chunking"));
}

TEST(BehaveMotor, TabCompletion) {
  const auto none = commands({"ls", "id", "ps", "w", "df"}).extract();
  EXPECT_EQ(value(none, "motor.shell_mastery.tab_completion"), "none");
  EXPECT_DOUBLE_EQ(confidence(none, "motor.shell_mastery.tab_completion"), 0.75);

  const auto occasional = commands({"ls /et\tc", "id", "ps", "w", "df"}).extract();
  EXPECT_EQ(value(occasional, "motor.shell_mastery.tab_completion"), "occasional");
  EXPECT_DOUBLE_EQ(confidence(occasional, "motor.shell_mastery.tab_completion"), 0.75);

  // Two in five is 0.1 from the 0.5 edge: more than 10 % of it away.
  const auto two = commands({"ls\t", "id\t", "ps", "w", "df"}).extract();
  EXPECT_EQ(value(two, "motor.shell_mastery.tab_completion"), "occasional");
  EXPECT_DOUBLE_EQ(confidence(two, "motor.shell_mastery.tab_completion"), 0.75);

  // Half the commands: "habitual", but right on the 0.5 edge.
  const auto edge = commands({"ls\t", "id\t", "ps\t", "w", "df", "du"}).extract();
  EXPECT_EQ(value(edge, "motor.shell_mastery.tab_completion"), "habitual");
  EXPECT_DOUBLE_EQ(confidence(edge, "motor.shell_mastery.tab_completion"), 0.55);

  const auto few = commands({"ls\t", "id"}).extract();
  EXPECT_EQ(value(few, "motor.shell_mastery.tab_completion"), "habitual");
  EXPECT_DOUBLE_EQ(confidence(few, "motor.shell_mastery.tab_completion"), 0.40);
  EXPECT_FALSE(emitted(Session().type("ls\t").extract(), "motor.shell_mastery.tab_completion"));
}

TEST(BehaveMotor, ShortcutUsage) {
  const auto heavy = commands({"\x01ls", "\x05id", "\x12ps", "w\x17", "df\x15"}).extract();
  EXPECT_EQ(value(heavy, "motor.shell_mastery.shortcut_usage"), "heavy");
  EXPECT_DOUBLE_EQ(confidence(heavy, "motor.shell_mastery.shortcut_usage"), 0.65);

  const auto none = commands({"ls", "id", "ps", "w", "df"}).extract();
  EXPECT_EQ(value(none, "motor.shell_mastery.shortcut_usage"), "none");

  // One shortcut in five commands: 0.2, a moderate rate.
  const auto moderate = commands({"\x02ls", "id", "ps", "w", "df"}).extract();
  EXPECT_EQ(value(moderate, "motor.shell_mastery.shortcut_usage"), "moderate");
  EXPECT_DOUBLE_EQ(confidence(moderate, "motor.shell_mastery.shortcut_usage"), 0.65);

  const auto few = commands({"\x01ls"}).extract();
  EXPECT_DOUBLE_EQ(confidence(few, "motor.shell_mastery.shortcut_usage"), 0.40);
}

TEST(BehaveMotor, PipeChainingDepth) {
  const auto deep = commands({"a|b|c|d", "a|b|c|d", "a|b|c|d", "ls", "a|b|c|d|e"}).extract();
  EXPECT_EQ(value(deep, "motor.shell_mastery.pipe_chaining_depth"), "deep");
  EXPECT_DOUBLE_EQ(confidence(deep, "motor.shell_mastery.pipe_chaining_depth"), 0.55);

  const auto shallow = commands({"ls", "ls|wc", "a|b|c", "id", "a|b|c"}).extract();
  EXPECT_EQ(value(shallow, "motor.shell_mastery.pipe_chaining_depth"), "shallow");
  EXPECT_DOUBLE_EQ(confidence(shallow, "motor.shell_mastery.pipe_chaining_depth"), 0.70);

  const auto few = commands({"a|b|c", "a|b|c|d"}).extract();
  EXPECT_EQ(value(few, "motor.shell_mastery.pipe_chaining_depth"), "moderate");
  EXPECT_DOUBLE_EQ(confidence(few, "motor.shell_mastery.pipe_chaining_depth"), 0.40);
}

// ---- cognitive --------------------------------------------------------------------------------

Style paused(double pause) {
  return {.pause = pause};
}

TEST(BehaveCognitive, InterCommandLatencyClass) {
  // Each gap: 0.1 s to the output, then the pause.
  const auto llm = commands({"ls", "id", "ps", "w", "df", "du"}, paused(4.9)).extract();
  EXPECT_EQ(value(llm, "cognitive.inter_command_latency_class"), "llm_lightweight");
  EXPECT_DOUBLE_EQ(confidence(llm, "cognitive.inter_command_latency_class"), 0.80);

  const auto instant = commands({"ls", "id", "ps"}, paused(0.1)).extract();
  EXPECT_EQ(value(instant, "cognitive.inter_command_latency_class"), "instant");
  EXPECT_DOUBLE_EQ(confidence(instant, "cognitive.inter_command_latency_class"), 0.40);

  EXPECT_EQ(value(commands({"ls", "id"}, paused(40.0)).extract(),
                  "cognitive.inter_command_latency_class"),
            "long");
  EXPECT_FALSE(emitted(commands({"ls"}).extract(), "cognitive.inter_command_latency_class"));
}

TEST(BehaveCognitive, CommandBranchDiversity) {
  const auto few = commands({"ls", "id", "ps", "w"}).extract();
  EXPECT_EQ(value(few, "cognitive.command_branch_diversity"), "unknown");
  EXPECT_DOUBLE_EQ(confidence(few, "cognitive.command_branch_diversity"), 1.0);

  const auto linear = commands({"ls", "id", "ps", "w", "df"}).extract();
  EXPECT_EQ(value(linear, "cognitive.command_branch_diversity"), "linear_playbook");
  EXPECT_DOUBLE_EQ(confidence(linear, "cognitive.command_branch_diversity"), 0.80);

  EXPECT_EQ(value(commands({"ls", "id", "ps", "w", "ls"}).extract(),
                  "cognitive.command_branch_diversity"),
            "linear_playbook");
  EXPECT_EQ(value(commands({"ls", "id", "ps", "ls", "id"}).extract(),
                  "cognitive.command_branch_diversity"),
            "adaptive_branching");
  // Arguments differ but the first words repeat: 2 distinct of 5.
  const auto adaptive = commands({"curl a", "curl b", "cat x", "curl c", "cat y"}).extract();
  EXPECT_EQ(value(adaptive, "cognitive.command_branch_diversity"), "adaptive_branching");

  EXPECT_FALSE(emitted(Session().type("ls").extract(), "cognitive.command_branch_diversity"));
}

TEST(BehaveCognitive, FeedbackLoopEngagement) {
  const auto silent = commands({"ls", "id", "ps", "w", "df", "du"}, {.output = ""}).extract();
  EXPECT_EQ(value(silent, "cognitive.feedback_loop_engagement"), "unknown");
  EXPECT_DOUBLE_EQ(confidence(silent, "cognitive.feedback_loop_engagement"), 1.0);

  Session reading;
  Session ignoring;
  for (int i = 0; i < 6; ++i) {
    const std::string out = std::string(100 * (i + 1), 'x') + std::string(kPrompt);
    reading.run("cat f", {.pause = 0.5 * (i + 1), .output = out});
    ignoring.run("cat f", {.pause = 3.0 - 0.5 * i, .output = out});
  }
  // The pause after each output grows (or shrinks) with the output.
  const auto closed = reading.extract();
  EXPECT_EQ(value(closed, "cognitive.feedback_loop_engagement"), "closed_loop");
  EXPECT_DOUBLE_EQ(confidence(closed, "cognitive.feedback_loop_engagement"), 0.75);
  EXPECT_EQ(value(ignoring.extract(), "cognitive.feedback_loop_engagement"), "fire_and_forget");

  // Pauses that only loosely follow the output: r = 0.66 reads as engaged, r = 0.15 not.
  const auto loosely = [](const std::vector<double>& gaps) {
    Session s;
    for (std::size_t i = 0; i < 6; ++i) {
      s.run("cat f", {.pause = i == 0 ? 0.0 : gaps[i - 1] - 0.1,
                      .output = std::string(100 * (i + 1), 'x') + std::string(kPrompt)});
    }
    return s.extract();
  };
  EXPECT_EQ(value(loosely({2, 1, 4, 3, 3.5}), "cognitive.feedback_loop_engagement"), "closed_loop");
  EXPECT_EQ(value(loosely({2, 3, 1, 3, 2.4}), "cognitive.feedback_loop_engagement"),
            "fire_and_forget");

  // Constant output and constant pauses: no correlation to speak of.
  const auto flat = commands({"ls", "ls", "ls", "ls", "ls", "ls"}).extract();
  EXPECT_EQ(value(flat, "cognitive.feedback_loop_engagement"), "unknown");
  EXPECT_FALSE(emitted(Session().type("ls").extract(), "cognitive.feedback_loop_engagement"));
}

TEST(BehaveCognitive, InterCommandConsistency) {
  const auto metronomic = commands({"ls", "id", "ps", "w", "df", "du"}, paused(1.9)).extract();
  EXPECT_EQ(value(metronomic, "cognitive.inter_command_consistency"), "metronomic");
  EXPECT_DOUBLE_EQ(confidence(metronomic, "cognitive.inter_command_consistency"), 0.75);

  Session spiky;
  for (const double pause : {0.1, 0.1, 0.1, 0.1, 0.1, 20.0}) spiky.run("ls", paused(pause));
  EXPECT_EQ(value(spiky.extract(), "cognitive.inter_command_consistency"), "bimodal");

  Session human;
  for (const double pause : {0.9, 2.9, 0.9, 2.9, 0.9, 2.9}) human.run("ls", paused(pause));
  EXPECT_EQ(value(human.extract(), "cognitive.inter_command_consistency"), "variable");

  const auto three = commands({"ls", "id", "ps"}).extract();
  EXPECT_DOUBLE_EQ(confidence(three, "cognitive.inter_command_consistency"), 0.40);
  EXPECT_FALSE(emitted(commands({"ls", "id"}).extract(), "cognitive.inter_command_consistency"));
}

TEST(BehaveCognitive, CognitiveLoad) {
  const auto calm = commands({"uname", "whoami", "hostname", "uptime", "date"}).extract();
  EXPECT_EQ(value(calm, "cognitive.cognitive_load"), "low");
  EXPECT_DOUBLE_EQ(confidence(calm, "cognitive.cognitive_load"), 0.60);

  Session strained;
  for (const double pause : {0.1, 9.0, 0.1, 9.0, 0.1}) {
    strained.type_with_gaps("abcdef\r", {pause, 0.05, 1.0, 0.05, 1.0, 0.05, 0.05});
    strained.output("bash: abcdef: command not found" + std::string(kPrompt));
  }
  const auto high = strained.extract();
  EXPECT_EQ(value(high, "cognitive.cognitive_load"), "high");

  // Half the commands failed, but typing and pace stay even: the load stays low.
  const auto errors_only =
      Session().fail("whoami").run("whoami").fail("whoami").run("whoami").extract();
  EXPECT_EQ(value(errors_only, "cognitive.cognitive_load"), "low");
  EXPECT_DOUBLE_EQ(confidence(errors_only, "cognitive.cognitive_load"), 0.40);
  EXPECT_FALSE(emitted(Session().type("ls").extract(), "cognitive.cognitive_load"));
}

TEST(BehaveCognitive, ExplorationStyle) {
  const auto chaotic = commands({"ls", "id", "ls", "id", "ls"}).extract();
  EXPECT_EQ(value(chaotic, "cognitive.exploration_style"), "chaotic");
  EXPECT_DOUBLE_EQ(confidence(chaotic, "cognitive.exploration_style"), 0.60);
  EXPECT_EQ(
      value(commands({"ls", "ls", "ls", "ls", "id"}).extract(), "cognitive.exploration_style"),
      "targeted");
  const auto methodical = commands({"ls", "id", "ps"}).extract();
  EXPECT_EQ(value(methodical, "cognitive.exploration_style"), "methodical");
  EXPECT_DOUBLE_EQ(confidence(methodical, "cognitive.exploration_style"), 0.40);
  EXPECT_FALSE(emitted(Session().type("ls").extract(), "cognitive.exploration_style"));
}

TEST(BehaveCognitive, PlanningDepth) {
  const auto deep = commands({"ls", "id", "ps", "w", "df"}, paused(3.0)).extract();
  EXPECT_EQ(value(deep, "cognitive.planning_depth"), "deep");
  EXPECT_DOUBLE_EQ(confidence(deep, "cognitive.planning_depth"), 0.65);
  EXPECT_EQ(value(commands({"ls", "id", "ps"}, paused(0.1)).extract(), "cognitive.planning_depth"),
            "reactive");
  const auto shallow = commands({"ls", "id", "ps"}, paused(0.9)).extract();
  EXPECT_EQ(value(shallow, "cognitive.planning_depth"), "shallow");
  EXPECT_DOUBLE_EQ(confidence(shallow, "cognitive.planning_depth"), 0.40);
  EXPECT_FALSE(emitted(commands({"ls"}).extract(), "cognitive.planning_depth"));
}

TEST(BehaveCognitive, ToolVocabulary) {
  const auto narrow = commands({"ls", "id", "ls", "ps", "id"}).extract();
  EXPECT_EQ(value(narrow, "cognitive.tool_vocabulary"), "narrow");
  EXPECT_DOUBLE_EQ(confidence(narrow, "cognitive.tool_vocabulary"), 0.70);
  const auto broad =
      commands({"ls", "id", "ps", "w", "df", "du", "top", "env", "cat", "who"}).extract();
  EXPECT_EQ(value(broad, "cognitive.tool_vocabulary"), "broad");
  const auto moderate = commands({"ls", "id", "ps", "w"}).extract();
  EXPECT_EQ(value(moderate, "cognitive.tool_vocabulary"), "moderate");
  EXPECT_DOUBLE_EQ(confidence(moderate, "cognitive.tool_vocabulary"), 0.40);
}

TEST(BehaveCognitive, ErrorResilienceNeedsAnError) {
  const auto fine = commands({"ls", "id", "ps", "man ls"}).extract();
  EXPECT_FALSE(emitted(fine, "cognitive.error_resilience.retry_tactic"));
  EXPECT_FALSE(emitted(fine, "cognitive.error_resilience.frustration_typing"));
  EXPECT_FALSE(emitted(fine, "cognitive.error_resilience.fallback_to_man"));
}

TEST(BehaveCognitive, RetryTacticAndFallbackToMan) {
  const auto rerun = Session().fail("foo x").run("foo y").extract();
  EXPECT_EQ(value(rerun, "cognitive.error_resilience.retry_tactic"), "rerun");
  EXPECT_DOUBLE_EQ(confidence(rerun, "cognitive.error_resilience.retry_tactic"), 0.40);
  EXPECT_EQ(value(rerun, "cognitive.error_resilience.fallback_to_man"), "absent");

  const auto to_man = Session().fail("foo").run("man foo").extract();
  EXPECT_EQ(value(to_man, "cognitive.error_resilience.retry_tactic"), "switch");
  EXPECT_EQ(value(to_man, "cognitive.error_resilience.fallback_to_man"), "present");
  EXPECT_DOUBLE_EQ(confidence(to_man, "cognitive.error_resilience.fallback_to_man"), 0.40);

  EXPECT_EQ(
      value(Session().run("ls").fail("foo").extract(), "cognitive.error_resilience.retry_tactic"),
      "abort");
  // A tie goes to rerun before switch before abort.
  const auto tie = Session().fail("foo").run("foo").fail("bar").run("ls").extract();
  EXPECT_EQ(value(tie, "cognitive.error_resilience.retry_tactic"), "rerun");

  Session many;
  for (int i = 0; i < 5; ++i) many.fail("nmap").run("help");
  const auto confident = many.extract();
  EXPECT_DOUBLE_EQ(confidence(confident, "cognitive.error_resilience.retry_tactic"), 0.65);
  EXPECT_DOUBLE_EQ(confidence(confident, "cognitive.error_resilience.fallback_to_man"), 0.65);
  EXPECT_EQ(value(confident, "cognitive.error_resilience.fallback_to_man"), "present");
}

TEST(BehaveCognitive, FrustrationTyping) {
  const auto slower =
      Session().run("ls").run("cat x").fail("foo").run("abcd", {.dt = 0.2}).extract();
  EXPECT_EQ(value(slower, "cognitive.error_resilience.frustration_typing"), "high");
  EXPECT_DOUBLE_EQ(confidence(slower, "cognitive.error_resilience.frustration_typing"), 0.40);

  const auto same = Session().run("ls").run("cat x").fail("foo").run("abcd").extract();
  EXPECT_EQ(value(same, "cognitive.error_resilience.frustration_typing"), "low");

  const auto bit_slower =
      Session().run("ls").run("cat x").fail("foo").run("abcd", {.dt = 0.06}).extract();
  EXPECT_EQ(value(bit_slower, "cognitive.error_resilience.frustration_typing"), "moderate");

  // Every command after a failure, none after a success: no baseline.
  EXPECT_FALSE(emitted(Session().fail("foo").run("abcd").extract(),
                       "cognitive.error_resilience.frustration_typing"));
}

// ---- temporal ---------------------------------------------------------------------------------

TEST(BehaveTemporal, SessionDuration) {
  const auto lasting = [](double seconds) {
    return extract_session(
        {{.t = 0.0, .kind = 'i', .data = "a"}, {.t = seconds, .kind = 'o', .data = "x"}});
  };
  EXPECT_EQ(value(lasting(30), "temporal.session_duration"), "short");
  EXPECT_DOUBLE_EQ(confidence(lasting(30), "temporal.session_duration"), 0.85);
  EXPECT_EQ(value(lasting(300), "temporal.session_duration"), "medium");
  EXPECT_EQ(value(lasting(3000), "temporal.session_duration"), "long");
  EXPECT_EQ(value(lasting(3600), "temporal.session_duration"), "marathon");
  EXPECT_FALSE(emitted(lasting(0), "temporal.session_duration"));
  // No time passed, but a command ran.
  EXPECT_EQ(value(extract_session({{.t = 5.0, .kind = 'i', .data = "ls -la\r"}}),
                  "temporal.session_duration"),
            "short");
}

TEST(BehaveTemporal, EscalationPattern) {
  Session steady;
  steady.output("banner\r\n");
  for (int k = 0; k < 10; ++k) steady.wait_until(10.0 * k + 5.0).run("ls");
  const auto sustained = steady.extract();
  EXPECT_EQ(value(sustained, "temporal.escalation_pattern"), "sustained");
  EXPECT_DOUBLE_EQ(confidence(sustained, "temporal.escalation_pattern"), 0.60);

  Session spurt;
  for (int k = 0; k < 8; ++k) spurt.run("ls", paused(0.2));
  spurt.wait_until(200.0).run("exit");
  EXPECT_EQ(value(spurt.extract(), "temporal.escalation_pattern"), "bursty");

  // Ten-second windows over 25 s: three windows, too few for full confidence.
  Session brief;
  brief.run("ls").wait_until(25.0).run("id");
  const auto few = brief.extract();
  EXPECT_TRUE(emitted(few, "temporal.escalation_pattern"));
  EXPECT_DOUBLE_EQ(confidence(few, "temporal.escalation_pattern"), 0.40);

  EXPECT_FALSE(emitted(extract_session({{.t = 0.0, .kind = 'i', .data = "a"},
                                        {.t = 60.0, .kind = 'o', .data = "x"}}),
                       "temporal.escalation_pattern"));
}

TEST(BehaveTemporal, LandingRitual) {
  const auto present = commands({"whoami", "id", "uname -a", "ls"}).extract();
  EXPECT_EQ(value(present, "temporal.lifecycle_markers.landing_ritual"), "present");
  EXPECT_DOUBLE_EQ(confidence(present, "temporal.lifecycle_markers.landing_ritual"), 0.65);
  const auto absent = commands({"ls", "cat x", "vim y"}).extract();
  EXPECT_EQ(value(absent, "temporal.lifecycle_markers.landing_ritual"), "absent");
  const auto one_survey = commands({"ls", "cat x", "whoami", "vim y", "ps"}).extract();
  EXPECT_EQ(value(one_survey, "temporal.lifecycle_markers.landing_ritual"), "absent");
  // Survey commands after the first five do not count.
  const auto late = commands({"ls", "cd /", "ls", "cd", "ls", "whoami", "id"}).extract();
  EXPECT_EQ(value(late, "temporal.lifecycle_markers.landing_ritual"), "absent");
  const auto short_session = commands({"w", "who"}).extract();
  EXPECT_EQ(value(short_session, "temporal.lifecycle_markers.landing_ritual"), "present");
  EXPECT_DOUBLE_EQ(confidence(short_session, "temporal.lifecycle_markers.landing_ritual"), 0.40);
  EXPECT_FALSE(emitted(Session().type("x").extract(), "temporal.lifecycle_markers.landing_ritual"));
}

TEST(BehaveTemporal, ExitBehavior) {
  constexpr std::string_view kExit = "temporal.lifecycle_markers.exit_behavior";
  const auto abrupt = Session().run("ls").run("foo", {.output = "out\r\n"}).extract();
  EXPECT_EQ(value(abrupt, kExit), "abrupt");
  EXPECT_DOUBLE_EQ(confidence(abrupt, kExit), 0.45);
  const auto exited = commands({"ls", "exit"}).extract();
  EXPECT_EQ(value(exited, kExit), "graceful");
  EXPECT_DOUBLE_EQ(confidence(exited, kExit), 0.65);
  EXPECT_EQ(value(commands({"ls", "logout"}).extract(), kExit), "graceful");
  EXPECT_EQ(value(commands({"ls", "cat", "history -c"}).extract(), kExit), "cleanup");
  EXPECT_EQ(value(commands({"rm -rf /tmp/x", "ls", "cat"}).extract(), kExit), "cleanup");
  EXPECT_EQ(value(commands({"rm x", "ls", "cat", "ps"}).extract(), kExit), "graceful");
  EXPECT_EQ(value(commands({"ls", "ps", "cat"}).extract(), kExit), "graceful");
  // Without a prompt after it even "exit" counts as a dropped connection, as in the reference.
  EXPECT_EQ(value(Session().run("ls").run("exit", {.output = ""}).extract(), kExit), "abrupt");
  EXPECT_FALSE(emitted(Session().type("x").extract(), kExit));
}

// ---- environmental ----------------------------------------------------------------------------

TEST(BehaveEnvironmental, ShellType) {
  const auto bash = commands({"ls"}).extract();
  EXPECT_EQ(value(bash, "environmental.shell_type"), "bash");
  EXPECT_DOUBLE_EQ(confidence(bash, "environmental.shell_type"), 0.40);

  const auto zsh = commands({"ls", "id", "ps"}, {.output = "out\r\nhost% "}).extract();
  EXPECT_EQ(value(zsh, "environmental.shell_type"), "zsh");
  EXPECT_DOUBLE_EQ(confidence(zsh, "environmental.shell_type"), 0.75);

  EXPECT_EQ(value(commands({"dir"}, {.output = "x\r\nPS C:\\Users\\anti> "}).extract(),
                  "environmental.shell_type"),
            "powershell");
  EXPECT_EQ(value(commands({"dir"}, {.output = "x\r\nC:\\Users\\anti>"}).extract(),
                  "environmental.shell_type"),
            "cmd.exe");
  EXPECT_EQ(
      value(commands({"ls"}, {.output = "x\r\n~/src> "}).extract(), "environmental.shell_type"),
      "fish");
  // The majority wins; a tie goes to the shell seen first.
  const auto mixed = Session()
                         .run("a", {.output = "host% "})
                         .run("b", {.output = "u@h:~$ "})
                         .run("c", {.output = "u@h:~$ "})
                         .extract();
  EXPECT_EQ(value(mixed, "environmental.shell_type"), "bash");
  const auto tie =
      Session().run("a", {.output = "host% "}).run("b", {.output = "u@h:~$ "}).extract();
  EXPECT_EQ(value(tie, "environmental.shell_type"), "zsh");

  EXPECT_FALSE(emitted(commands({"ls"}, {.output = "file1\r\nfile2\r\n"}).extract(),
                       "environmental.shell_type"));
  // A prompt printed before any command ran belongs to no command's output.
  EXPECT_FALSE(
      emitted(Session().output("anti@host:~$ ").run("ls", {.output = "file1\r\n"}).extract(),
              "environmental.shell_type"));
}

TEST(BehaveEnvironmental, TerminalMultiplexer) {
  // The tmux passthrough marker split across two output events.
  const auto tmux = Session().run("ls").output("\x1bPtm").output("ux;\x1b\x1b[0m").extract();
  EXPECT_EQ(value(tmux, "environmental.terminal_multiplexer"), "tmux");
  EXPECT_DOUBLE_EQ(confidence(tmux, "environmental.terminal_multiplexer"), 0.85);
  EXPECT_EQ(value(Session().run("ls").output("\x1b[?1004h").extract(),
                  "environmental.terminal_multiplexer"),
            "tmux");
  EXPECT_EQ(value(Session().run("ls").output("\x1b]83;x\x07").extract(),
                  "environmental.terminal_multiplexer"),
            "screen");
  const auto none = commands({"ls"}).extract();
  EXPECT_EQ(value(none, "environmental.terminal_multiplexer"), "none");
  EXPECT_DOUBLE_EQ(confidence(none, "environmental.terminal_multiplexer"), 0.55);
  EXPECT_FALSE(emitted(Session().output("\x1bPtmux;").type("ls").extract(),
                       "environmental.terminal_multiplexer"));
}

TEST(BehaveEnvironmental, Locale) {
  const auto dump = [](std::string env) {
    return Session().run("env", {.output = std::move(env)}).extract();
  };
  const auto en = dump("PATH=/usr/bin\r\nLANG=en_US.UTF-8\r\nUSER=anti\r\n");
  EXPECT_EQ(value(en, "environmental.locale"), "en-US");
  EXPECT_DOUBLE_EQ(confidence(en, "environmental.locale"), 0.80);
  EXPECT_EQ(value(dump("LANG=en_US.UTF-8\r\nLC_ALL=pt_BR.UTF-8\r\n"), "environmental.locale"),
            "pt-BR");
  EXPECT_EQ(value(dump("LC_CTYPE=\"fr_FR.UTF-8\"\r\nLANG=C\r\n"), "environmental.locale"), "und");
  EXPECT_EQ(value(dump("LC_CTYPE=\"fr_FR.UTF-8\"\r\n"), "environmental.locale"), "fr-FR");
  EXPECT_EQ(value(dump("\x1b[32mLANG\x1b[0m=de_DE@euro\r\n"), "environmental.locale"), "de-DE");
  // Empty, malformed and look-alike assignments are not locales.
  EXPECT_FALSE(emitted(dump("LC_ALL=\r\nLANG=en_99\r\nXLANG=fr_FR\r\n"), "environmental.locale"));
  EXPECT_FALSE(emitted(dump("file1\r\nfile2\r\n"), "environmental.locale"));
  // Only the tag leaves the extractor, never the rest of the dump.
  for (const auto& o : dump("SECRET_TOKEN=abcdef123\r\nLANG=en_US.UTF-8\r\n")) {
    const auto text = core::json_text(o.value);
    EXPECT_EQ(text.find("abcdef123"), std::string::npos);
    EXPECT_EQ(text.find("SECRET"), std::string::npos);
  }
}

TEST(BehaveEnvironmental, KeyboardLayout) {
  const std::string english = "the quick brown fox jumps over the lazy dog and then there ";
  const auto qwerty = Session().run("echo " + repeated(english, 5)).extract();  // ~250 letters
  EXPECT_EQ(value(qwerty, "environmental.keyboard_layout"), "qwerty");
  EXPECT_DOUBLE_EQ(confidence(qwerty, "environmental.keyboard_layout"), 0.40);
  const auto more = Session().run("echo " + repeated(english, 12)).extract();
  EXPECT_DOUBLE_EQ(confidence(more, "environmental.keyboard_layout"), 0.55);

  EXPECT_EQ(value(Session().run(repeated("qjkx ", 60)).extract(), "environmental.keyboard_layout"),
            "azerty");
  EXPECT_EQ(value(Session().run(repeated("zuvz ", 60)).extract(), "environmental.keyboard_layout"),
            "qwertz");
  EXPECT_EQ(value(Session().run(repeated("xkcd ", 60)).extract(), "environmental.keyboard_layout"),
            "other");
  EXPECT_FALSE(
      emitted(Session().run(repeated("xkcd ", 45)).extract(), "environmental.keyboard_layout"));
  // Pasted text says nothing about the keyboard.
  EXPECT_FALSE(emitted(Session().input(repeated(english, 12) + "\r").extract(),
                       "environmental.keyboard_layout"));
}

TEST(BehaveEnvironmental, NumpadUsage) {
  const std::string text = "echo " + repeated("abcde", 10);
  const auto numpad = Session().type(text).type("1234", 0.03).type("\r").extract();
  EXPECT_EQ(value(numpad, "environmental.numpad_usage"), "detected");
  EXPECT_DOUBLE_EQ(confidence(numpad, "environmental.numpad_usage"), 0.50);
  const auto top_row = Session().type(text).type("1234", 0.1).type("\r").extract();
  EXPECT_EQ(value(top_row, "environmental.numpad_usage"), "not_detected");
  // Three quick digits are not four.
  const auto three = Session().type(text).type("123", 0.03).type("x4\r", 0.1).extract();
  EXPECT_EQ(value(three, "environmental.numpad_usage"), "not_detected");
  EXPECT_FALSE(
      emitted(Session().type("echo 1234\r", 0.03).extract(), "environmental.numpad_usage"));
  EXPECT_FALSE(
      emitted(Session().type(text).type("1234", 0.03).extract(), "environmental.numpad_usage"));
}

// ---- operational ------------------------------------------------------------------------------

TEST(BehaveOperational, Objective) {
  const auto recon = commands({"ls", "pwd", "whoami"}).extract();
  EXPECT_EQ(value(recon, "operational.objective"), "recon");
  EXPECT_DOUBLE_EQ(confidence(recon, "operational.objective"), 0.40);
  EXPECT_EQ(value(commands({"rm a", "ls", "dd if=x", "pwd", "shred f"}).extract(),
                  "operational.objective"),
            "destructive");
  EXPECT_EQ(
      value(commands({"crontab -e", "systemctl x", "passwd"}).extract(), "operational.objective"),
      "persistence");
  EXPECT_EQ(value(commands({"curl u", "wget u", "scp a b"}).extract(), "operational.objective"),
            "exfil");
  EXPECT_EQ(
      value(commands({"ssh h", "kubectl get", "docker ps"}).extract(), "operational.objective"),
      "lateral");
  // A tie goes to the intent counted first.
  EXPECT_EQ(value(commands({"wget u", "ls", "curl u", "id"}).extract(), "operational.objective"),
            "exfil");
  const auto many = commands({"ls", "pwd", "whoami", "id", "uname", "ps", "find /"}).extract();
  EXPECT_DOUBLE_EQ(confidence(many, "operational.objective"), 0.60);
  EXPECT_FALSE(emitted(commands({"ls", "pwd"}).extract(), "operational.objective"));
  EXPECT_FALSE(emitted(commands({"vim", "foo", "bar", "baz"}).extract(), "operational.objective"));
}

TEST(BehaveOperational, OpsecDiscipline) {
  const auto careless = commands({"ls", "id"}).extract();
  EXPECT_EQ(value(careless, "operational.opsec_discipline"), "careless");
  EXPECT_DOUBLE_EQ(confidence(careless, "operational.opsec_discipline"), 0.30);
  const auto learning = commands({"export X=1", "ls", "id", "ps", "w"}).extract();
  EXPECT_EQ(value(learning, "operational.opsec_discipline"), "learning");
  EXPECT_DOUBLE_EQ(confidence(learning, "operational.opsec_discipline"), 0.45);
  EXPECT_EQ(
      value(commands({"ls", "unset HISTFILE", "id"}).extract(), "operational.opsec_discipline"),
      "careful");
  EXPECT_EQ(value(commands({"set +o history", "ls", "id", "rm -f log"}).extract(),
                  "operational.opsec_discipline"),
            "careful");
  EXPECT_FALSE(emitted(Session().type("history").extract(), "operational.opsec_discipline"));
}

TEST(BehaveOperational, CleanupBehavior) {
  const auto thorough =
      commands({"ls", "id", "ps", "w", "rm x", "shred y", "history -c", "clear"}).extract();
  EXPECT_EQ(value(thorough, "operational.cleanup_behavior"), "thorough");
  EXPECT_DOUBLE_EQ(confidence(thorough, "operational.cleanup_behavior"), 0.55);
  const auto partial = commands({"ls", "rm x", "rm y"}).extract();
  EXPECT_EQ(value(partial, "operational.cleanup_behavior"), "partial");
  EXPECT_DOUBLE_EQ(confidence(partial, "operational.cleanup_behavior"), 0.35);
  // Cleanup that happened early, outside the last five commands, does not count.
  EXPECT_EQ(value(commands({"rm x", "shred y", "ls", "id", "ps", "w", "df"}).extract(),
                  "operational.cleanup_behavior"),
            "none");
  EXPECT_FALSE(emitted(Session().type("rm x").extract(), "operational.cleanup_behavior"));
}

TEST(BehaveOperational, MultiActorIndicators) {
  const auto handoff = [](double second_dt) {
    Session s;
    for (int k = 0; k < 4; ++k) s.wait_until(10.0 * k).run("abcdef");
    for (int k = 0; k < 4; ++k) s.wait_until(50.0 + 10.0 * k).run("abcdef", {.dt = second_dt});
    return s.extract();
  };
  const auto two = handoff(0.3);
  EXPECT_EQ(value(two, "operational.multi_actor_indicators"), "handoff_detected");
  EXPECT_DOUBLE_EQ(confidence(two, "operational.multi_actor_indicators"), 0.40);
  EXPECT_EQ(value(handoff(0.05), "operational.multi_actor_indicators"), "solo");
  EXPECT_EQ(value(handoff(0.09), "operational.multi_actor_indicators"), "solo");

  Session sixteen;
  for (int k = 0; k < 16; ++k) sixteen.wait_until(10.0 * k).run("abcdef");
  EXPECT_DOUBLE_EQ(confidence(sixteen.extract(), "operational.multi_actor_indicators"), 0.55);

  EXPECT_FALSE(emitted(commands({"ls", "id", "ps", "w", "df", "du", "top"}).extract(),
                       "operational.multi_actor_indicators"));
  // Eight commands, but seven of them in the first half.
  Session lopsided;
  for (int k = 0; k < 7; ++k) lopsided.run("abcdef");
  lopsided.wait_until(500.0).run("abcdef");
  EXPECT_FALSE(emitted(lopsided.extract(), "operational.multi_actor_indicators"));
}

// ---- emotional_valence ------------------------------------------------------------------------

TEST(BehaveEmotionalValence, Valence) {
  const auto positive = Session()
                            .type(
                                "thanks great nice perfect awesome love thanks great nice perfect "
                                "this is going perfectly well today thanks ")
                            .extract();
  EXPECT_EQ(value(positive, "emotional_valence.valence"), "positive");
  EXPECT_DOUBLE_EQ(confidence(positive, "emotional_valence.valence"), 0.30);
  const auto negative = Session()
                            .type(
                                "fuck this is broken damn it stuck here wtf fuck shit "
                                "everything is broken and stupid today again broken again "
                                "wrong wrong wrong total disaster here and now ")
                            .extract();
  EXPECT_EQ(value(negative, "emotional_valence.valence"), "negative");
  const auto neutral = Session()
                           .type(
                               "running command for inspection of remote system today "
                               "checking files and verifying things look correct overall ")
                           .extract();
  EXPECT_EQ(value(neutral, "emotional_valence.valence"), "neutral");
  const auto long_positive = Session().type(repeated("thanks ", 50)).extract();
  EXPECT_EQ(value(long_positive, "emotional_valence.valence"), "positive");
  EXPECT_DOUBLE_EQ(confidence(long_positive, "emotional_valence.valence"), 0.50);
  // One positive word is not enough on its own.
  EXPECT_EQ(value(Session().type("thanks " + repeated("abcdefg ", 12)).extract(),
                  "emotional_valence.valence"),
            "neutral");
  // The last word counts even with nothing typed after it.
  EXPECT_EQ(value(Session().type(repeated("abcdefg ", 12) + "thanks great").extract(),
                  "emotional_valence.valence"),
            "positive");
  EXPECT_FALSE(emitted(Session().type("hi").extract(), "emotional_valence.valence"));
  // Words inside pastes are not typed words.
  EXPECT_EQ(value(Session().input(repeated("thanks ", 5)).type(repeated("abcdefg ", 12)).extract(),
                  "emotional_valence.valence"),
            "neutral");
}

TEST(BehaveEmotionalValence, Arousal) {
  const auto shouting = Session().type("WHY IS THIS BROKEN").extract();
  EXPECT_EQ(value(shouting, "emotional_valence.arousal"), "high_agitated");
  EXPECT_DOUBLE_EQ(confidence(shouting, "emotional_valence.arousal"), 0.30);
  EXPECT_EQ(value(Session().type("come on!!!").extract(), "emotional_valence.arousal"),
            "high_agitated");
  EXPECT_EQ(value(Session().type(repeated("abcd", 8), 0.04).extract(), "emotional_valence.arousal"),
            "high_agitated");
  const auto calm = Session().type(repeated("abcd", 8), 0.4).extract();
  EXPECT_EQ(value(calm, "emotional_valence.arousal"), "low_calm");
  EXPECT_DOUBLE_EQ(confidence(calm, "emotional_valence.arousal"), 0.50);
  EXPECT_EQ(value(Session().type(repeated("abcd", 8), 0.15).extract(), "emotional_valence.arousal"),
            "medium_engaged");
  // Four capitals in a row, or two exclamation marks, are not shouting.
  EXPECT_EQ(value(Session().type("WHAT is this!!").extract(), "emotional_valence.arousal"),
            "medium_engaged");
  EXPECT_FALSE(emitted(Session().type("ab").extract(), "emotional_valence.arousal"));
}

TEST(BehaveEmotionalValence, StressResponse) {
  const auto calm = commands({"ls"}).extract();
  EXPECT_EQ(value(calm, "emotional_valence.stress_response"), "none");
  EXPECT_DOUBLE_EQ(confidence(calm, "emotional_valence.stress_response"), 0.30);

  Session slowed;
  slowed.run("whoami").run("uname");
  for (int i = 0; i < 2; ++i) slowed.fail("foo").run("abcd", {.dt = 0.2});
  const auto eustress = slowed.extract();
  EXPECT_EQ(value(eustress, "emotional_valence.stress_response"), "eustress_positive");
  EXPECT_DOUBLE_EQ(confidence(eustress, "emotional_valence.stress_response"), 0.50);

  Session hurried;
  hurried.run("whoami", {.dt = 0.2}).run("uname", {.dt = 0.2}).fail("foo", {.dt = 0.2});
  hurried.run("abcd", {.dt = 0.05});
  const auto distress = hurried.extract();
  EXPECT_EQ(value(distress, "emotional_valence.stress_response"), "distress_negative");
  EXPECT_DOUBLE_EQ(confidence(distress, "emotional_valence.stress_response"), 0.30);

  EXPECT_FALSE(emitted(Session().type("ls").extract(), "emotional_valence.stress_response"));
}

TEST(BehaveEmotionalValence, FrustrationVenting) {
  const auto venting = Session().type("what the fuck is going on with this box ").extract();
  EXPECT_EQ(value(venting, "emotional_valence.frustration_venting"), "detected");
  EXPECT_DOUBLE_EQ(confidence(venting, "emotional_valence.frustration_venting"), 0.40);
  const auto clean = Session().type(repeated("checking the files again ", 12)).extract();
  EXPECT_EQ(value(clean, "emotional_valence.frustration_venting"), "none");
  EXPECT_DOUBLE_EQ(confidence(clean, "emotional_valence.frustration_venting"), 0.50);
  const auto short_clean = Session().type(repeated("checking files ", 3)).extract();
  EXPECT_DOUBLE_EQ(confidence(short_clean, "emotional_valence.frustration_venting"), 0.30);
  EXPECT_FALSE(emitted(Session().type("fuck").extract(), "emotional_valence.frustration_venting"));
}

// ---- the whole catalogue ----------------------------------------------------------------------

constexpr std::string_view kSecretWords[] = {"hunter2", "secret", "passwd", "whoami", "quick"};

// A session rich enough for every primitive: ten commands twenty seconds apart (a failed one
// followed by the manual, a typo corrected, a pipeline, a long typed line holding a password,
// an environment dump) under a prompt that names its host.
Session rich_session() {
  const std::string prompt = "\r\nanti@secret-host:~$ ";
  const std::string english = "the quick brown fox jumps over the lazy dog and thanks again ";
  Session s;
  const auto at = [&](int k) -> Session& { return s.wait_until(20.0 * k); };
  at(0).run("whoami", {.output = "root" + prompt});
  at(1).run("id", {.output = "uid=0(root)" + prompt});
  at(2).run("env", {.output = "PATH=/usr/bin\r\nLANG=en_US.UTF-8" + prompt});
  at(3).fail("foo --bar");
  at(4).run("man foo", {.dt = 0.12});
  at(5).type("lss").input("\x7f", 0.1).type(" -la\r").output("total 0" + prompt);
  at(6).run("cat /etc/passwd | grep root", {.output = "root:x:0:0" + prompt});
  at(7).run("echo hunter2secret " + repeated(english, 4), {.output = "ok" + prompt});
  at(8).run("history -c", {.output = prompt});
  at(9).run("exit", {.output = "logout\r\n"});
  return s;
}

TEST(BehaveShell, EveryPrimitiveInCatalogueOrder) {
  const auto obs = rich_session().extract();
  std::vector<std::string> primitives;
  for (const auto& o : obs) primitives.push_back(o.primitive);
  const std::vector<std::string> catalogue(kBehaveShellPrimitives.begin(),
                                           kBehaveShellPrimitives.end());
  EXPECT_EQ(primitives, catalogue);
}

TEST(BehaveShell, WindowsValuesAndConfidences) {
  const auto session = rich_session();
  const auto obs = session.extract();
  ASSERT_FALSE(obs.empty());
  for (const auto& o : obs) {
    SCOPED_TRACE(o.primitive);
    EXPECT_DOUBLE_EQ(o.window_start, 0.0);
    EXPECT_DOUBLE_EQ(o.window_end, session.events.back().t);
    EXPECT_GT(o.confidence, 0.0);
    EXPECT_LE(o.confidence, 1.0);
    ASSERT_TRUE(o.value.is_string());
    if (o.primitive.starts_with("emotional_valence.")) {
      EXPECT_LE(o.confidence, 0.50);
    }
  }
  EXPECT_EQ(value(obs, "environmental.locale"), "en-US");
  EXPECT_EQ(value(obs, "cognitive.error_resilience.fallback_to_man"), "present");
  EXPECT_EQ(value(obs, "motor.error_correction"), "immediate");
  EXPECT_EQ(value(obs, "operational.objective"), "recon");
  EXPECT_EQ(value(obs, "temporal.lifecycle_markers.landing_ritual"), "present");
  EXPECT_EQ(value(obs, "cognitive.inter_command_latency_class"), "llm_heavyweight");
  EXPECT_EQ(value(obs, "environmental.keyboard_layout"), "qwerty");
  EXPECT_EQ(value(obs, "motor.digraph_simhash").size(), 16u);
}

TEST(BehaveShell, NothingTypedLeavesTheExtractor) {
  for (const auto& o : rich_session().extract()) {
    const std::string text = core::json_text(o.value) + o.primitive;
    for (const auto word : kSecretWords) {
      EXPECT_EQ(text.find(word), std::string::npos) << o.primitive << " leaks " << word;
    }
  }
}

std::vector<std::tuple<std::string, std::string, double, double, double>> summary(
    const Observations& obs) {
  std::vector<std::tuple<std::string, std::string, double, double, double>> out;
  for (const auto& o : obs) {
    out.emplace_back(o.primitive, core::json_text(o.value), o.confidence, o.window_start,
                     o.window_end);
  }
  return out;
}

TEST(BehaveShell, EventOrderAndImplausibleTimesDoNotMatter) {
  const auto session = rich_session();
  const auto expected = summary(session.extract());
  auto shuffled = session.events;
  std::mt19937 rng(42);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  EXPECT_EQ(summary(extract_session(shuffled)), expected);

  auto polluted = session.events;
  for (const double t :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity(), 1e300, -1e300}) {
    polluted.push_back({.t = t, .kind = 'i', .data = "x"});
    polluted.push_back({.t = t, .kind = 'o', .data = "y\r\nLANG=fr_FR\r\n"});
  }
  polluted.push_back({.t = 3.0, .kind = 'r', .data = "100x40"});
  polluted.push_back({.t = 3.0, .kind = '\0', .data = "z"});
  EXPECT_EQ(summary(extract_session(polluted)), expected);
}

TEST(BehaveShell, HostileSessionsAreBoundedAndWellFormed) {
  const std::string alphabet =
      "ab ZQ09|!\t\r\n\x7f\x15\x17\x01\x1b[]O;?P=\x07\\$#%>@:.\xC3\xA9\xFF";
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<RecordedEvent> events;
    double t = 0.0;
    for (int i = 0; i < 3000; ++i) {
      const auto pick = rng() % 10;
      t += pick == 0 ? 0.0 : pick == 1 ? 5.0 * (rng() % 100) : 0.001 * (rng() % 400);
      std::string data;
      const auto length = rng() % (pick == 2 ? 40 : 4);
      for (std::size_t j = 0; j < length; ++j) data.push_back(alphabet[rng() % alphabet.size()]);
      events.push_back(
          {.t = pick == 3 ? t - 50.0 : t, .kind = rng() % 3 ? 'i' : 'o', .data = data});
    }
    const auto obs = extract_session(events);
    std::size_t next = 0;
    for (const auto& o : obs) {
      SCOPED_TRACE(o.primitive);
      const auto at = std::find(kBehaveShellPrimitives.begin() + static_cast<std::ptrdiff_t>(next),
                                kBehaveShellPrimitives.end(), o.primitive);
      ASSERT_NE(at, kBehaveShellPrimitives.end()) << "unknown or out of order";
      next = static_cast<std::size_t>(at - kBehaveShellPrimitives.begin()) + 1;
      EXPECT_TRUE(o.value.is_string());
      EXPECT_GE(o.confidence, 0.0);
      EXPECT_LE(o.confidence, 1.0);
      EXPECT_TRUE(std::isfinite(o.window_start) && std::isfinite(o.window_end));
    }
    const auto vector = keystroke_vector(keystroke_features(events));
    ASSERT_EQ(vector.size(), kKeystrokeVectorDim);
    for (const float x : vector) EXPECT_TRUE(std::isfinite(x));
  }
}

TEST(BehaveShell, OneHugePasteIsCheap) {
  std::string paste;
  for (int i = 0; i < (1 << 19); ++i) paste += i % 7 ? "a|" : "\t ";
  const auto obs = Session().input(paste + "\r").output(std::string(1 << 20, '$')).extract();
  EXPECT_EQ(value(obs, "motor.input_modality"), "pasted");
  EXPECT_EQ(value(obs, "motor.shell_mastery.pipe_chaining_depth"), "deep");
  EXPECT_EQ(value(obs, "motor.shell_mastery.tab_completion"), "habitual");
}

// ---- terminal text ----------------------------------------------------------------------------

TEST(TerminalText, StripAnsi) {
  EXPECT_EQ(strip_ansi("\x1b[1;32mgreen\x1b[0m plain"), "green plain");
  EXPECT_EQ(strip_ansi("\x1b]0;title\x07text"), "text");
  EXPECT_EQ(strip_ansi("\x1b]2;t\x1b\\x"), "x");
  EXPECT_EQ(strip_ansi("\x1b]2;unterminated"), "");
  EXPECT_EQ(strip_ansi("\x1bMx\x1b=y"), "x\x1b=y");  // '=' is not a two-byte escape final
  EXPECT_EQ(strip_ansi("\x1b(Bz"), "\x1b(Bz");
  EXPECT_EQ(strip_ansi("cut \x1b[12"), "cut \x1b[12");
  EXPECT_EQ(strip_ansi("end\x1b"), "end\x1b");
  EXPECT_EQ(strip_ansi("\x1b[?1004h\x1b[38;5;196mred"), "red");
}

TEST(TerminalText, ShellErrors) {
  EXPECT_TRUE(shows_shell_error("bash: foo: command not found"));
  EXPECT_TRUE(shows_shell_error("cat: x: No such file or directory"));
  EXPECT_TRUE(shows_shell_error("mkdir: cannot create directory"));
  EXPECT_TRUE(shows_shell_error("bash: syntax error near unexpected token `('"));
  EXPECT_FALSE(shows_shell_error("total 0\nfile1"));
  EXPECT_FALSE(shows_shell_error("permission denied"));  // case matters, as in the reference
}

std::vector<std::pair<char, std::string>> prompts_in(std::string_view text) {
  std::vector<std::pair<char, std::string>> out;
  visit_prompt_lines(text, [&](char suffix, std::string_view line) {
    out.emplace_back(suffix, std::string(line));
  });
  return out;
}

TEST(TerminalText, PromptLines) {
  using Prompts = std::vector<std::pair<char, std::string>>;
  EXPECT_EQ(prompts_in("anti@host:~$ "), (Prompts{{'$', "anti@host:~$"}}));
  EXPECT_EQ(prompts_in("root@host:/etc# "), (Prompts{{'#', "root@host:/etc#"}}));
  EXPECT_EQ(prompts_in("host% "), (Prompts{{'%', "host%"}}));
  EXPECT_EQ(prompts_in("total 12\ndrwx  4096 .\r\nanti@host:~$ "),
            (Prompts{{'$', "anti@host:~$"}}));
  EXPECT_EQ(prompts_in("user@box:~$"), (Prompts{{'$', "user@box:~$"}}));
  EXPECT_EQ(prompts_in("C:\\Users>"), (Prompts{{'>', "C:\\Users>"}}));
  EXPECT_TRUE(prompts_in("file1\nfile2\n").empty());
  EXPECT_TRUE(prompts_in("costs 5$\r\n").empty());
  EXPECT_TRUE(prompts_in("").empty());
  const auto long_line = prompts_in(std::string(500, 'x') + "$ ");
  ASSERT_EQ(long_line.size(), 1u);
  EXPECT_EQ(long_line[0].second.size(), kMaxPromptLineChars);
  EXPECT_EQ(shell_of_prompt('#', "root@h#"), "bash");
  EXPECT_EQ(shell_of_prompt('%', "h%"), "zsh");
  EXPECT_EQ(shell_of_prompt('>', "PS C:\\> "), "powershell");
  EXPECT_EQ(shell_of_prompt('>', "c:\\tmp>"), "cmd.exe");
  EXPECT_EQ(shell_of_prompt('>', "~>"), "fish");
}

TEST(TerminalText, Locales) {
  EXPECT_EQ(bcp47_locale("en_US.UTF-8"), "en-US");
  EXPECT_EQ(bcp47_locale("pt_br.utf8"), "pt-BR");
  EXPECT_EQ(bcp47_locale("de_DE@euro"), "de-DE");
  EXPECT_EQ(bcp47_locale("fr"), "fr");
  EXPECT_EQ(bcp47_locale("ast_ES"), "ast-ES");
  EXPECT_EQ(bcp47_locale("C"), "und");
  EXPECT_EQ(bcp47_locale("C.UTF-8"), "und");
  EXPECT_EQ(bcp47_locale("POSIX"), "und");
  EXPECT_FALSE(bcp47_locale("X"));
  EXPECT_FALSE(bcp47_locale("en_99"));
  EXPECT_FALSE(bcp47_locale("english_US"));
  EXPECT_FALSE(bcp47_locale(""));
  EXPECT_EQ(declared_locale("export LANG='ja_JP.UTF-8'"), "ja-JP");
  EXPECT_EQ(declared_locale("LC_CTYPE=ko_KR\nLANG=C\nLC_ALL=es_ES"), "es-ES");
  EXPECT_FALSE(declared_locale("LANGUAGE=en_US:en"));
}

// ---- keystroke dynamics -----------------------------------------------------------------------

// Times chosen to be exact in binary, so every threshold comparison is unambiguous.
std::vector<RecordedEvent> timed_keys() {
  return {
      {.t = 0.0, .kind = 'i', .data = "l"},      {.t = 0.125, .kind = 'i', .data = "s"},
      {.t = 0.375, .kind = 'i', .data = "\r"},   {.t = 3.0, .kind = 'i', .data = "p"},
      {.t = 3.015625, .kind = 'i', .data = "w"}, {.t = 3.125, .kind = 'i', .data = "d"},
      {.t = 3.5, .kind = 'i', .data = "\x7f"},   {.t = 3.625, .kind = 'i', .data = "\r"},
      {.t = 6.0, .kind = 'i', .data = "\r"},     {.t = 10.0, .kind = 'o', .data = "bye"},
  };
}

TEST(KeystrokeFeatures, TimingOfAKnownSession) {
  const auto f = keystroke_features(timed_keys());
  EXPECT_EQ(f.total_keystrokes, 9u);
  EXPECT_DOUBLE_EQ(f.session_duration, 10.0);
  EXPECT_DOUBLE_EQ(f.iki_mean, 0.75);
  EXPECT_DOUBLE_EQ(f.iki_p50, 0.1875);
  EXPECT_NEAR(f.iki_p95, 2.5375, 1e-12);
  EXPECT_DOUBLE_EQ(f.max_pause_gap, 2.625);
  EXPECT_NEAR(f.iki_stdev, 1.0172163014355649, 1e-12);  // Python statistics.pstdev
  EXPECT_DOUBLE_EQ(f.enter_latency_p50, 0.25);
  EXPECT_NEAR(f.enter_latency_p95, 2.1625, 1e-12);
  EXPECT_NEAR(f.enter_latency_tail, 8.65, 1e-12);
  EXPECT_DOUBLE_EQ(f.burst_ratio, 1.0 / 8.0);
  EXPECT_DOUBLE_EQ(f.think_ratio, 0.2375);
  EXPECT_EQ(f.pauses_burst, 4u);
  EXPECT_EQ(f.pauses_think, 2u);
  EXPECT_EQ(f.pauses_distracted, 2u);
  EXPECT_DOUBLE_EQ(f.start_of_action_latency, (0.125 + 0.015625) / 2.0);
  EXPECT_DOUBLE_EQ(f.backspace_rate, 1.0 / 9.0);
  EXPECT_DOUBLE_EQ(f.tab_rate, 0.0);
}

TEST(KeystrokeFeatures, KeyClassBigramsAndControlKeys) {
  const auto f = keystroke_features(timed_keys());
  ASSERT_EQ(f.top_bigram_classes.size(), 4u);
  const auto& top = f.top_bigram_classes.front();
  EXPECT_EQ(top.first, KeyClass::letter);
  EXPECT_EQ(top.second, KeyClass::letter);
  EXPECT_EQ(top.count, 3u);
  EXPECT_DOUBLE_EQ(top.mean_iat, (0.125 + 0.015625 + 0.109375) / 3.0);

  const auto keys = keystroke_features({{.t = 0, .kind = 'i', .data = "\x1b[A"},
                                        {.t = 1, .kind = 'i', .data = "\x1bOB"},
                                        {.t = 2, .kind = 'i', .data = "\x03"},
                                        {.t = 3, .kind = 'i', .data = "\x04"},
                                        {.t = 4, .kind = 'i', .data = "\x17\x15\t"},
                                        {.t = 5, .kind = 'i', .data = "1"}});
  EXPECT_DOUBLE_EQ(keys.arrow_rate, 2.0 / 6.0);
  EXPECT_DOUBLE_EQ(keys.interrupt_rate, 1.0 / 6.0);
  EXPECT_DOUBLE_EQ(keys.eof_rate, 1.0 / 6.0);
  EXPECT_DOUBLE_EQ(keys.word_kill_rate, 1.0 / 6.0);
  EXPECT_DOUBLE_EQ(keys.line_kill_rate, 1.0 / 6.0);
  EXPECT_DOUBLE_EQ(keys.tab_rate, 1.0 / 6.0);
  // Only ^C then ^D are adjacent single keys; escape sequences and the three-key write break
  // the chain.
  ASSERT_EQ(keys.top_bigram_classes.size(), 1u);
  EXPECT_EQ(keys.top_bigram_classes[0].first, KeyClass::other);
  EXPECT_EQ(keys.top_bigram_classes[0].second, KeyClass::other);
  EXPECT_DOUBLE_EQ(keys.top_bigram_classes[0].mean_iat, 1.0);
}

TEST(KeystrokeFeatures, VectorLayout) {
  const auto f = keystroke_features(timed_keys());
  const auto v = keystroke_vector(f);
  ASSERT_EQ(v.size(), kKeystrokeVectorDim);
  EXPECT_FLOAT_EQ(v[0], std::log1p(0.75F));
  EXPECT_FLOAT_EQ(v[7], 0.125F);                     // burst ratio
  EXPECT_FLOAT_EQ(v[9], 1.0F / 9.0F);                // backspace rate
  EXPECT_FLOAT_EQ(v[16], 0.5F);                      // burst share of pauses
  EXPECT_FLOAT_EQ(v[21], std::log1p(9.0F));          // keystrokes
  EXPECT_FLOAT_EQ(v[23], 0.5F);                      // letter-letter share
  EXPECT_FLOAT_EQ(v[39], std::log1p(0.25F / 3.0F));  // its mean interval
  EXPECT_FLOAT_EQ(v[23 + 1 * 4 + 1], 0.0F);          // no digit-digit pairs

  const auto empty = keystroke_vector(keystroke_features({}));
  ASSERT_EQ(empty.size(), kKeystrokeVectorDim);
  EXPECT_TRUE(std::all_of(empty.begin(), empty.end(), [](float x) { return x == 0.0F; }));

  // Another rhythm lands elsewhere.
  auto slower = timed_keys();
  for (auto& e : slower) e.t *= 2.0;
  const auto w = keystroke_vector(keystroke_features(slower));
  float distance = 0.0F;
  for (std::size_t i = 0; i < v.size(); ++i) distance += (v[i] - w[i]) * (v[i] - w[i]);
  EXPECT_GT(distance, 0.01F);
}

}  // namespace
}  // namespace decnet::identity
