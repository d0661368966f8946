// What an attacker's events say about how it works: its behaviour class, timing, kill-chain
// phases reached, tools recognised, and one score with the reasons for it. One row per attacker,
// written by the profiler when its verdict changes (and now and then as its timing drifts), so a
// flood of events costs a row write per attacker per interval, not per event. `state` is the
// profiler's own running figures, so a restart carries on instead of starting the profile again
// from the events that follow it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/write_scope.h"

namespace decnet::store {

struct AttackerBehaviour {
  std::string attacker_uuid;  // filled when read
  std::string attacker_ip;
  std::string behavior_class = "unknown";
  std::int64_t score = 0;
  std::string reasons = "[]";  // JSON array of strings
  std::string timing = "{}";   // JSON object: event_count, duration_s, mean/stdev/min/max IAT, cv
  std::optional<double> beacon_interval_s;
  std::optional<double> beacon_jitter_pct;
  std::string phases = "[]";  // JSON array of {phase, first_at}
  std::string tools = "[]";   // JSON array of tool names
  std::string state = "{}";   // the profiler's running figures (JSON)
  std::int64_t updated_at = 0;
  // Read only, from the attacker's row: its latest commands (attackers.commands), which the
  // profiler resumes with its figures and does not store twice.
  std::string commands = "[]";
};

class BehaviourRepository {
 public:
  virtual ~BehaviourRepository() = default;

  // Writes the row of attacker `attacker_id` (attackers.id).
  virtual void upsert_behaviour(WriteScope& scope, std::int64_t attacker_id,
                                const AttackerBehaviour& behaviour) = 0;
  virtual std::optional<AttackerBehaviour> get_behaviour(const std::string& attacker_uuid) = 0;
  // The stored rows of these addresses (those that have one), for resuming their profiles.
  virtual std::vector<AttackerBehaviour> behaviours_of(const std::vector<std::string>& ips) = 0;
};

}  // namespace decnet::store
