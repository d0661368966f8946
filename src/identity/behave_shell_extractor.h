// BEHAVE-SHELL: one recorded terminal session turned into BEHAVE observations, each a primitive
// (a dotted name such as "motor.input_modality"), a value, a confidence in [0, 1] and the
// session-relative window it describes. The 38 per-session primitives describe how the operator
// types, thinks, paces and cleans up, without ever carrying what they typed: commands survive
// only as the SHA-256 of their first word, inside the extractor, and every emitted value is
// one of a fixed vocabulary, a locale tag or the digraph SimHash. A primitive the session gives
// no honest evidence for is not emitted at all.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "identity/shell_recording.h"

namespace decnet::identity {

struct BehaveObservation {
  std::string primitive;
  nlohmann::json value;  // a string for every BEHAVE-SHELL primitive
  double confidence = 0.0;
  double window_start = 0.0;  // seconds since the session began, like RecordedEvent::t
  double window_end = 0.0;
};

// BEHAVE's value kinds: how observations of a primitive are compared and aggregated.
enum class BehaveValueKind { categorical, boolean, free_string, array, numeric, hash };

// Every primitive the extractor can emit, in the order it emits them.
inline constexpr std::array<std::string_view, 38> kBehaveShellPrimitives = {
    "motor.input_modality",
    "motor.paste_burst_rate",
    "motor.keystroke_cadence",
    "motor.digraph_simhash",
    "motor.motor_stability",
    "motor.error_correction",
    "motor.command_chunking",
    "motor.shell_mastery.tab_completion",
    "motor.shell_mastery.shortcut_usage",
    "motor.shell_mastery.pipe_chaining_depth",
    "cognitive.inter_command_latency_class",
    "cognitive.command_branch_diversity",
    "cognitive.feedback_loop_engagement",
    "cognitive.inter_command_consistency",
    "cognitive.cognitive_load",
    "cognitive.exploration_style",
    "cognitive.planning_depth",
    "cognitive.tool_vocabulary",
    "cognitive.error_resilience.retry_tactic",
    "cognitive.error_resilience.frustration_typing",
    "cognitive.error_resilience.fallback_to_man",
    "temporal.session_duration",
    "temporal.escalation_pattern",
    "temporal.lifecycle_markers.landing_ritual",
    "temporal.lifecycle_markers.exit_behavior",
    "environmental.shell_type",
    "environmental.terminal_multiplexer",
    "environmental.locale",
    "environmental.keyboard_layout",
    "environmental.numpad_usage",
    "operational.objective",
    "operational.opsec_discipline",
    "operational.cleanup_behavior",
    "operational.multi_actor_indicators",
    "emotional_valence.valence",
    "emotional_valence.arousal",
    "emotional_valence.stress_response",
    "emotional_valence.frustration_venting",
};

// hash for motor.digraph_simhash, free_string for environmental.locale, categorical otherwise.
BehaveValueKind behave_value_kind(std::string_view primitive);

// The observations of one session, in kBehaveShellPrimitives order, at most one per
// primitive. `events` are one session's input and output events (as parse_shard() returns
// them); events whose time is not plausible_event_time() are ignored. Every observation's
// window is [first event time, last event time].
std::vector<BehaveObservation> extract_session(const std::vector<RecordedEvent>& events);

// Where an observation's evidence lives, the idempotency key of stored observations:
// "shard:{decky}/{service}/{shard_basename}#{sid}".
std::string shard_evidence_ref(std::string_view decky, std::string_view service,
                               std::string_view shard_basename, std::string_view sid);
// The reference used when no shard is known: "session:{sid}".
std::string session_evidence_ref(std::string_view sid);

}  // namespace decnet::identity
