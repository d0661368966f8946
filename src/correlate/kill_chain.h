// How far along the kill chain one attacker has gone, kept up to date one event at a time.
//
// Two views are kept. The first is the reference's phase sequence: recon_end (the last
// reconnaissance-type event), exfil_start (the first exfiltration-type event), the latency
// between them when it is not negative, and how many events carried a payload of 1 MiB or more.
// The second is the list of phases reached, each with the earliest time it was seen:
// reconnaissance, credential access, execution, collection/exfiltration and command and control
// (which no event type implies; the behaviour profile marks it when the timing turns to beaconing).
//
// Both are exact whatever order the events arrive in: they only need minima and maxima.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace decnet::correlate {

enum class KillChainPhase : std::uint8_t {
  reconnaissance,
  credential_access,
  execution,
  exfiltration,  // collection and exfiltration alike: files taken, dropped or captured
  command_and_control,
};
inline constexpr std::size_t kKillChainPhaseCount = 5;

std::string_view to_string(KillChainPhase phase);

// The phase an event of this type shows. Types the kill chain does not list (scan, connection,
// banner, probe, request, ...) are reconnaissance; none is command_and_control.
KillChainPhase phase_of_event_type(std::string_view event_type);

// A payload at least this large counts towards large_payload_count.
inline constexpr std::int64_t kLargePayloadBytes = 1'048'576;

struct PhaseReached {
  KillChainPhase phase = KillChainPhase::reconnaissance;
  std::int64_t first_ts_us = 0;

  bool operator==(const PhaseReached&) const = default;
};

struct KillChainSummary {
  std::optional<std::int64_t> recon_end_us;
  std::optional<std::int64_t> exfil_start_us;
  std::optional<double> exfil_latency_s;  // exfil_start - recon_end, 3 decimals, only if >= 0
  std::int64_t large_payload_count = 0;
  // In the order they were reached; phases reached at the same instant in kill-chain order.
  std::vector<PhaseReached> phases;
};

class KillChain {
 public:
  KillChain() = default;
  // Resumes from an earlier summary(), which holds the whole state.
  explicit KillChain(const KillChainSummary& saved);

  // `payload_bytes` is -1 when the event carries no size. Returns the phase the event shows.
  KillChainPhase add(std::int64_t ts_us, std::string_view event_type, std::int64_t payload_bytes);
  // Records a phase seen other than through an event type; an earlier time replaces a later one.
  void reach(KillChainPhase phase, std::int64_t ts_us);

  bool reached(KillChainPhase phase) const;
  KillChainSummary summary() const;

 private:
  std::optional<std::int64_t> recon_end_us_;
  std::optional<std::int64_t> exfil_start_us_;
  std::int64_t large_payload_count_ = 0;
  std::array<std::optional<std::int64_t>, kKillChainPhaseCount> first_reached_us_;
};

}  // namespace decnet::correlate
