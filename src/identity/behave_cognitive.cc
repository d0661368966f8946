// cognitive.*: how the operator thinks between commands. The pauses between commands (their
// level, spread and dependence on how much output preceded them), how varied and repetitive
// the command words are, and how the operator reacts when a command fails. Pace statistics use
// sample standard deviation, as calibrated.
#include <algorithm>
#include <cmath>
#include <set>

#include "identity/behave_features.h"
#include "identity/behave_statistics.h"

namespace decnet::identity {
namespace {

constexpr double kInstantSeconds = 0.30;
constexpr double kThinkSeconds = 1.50;

double low_sample(const SessionContext& ctx, double full) {
  return ctx.commands.size() < kFullConfidenceCommands ? 0.40 : full;
}

std::size_t distinct_first_words(const SessionContext& ctx) {
  std::set<std::string_view> words;
  for (const auto& c : ctx.commands) words.insert(c.first_token_sha256);
  return words.size();
}

double clip01(double x) {
  return std::clamp(x, 0.0, 1.0);
}

void inter_command_latency_class(const SessionContext& ctx, ObservationList& out) {
  const auto gap = median(ctx.inter_command_iats);
  if (!gap) return;
  const char* value = *gap <= 0.30   ? "instant"
                      : *gap <= 1.50 ? "typing_speed"
                      : *gap <= 2.00 ? "deliberate"
                      : *gap <= 8.00 ? "llm_lightweight"
                      : *gap <= 30.0 ? "llm_heavyweight"
                                     : "long";
  out.add("cognitive.inter_command_latency_class", value, low_sample(ctx, 0.80));
}

void command_branch_diversity(const SessionContext& ctx, ObservationList& out) {
  const std::size_t n = ctx.commands.size();
  if (n == 0) return;
  if (n < kFullConfidenceCommands) {
    out.add("cognitive.command_branch_diversity", "unknown", 1.0);
    return;
  }
  const double ratio = static_cast<double>(distinct_first_words(ctx)) / static_cast<double>(n);
  out.add("cognitive.command_branch_diversity",
          ratio >= 0.70 ? "linear_playbook" : "adaptive_branching", 0.80);
}

void feedback_loop_engagement(const SessionContext& ctx, ObservationList& out) {
  if (ctx.commands.empty()) return;
  const std::size_t pairs = std::min(ctx.output_per_command.size(), ctx.inter_command_iats.size());
  const auto r = ctx.outputs.empty() || pairs < 5
                     ? std::nullopt
                     : pearson(ctx.output_per_command, ctx.inter_command_iats);
  if (!r) {
    out.add("cognitive.feedback_loop_engagement", "unknown", 1.0);
    return;
  }
  out.add("cognitive.feedback_loop_engagement", *r > 0.30 ? "closed_loop" : "fire_and_forget",
          0.75);
}

void inter_command_consistency(const SessionContext& ctx, ObservationList& out) {
  const auto cv = sample_cv(ctx.inter_command_iats);
  if (!cv) return;
  const char* value = *cv < 0.40 ? "metronomic" : *cv >= 1.50 ? "bimodal" : "variable";
  out.add("cognitive.inter_command_consistency", value, low_sample(ctx, 0.75));
}

// The mean of whichever of three loads can be measured: how unevenly commands are typed, how
// many of them fail, and how uneven the pauses between them are.
void cognitive_load(const SessionContext& ctx, ObservationList& out) {
  if (ctx.commands.empty()) return;
  std::vector<double> loads;
  std::vector<double> typing_cvs;
  for (const auto& iats : ctx.intra_command_iats) {
    if (const auto cv = sample_cv(iats)) typing_cvs.push_back(*cv);
  }
  if (const auto chunking = median(std::move(typing_cvs))) loads.push_back(clip01(*chunking));
  const auto errored = std::count_if(ctx.commands.begin(), ctx.commands.end(),
                                     [](const ShellCommand& c) { return c.errored; });
  loads.push_back(static_cast<double>(errored) / static_cast<double>(ctx.commands.size()));
  if (const auto pace = sample_cv(ctx.inter_command_iats)) loads.push_back(clip01(*pace / 1.5));
  const double load = mean(loads);
  const char* value = load < 0.33 ? "low" : load < 0.67 ? "medium" : "high";
  out.add("cognitive.cognitive_load", value, low_sample(ctx, 0.60));
}

void exploration_style(const SessionContext& ctx, ObservationList& out) {
  const std::size_t n = ctx.commands.size();
  if (n == 0) return;
  const double repetition =
      1.0 - static_cast<double>(distinct_first_words(ctx)) / static_cast<double>(n);
  std::set<std::string_view> seen{ctx.commands.front().first_token_sha256};
  std::size_t backtracks = 0;
  for (std::size_t i = 1; i < n; ++i) {
    const std::string_view word = ctx.commands[i].first_token_sha256;
    if (word != ctx.commands[i - 1].first_token_sha256 && seen.count(word) > 0) ++backtracks;
    seen.insert(word);
  }
  const double backtrack_rate =
      n > 1 ? static_cast<double>(backtracks) / static_cast<double>(n - 1) : 0.0;
  const char* value = backtrack_rate >= 0.30 ? "chaotic"
                      : repetition >= 0.50   ? "targeted"
                                             : "methodical";
  out.add("cognitive.exploration_style", value, low_sample(ctx, 0.60));
}

void planning_depth(const SessionContext& ctx, ObservationList& out) {
  const auto& gaps = ctx.inter_command_iats;
  if (gaps.empty()) return;
  const auto n = static_cast<double>(gaps.size());
  const auto deep =
      std::count_if(gaps.begin(), gaps.end(), [](double g) { return g > kThinkSeconds; });
  const auto reactive =
      std::count_if(gaps.begin(), gaps.end(), [](double g) { return g <= kInstantSeconds; });
  const char* value = static_cast<double>(deep) / n >= 0.40       ? "deep"
                      : static_cast<double>(reactive) / n >= 0.50 ? "reactive"
                                                                  : "shallow";
  out.add("cognitive.planning_depth", value, low_sample(ctx, 0.65));
}

void tool_vocabulary(const SessionContext& ctx, ObservationList& out) {
  if (ctx.commands.empty()) return;
  const std::size_t distinct = distinct_first_words(ctx);
  const char* value = distinct <= 3 ? "narrow" : distinct >= 10 ? "broad" : "moderate";
  out.add("cognitive.tool_vocabulary", value, low_sample(ctx, 0.70));
}

std::vector<std::size_t> errored_commands(const SessionContext& ctx) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < ctx.commands.size(); ++i) {
    if (ctx.commands[i].errored) out.push_back(i);
  }
  return out;
}

