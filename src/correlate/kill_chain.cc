#include "correlate/kill_chain.h"

#include <algorithm>
#include <cmath>

namespace decnet::correlate {
namespace {

// The reference's phase-sequence sets. They differ from the phases reached below: a login
// attempt still counts as reconnaissance for recon_end, and a command as exfiltration for
// exfil_start.
constexpr std::string_view kSequenceReconTypes[] = {
    "scan", "connection", "banner", "probe", "login_attempt", "auth", "auth_failure",
};
constexpr std::string_view kSequenceExfilTypes[] = {
    "download", "upload", "file_transfer", "data_exfil", "command", "exec", "query", "shell_input",
};

constexpr std::string_view kCredentialAccessTypes[] = {
    "login_attempt", "auth", "auth_attempt", "auth_failure", "auth_response", "bind",
};
constexpr std::string_view kExecutionTypes[] = {
    "command", "exec", "query",     "shell_input",   "input",
    "execute", "run",  "sql_query", "redis_command",
};
constexpr std::string_view kExfiltrationTypes[] = {
    "download",         "upload", "file_transfer", "data_exfil",
    "download_attempt", "retr",   "file_captured",
};

template <std::size_t N>
bool listed(const std::string_view (&types)[N], std::string_view type) {
  return std::find(std::begin(types), std::end(types), type) != std::end(types);
}

double round_to_thousandths(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

}  // namespace

std::string_view to_string(KillChainPhase phase) {
  switch (phase) {
    case KillChainPhase::reconnaissance:
      return "reconnaissance";
    case KillChainPhase::credential_access:
      return "credential_access";
    case KillChainPhase::execution:
      return "execution";
    case KillChainPhase::exfiltration:
      return "exfiltration";
    case KillChainPhase::command_and_control:
      return "command_and_control";
  }
  return "reconnaissance";
}

KillChainPhase phase_of_event_type(std::string_view event_type) {
  if (listed(kCredentialAccessTypes, event_type)) return KillChainPhase::credential_access;
  if (listed(kExecutionTypes, event_type)) return KillChainPhase::execution;
  if (listed(kExfiltrationTypes, event_type)) return KillChainPhase::exfiltration;
  return KillChainPhase::reconnaissance;
}

KillChain::KillChain(const KillChainSummary& saved)
    : recon_end_us_(saved.recon_end_us),
      exfil_start_us_(saved.exfil_start_us),
      large_payload_count_(std::max<std::int64_t>(saved.large_payload_count, 0)) {
  for (const auto& p : saved.phases) {
    if (static_cast<std::size_t>(p.phase) < kKillChainPhaseCount) reach(p.phase, p.first_ts_us);
  }
}

KillChainPhase KillChain::add(std::int64_t ts_us, std::string_view event_type,
                              std::int64_t payload_bytes) {
  if (listed(kSequenceReconTypes, event_type)) {
    recon_end_us_ = std::max(recon_end_us_.value_or(ts_us), ts_us);
  } else if (listed(kSequenceExfilTypes, event_type)) {
    exfil_start_us_ = std::min(exfil_start_us_.value_or(ts_us), ts_us);
  }
  if (payload_bytes >= kLargePayloadBytes) ++large_payload_count_;
  const auto phase = phase_of_event_type(event_type);
  reach(phase, ts_us);
  return phase;
}

void KillChain::reach(KillChainPhase phase, std::int64_t ts_us) {
  auto& first = first_reached_us_[static_cast<std::size_t>(phase)];
  first = std::min(first.value_or(ts_us), ts_us);
}

bool KillChain::reached(KillChainPhase phase) const {
  return first_reached_us_[static_cast<std::size_t>(phase)].has_value();
}

KillChainSummary KillChain::summary() const {
  KillChainSummary s;
  s.recon_end_us = recon_end_us_;
  s.exfil_start_us = exfil_start_us_;
  if (recon_end_us_ && exfil_start_us_ && *exfil_start_us_ >= *recon_end_us_) {
    s.exfil_latency_s =
        round_to_thousandths(static_cast<double>(*exfil_start_us_ - *recon_end_us_) / 1e6);
  }
  s.large_payload_count = large_payload_count_;
  for (std::size_t i = 0; i < kKillChainPhaseCount; ++i) {
    if (first_reached_us_[i]) {
      s.phases.push_back({static_cast<KillChainPhase>(i), *first_reached_us_[i]});
    }
  }
  std::stable_sort(
      s.phases.begin(), s.phases.end(),
      [](const PhaseReached& a, const PhaseReached& b) { return a.first_ts_us < b.first_ts_us; });
  return s;
}

}  // namespace decnet::correlate
