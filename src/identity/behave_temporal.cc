// temporal.*: the shape of one session in time. Its length, whether commands come steadily
// or in bursts, whether it opens with the usual "where am I" survey, and how it ends. The
// cross-session temporal primitives (session timing, persistence, idle periodicity) need
// history and are not extracted here.
#include <algorithm>
#include <cmath>

#include "identity/behave_features.h"
#include "identity/behave_statistics.h"

namespace decnet::identity {
namespace {

constexpr double kMinEscalationWindowSeconds = 10.0;
constexpr double kEscalationWindows = 10.0;
constexpr std::size_t kLandingRitualCommands = 5;

void session_duration(const SessionContext& ctx, ObservationList& out) {
  if (ctx.duration <= 0.0 && ctx.commands.empty()) return;
  const double d = ctx.duration;
  const char* value = d < 60.0 ? "short" : d < 600.0 ? "medium" : d < 3600.0 ? "long" : "marathon";
  out.add("temporal.session_duration", value, 0.85);
}

// Commands counted per tenth of the session (windows of at least ten seconds): many empty
// windows and a high spread mean bursts, a low spread a sustained pace.
void escalation_pattern(const SessionContext& ctx, ObservationList& out) {
  const std::size_t n = ctx.commands.size();
  if (n == 0 || ctx.duration <= 0.0) return;
  const double width = std::max(kMinEscalationWindowSeconds, ctx.duration / kEscalationWindows);
  const auto windows = static_cast<std::size_t>(std::max(1.0, std::ceil(ctx.duration / width)));
  std::vector<double> counts(windows, 0.0);
  for (const auto& cmd : ctx.commands) {
    const double slot =
        std::clamp((cmd.start - ctx.t_start) / width, 0.0, static_cast<double>(windows - 1));
    counts[static_cast<std::size_t>(slot)] += 1.0;
  }
  const double cv = sample_cv(counts).value_or(0.0);
  const double zero_share = static_cast<double>(std::count(counts.begin(), counts.end(), 0.0)) /
                            static_cast<double>(windows);
  const char* value = zero_share >= 0.30 && cv >= 1.0 ? "bursty"
                      : cv < 0.5                      ? "sustained"
                                                      : "erratic";
  out.add("temporal.escalation_pattern", value,
          windows < 5 || n < kFullConfidenceCommands ? 0.40 : 0.60);
}

void landing_ritual(const SessionContext& ctx, ObservationList& out) {
  static const CommandWords kSurvey{"uname", "id", "whoami", "pwd", "hostname", "w", "who"};
  const std::size_t n = ctx.commands.size();
  if (n == 0) return;
  const auto head =
      ctx.commands.begin() + static_cast<std::ptrdiff_t>(std::min(n, kLandingRitualCommands));
  const auto hits = std::count_if(ctx.commands.begin(), head, [](const ShellCommand& c) {
    return kSurvey.contains(c.first_token_sha256);
  });
  out.add("temporal.lifecycle_markers.landing_ritual", hits >= 2 ? "present" : "absent",
          n < 3 ? 0.40 : 0.65);
}

// In the reference's order: no prompt after the last command means the connection dropped,
// whatever that command was; an exit word after which a prompt still came (a nested shell)
// is graceful.
void exit_behavior(const SessionContext& ctx, ObservationList& out) {
  static const CommandWords kExit{"exit", "logout", "quit", "logoff"};
  const auto& cmds = ctx.commands;
  if (cmds.empty()) return;
  const auto& last = cmds.back();
  if (!last.followed_by_prompt) {
    out.add("temporal.lifecycle_markers.exit_behavior", "abrupt", 0.45);
    return;
  }
  const auto tail = cmds.end() - static_cast<std::ptrdiff_t>(std::min<std::size_t>(cmds.size(), 3));
  const bool cleanup = std::any_of(tail, cmds.end(), [](const ShellCommand& c) {
    return cleanup_words().contains(c.first_token_sha256);
  });
  const char* value = kExit.contains(last.first_token_sha256) ? "graceful"
                      : cleanup                               ? "cleanup"
                                                              : "graceful";
  out.add("temporal.lifecycle_markers.exit_behavior", value, 0.65);
}

}  // namespace

void add_temporal_observations(const SessionContext& ctx, ObservationList& out) {
  session_duration(ctx, out);
  escalation_pattern(ctx, out);
  landing_ritual(ctx, out);
  exit_behavior(ctx, out);
}

}  // namespace decnet::identity