// What followed each failed command: the same word again, another word, or nothing. The
// reference never emits "modify", which needs the arguments the extractor does not keep.
void retry_tactic(const SessionContext& ctx, ObservationList& out) {
  const auto errored = errored_commands(ctx);
  if (errored.empty()) return;
  std::size_t rerun = 0;
  std::size_t change = 0;
  std::size_t abort = 0;
  for (const std::size_t i : errored) {
    if (i + 1 >= ctx.commands.size()) {
      ++abort;
    } else if (ctx.commands[i + 1].first_token_sha256 == ctx.commands[i].first_token_sha256) {
      ++rerun;
    } else {
      ++change;
    }
  }
  const char* value = rerun >= change && rerun >= abort ? "rerun"
                      : change >= abort                 ? "switch"
                                                        : "abort";
  out.add("cognitive.error_resilience.retry_tactic", value,
          errored.size() < kFullConfidenceCommands ? 0.40 : 0.65);
}

void frustration_typing(const SessionContext& ctx, ObservationList& out) {
  std::vector<double> after_error;
  std::vector<double> after_success;
  for (std::size_t i = 1; i < ctx.commands.size(); ++i) {
    const auto typing = median(ctx.intra_command_iats[i]);
    if (!typing) continue;
    (ctx.commands[i - 1].errored ? after_error : after_success).push_back(*typing);
  }
  const std::size_t post_error = after_error.size();
  const auto e = median(std::move(after_error));
  const auto s = median(std::move(after_success));
  if (!e || !s || *s <= 0.0) return;
  const double delta = std::fabs(*e - *s) / *s;
  const char* value = delta < 0.10 ? "low" : delta < 0.30 ? "moderate" : "high";
  out.add("cognitive.error_resilience.frustration_typing", value,
          post_error < kFullConfidenceCommands ? 0.40 : 0.60);
}

void fallback_to_man(const SessionContext& ctx, ObservationList& out) {
  static const CommandWords kHelp{"man", "help", "info"};
  const auto errored = errored_commands(ctx);
  if (errored.empty()) return;
  const bool present = std::any_of(errored.begin(), errored.end(), [&](std::size_t i) {
    return i + 1 < ctx.commands.size() && kHelp.contains(ctx.commands[i + 1].first_token_sha256);
  });
  out.add("cognitive.error_resilience.fallback_to_man", present ? "present" : "absent",
          errored.size() < kFullConfidenceCommands ? 0.40 : 0.65);
}

}  // namespace

void add_cognitive_observations(const SessionContext& ctx, ObservationList& out) {
  inter_command_latency_class(ctx, out);
  command_branch_diversity(ctx, out);
  feedback_loop_engagement(ctx, out);
  inter_command_consistency(ctx, out);
  cognitive_load(ctx, out);
  exploration_style(ctx, out);
  planning_depth(ctx, out);
  tool_vocabulary(ctx, out);
  retry_tactic(ctx, out);
  frustration_typing(ctx, out);
  fallback_to_man(ctx, out);
}

}  // namespace decnet::identity
