// motor.*: how the keys are pressed. Paste ratio, typing cadence and its stability, how
// mistakes are corrected, how fluently a command line is typed, readline fluency, and the
// digraph SimHash. Typing statistics use population standard deviation, as calibrated.
#include <algorithm>

#include "identity/behave_features.h"
#include "identity/behave_statistics.h"
#include "identity/digraph_simhash.h"

namespace decnet::identity {
namespace {

constexpr std::size_t kMinInputsForCadence = 5;
constexpr double kMachineMaxIkiSeconds = 0.005;
constexpr double kMachineMaxCv = 0.05;
constexpr double kSteadyMaxCv = 0.50;
constexpr double kBurstyMaxCv = 1.50;
constexpr double kTremorFloorSeconds = 0.030;
constexpr double kTremorMinRate = 0.10;
constexpr double kImmediateCorrectionSeconds = 0.5;

double paste_ratio(const SessionContext& ctx) {
  return static_cast<double>(ctx.paste_events) / static_cast<double>(ctx.inputs.size());
}

std::vector<double> flattened(const std::vector<std::vector<double>>& bursts) {
  std::vector<double> all;
  for (const auto& burst : bursts) all.insert(all.end(), burst.begin(), burst.end());
  return all;
}

// The median over typing bursts of each burst's coefficient of variation.
std::optional<double> median_burst_cv(const SessionContext& ctx) {
  std::vector<double> cvs;
  for (const auto& burst : ctx.typing_bursts) {
    if (const auto cv = population_cv(burst)) cvs.push_back(*cv);
  }
  return median(std::move(cvs));
}

void input_modality(const SessionContext& ctx, ObservationList& out) {
  if (ctx.inputs.empty()) return;
  const double r = paste_ratio(ctx);
  if (r >= 0.40) {
    out.add("motor.input_modality", "pasted", 0.75);
  } else if (r <= 0.05) {
    out.add("motor.input_modality", "typed", 0.75);
  } else {
    out.add("motor.input_modality", "mixed", 0.70);
  }
}

void paste_burst_rate(const SessionContext& ctx, ObservationList& out) {
  if (ctx.inputs.empty()) return;
  const double r = paste_ratio(ctx);
  if (r >= 0.50) {
    out.add("motor.paste_burst_rate", "habitual", 0.80);
  } else if (r >= 0.10) {
    out.add("motor.paste_burst_rate", "occasional", 0.70);
  } else {
    out.add("motor.paste_burst_rate", "none", 0.70);
  }
}

void keystroke_cadence(const SessionContext& ctx, ObservationList& out) {
  if (ctx.inputs.size() < kMinInputsForCadence || ctx.typing_bursts.empty()) return;
  const auto cv = median_burst_cv(ctx);
  if (!cv) return;
  const double mean_iki = mean(flattened(ctx.typing_bursts));
  if (mean_iki < kMachineMaxIkiSeconds && *cv < kMachineMaxCv) {
    out.add("motor.keystroke_cadence", "machine", 0.85);
  } else if (*cv < kSteadyMaxCv) {
    out.add("motor.keystroke_cadence", "steady", 0.70);
  } else if (*cv < kBurstyMaxCv) {
    out.add("motor.keystroke_cadence", "bursty", 0.65);
  } else {
    out.add("motor.keystroke_cadence", "hunt_and_peck", 0.60);
  }
}

void digraph_simhash(const SessionContext& ctx, ObservationList& out) {
  if (const auto signature = digraph_signature(ctx.inputs)) {
    out.add("motor.digraph_simhash", simhash_hex(signature->hash), signature->confidence);
  }
}

void motor_stability(const SessionContext& ctx, ObservationList& out) {
  const auto flat = flattened(ctx.typing_bursts);
  if (flat.size() < 5) return;
  const auto fast =
      std::count_if(flat.begin(), flat.end(), [](double iat) { return iat < kTremorFloorSeconds; });
  if (static_cast<double>(fast) / static_cast<double>(flat.size()) >= kTremorMinRate) {
    out.add("motor.motor_stability", "tremor", 0.65);
  } else if (median_burst_cv(ctx).value_or(0.0) < kSteadyMaxCv) {
    out.add("motor.motor_stability", "steady", 0.70);
  } else {
    out.add("motor.motor_stability", "variable", 0.60);
  }
}

void error_correction(const SessionContext& ctx, ObservationList& out) {
  if (ctx.inputs.size() < 3) return;
  if (ctx.backspaces == 0) {
    if (ctx.line_kills > 0) {
      out.add("motor.error_correction", "route_around", 0.55);
    } else {
      out.add("motor.error_correction", "absent", 0.65);
    }
    return;
  }
  // Backspaces before anything else was typed corrected nothing that can be timed.
  const auto delay = median(ctx.backspace_iats);
  if (!delay) return;
  if (*delay <= kImmediateCorrectionSeconds) {
    out.add("motor.error_correction", "immediate", 0.65);
  } else {
    out.add("motor.error_correction", "deferred", 0.55);
  }
}

void command_chunking(const SessionContext& ctx, ObservationList& out) {
  if (ctx.commands.empty()) return;
  if (ctx.commands.size() == 1) {
    out.add("motor.command_chunking", "single_command", 0.80);
    return;
  }
  std::vector<double> cvs;
  for (const auto& iats : ctx.intra_command_iats) {
    if (iats.size() < 3) continue;
    if (const auto cv = population_cv(iats)) cvs.push_back(*cv);
  }
  const auto cv = median(std::move(cvs));
  if (!cv) return;
  if (*cv < kSteadyMaxCv) {
    out.add("motor.command_chunking", "fluent", 0.65);
  } else {
    out.add("motor.command_chunking", "fragmented", 0.60);
  }
}

double shell_mastery_confidence(const SessionContext& ctx, bool near_boundary, double full) {
  if (ctx.commands.size() < kFullConfidenceCommands) return 0.40;
  return near_boundary ? 0.55 : full;
}

void tab_completion(const SessionContext& ctx, ObservationList& out) {
  if (ctx.commands.empty()) return;
  const auto with_tab = std::count_if(ctx.commands.begin(), ctx.commands.end(),
                                      [](const ShellCommand& c) { return c.tabs > 0; });
  const double r = static_cast<double>(with_tab) / static_cast<double>(ctx.commands.size());
  const char* value = r == 0.0 ? "none" : r < 0.5 ? "occasional" : "habitual";
  out.add("motor.shell_mastery.tab_completion", value,
          shell_mastery_confidence(ctx, near_edge(r, {0.30, 0.50}), 0.75));
}

void shortcut_usage(const SessionContext& ctx, ObservationList& out) {
  if (ctx.commands.empty()) return;
  double shortcuts = 0.0;
  for (const auto& c : ctx.commands) shortcuts += c.shortcuts;
  const double rate = shortcuts / static_cast<double>(ctx.commands.size());
  const char* value = rate < 0.05 ? "none" : rate < 0.30 ? "moderate" : "heavy";
  out.add("motor.shell_mastery.shortcut_usage", value,
          shell_mastery_confidence(ctx, near_edge(rate, {0.05, 0.30}), 0.65));
}

void pipe_chaining_depth(const SessionContext& ctx, ObservationList& out) {
  if (ctx.commands.empty()) return;
  std::vector<double> pipes;
  for (const auto& c : ctx.commands) pipes.push_back(c.pipes);
  const double depth = *median(std::move(pipes));
  const char* value = depth >= 3.0 ? "deep" : depth >= 2.0 ? "moderate" : "shallow";
  out.add("motor.shell_mastery.pipe_chaining_depth", value,
          shell_mastery_confidence(ctx, near_edge(depth, {2.0, 3.0}), 0.70));
}

}  // namespace

void add_motor_observations(const SessionContext& ctx, ObservationList& out) {
  input_modality(ctx, out);
  paste_burst_rate(ctx, out);
  keystroke_cadence(ctx, out);
  digraph_simhash(ctx, out);
  motor_stability(ctx, out);
  error_correction(ctx, out);
  command_chunking(ctx, out);
  tab_completion(ctx, out);
  shortcut_usage(ctx, out);
  pipe_chaining_depth(ctx, out);
}

}  // namespace decnet::identity
