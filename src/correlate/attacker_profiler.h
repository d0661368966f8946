// The profiler: turns committed events into what each attacker does — its sessions, its
// behaviour class and timing, the kill-chain phases it reached, the tools it gives away, and one
// score with the reasons for it. It runs incrementally on the ingest pipeline's thread, fed each
// batch once the batch is committed, and answers with the rows to write and the events to
// publish once they are written (ProfileUpdate). Nothing here touches the database.
//
// Per-attacker state is bounded: at most max_profiles attackers are held (the least recently
// active is written out and dropped), and an attacker that comes back is resumed from its stored
// row (store::AttackerBehaviour::state), so its figures cover its whole life, not just what
// followed a restart or an eviction.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "correlate/behaviour_profile.h"
#include "correlate/profile_event.h"
#include "correlate/session_tracker.h"
#include "store/behaviour_repository.h"
#include "store/observation_repository.h"

namespace decnet::correlate {

struct ProfilerOptions {
  SessionTrackerOptions sessions;
  std::vector<int> score_thresholds = {30, 60, 85};  // attacker.scored when a score crosses one
  std::size_t max_profiles = 250'000;
  // An attacker's events are judged (class, score) at most this often.
  std::int64_t judge_interval_us = 1'000'000;
  // A profile that moved without news (a new class, or a score past a threshold) is written at
  // most this often.
  std::int64_t refresh_interval_us = 60'000'000;
  // A new attacker's first verdict is written once it has been seen this long, or at once when
  // its score crosses a threshold before.
  std::int64_t first_verdict_after_us = 5'000'000;
};

// The score of an attacker crossed a threshold.
struct ScoreCrossing {
  std::string attacker_ip;
  std::int64_t old_score = 0;
  std::int64_t new_score = 0;
  int threshold = 0;
  bool upward = true;
  std::string behavior_class;
  std::vector<std::string> reasons;
};

// A BEHAVE observation of a recorded session, for the attacker of `attacker_ip`.
struct SessionObservation {
  std::string attacker_ip;
  store::Observation observation;  // attacker_uuid filled when written
};

// A vector of an attacker (kinds: keystroke, timing, cmd_ngram, and its fingerprints ja3, hassh,
// jarm), stored under the attacker's uuid once its rows are written.
struct AttackerVector {
  std::string attacker_ip;
  std::string kind;
  std::vector<float> vector;
};

// The timing profile as a vector (kind "timing"): log1p of event count, duration, mean,
// stdev, min and max inter-arrival time, the coefficient of variation (at most 10) and log1p
// of the services touched; absent figures are 0.
inline constexpr std::size_t kTimingVectorDim = 8;
std::vector<float> timing_vector(const BehaviourVerdict& verdict);

// An attacker's latest commands, as its row lists them (JSON text).
struct AttackerCommands {
  std::string attacker_ip;
  std::string commands_json;
};

struct ProfileUpdate {
  SessionChanges sessions;
  std::vector<store::AttackerBehaviour> behaviours;  // rows to write
  std::vector<ScoreCrossing> scored;
  std::vector<SessionObservation> observations;
  std::vector<AttackerVector> vectors;
  std::vector<AttackerCommands> commands;
  bool empty() const {
    return sessions.empty() && behaviours.empty() && scored.empty() && observations.empty() &&
           vectors.empty() && commands.empty();
  }
};

class AttackerProfiles;

class AttackerProfiler {
 public:
  explicit AttackerProfiler(ProfilerOptions options = {});
  ~AttackerProfiler();

  // Resumes the sessions that were open at the last stop.
  void resume_sessions(std::vector<store::Session> open, std::int64_t now_received);
  void resume_profiles(const std::vector<store::AttackerBehaviour>& stored);
  // The stored rows of addresses whose profile is not held in memory (evicted, or from before a
  // restart), so that their profiles resume rather than start again.
  using StoredProfiles =
      std::function<std::vector<store::AttackerBehaviour>(const std::vector<std::string>& ips)>;
  void observe(const std::vector<ProfileEvent>& events, std::int64_t now_received,
               ProfileUpdate& update, const StoredProfiles& stored = {});
  // Time passing without events: silences end sessions, drifted profiles are written.
  void tick(std::int64_t now_received, ProfileUpdate& update);
  // Judges every attacker with events since its last verdict now (flush).
  void settle(std::int64_t now_received, ProfileUpdate& update);
  // Everything held that the database does not have yet (at shutdown).
  void flush_all(std::int64_t now_received, ProfileUpdate& update);

  std::size_t open_sessions() const { return sessions_.open_count(); }
  std::size_t profiles() const;

 private:
  void judge(const std::string& ip, std::int64_t now, bool write, ProfileUpdate& update);
  void judge_due(std::int64_t now, ProfileUpdate& update);
  // The commands of the sessions that ended since `first_ended` go onto their attackers' rows.
  void note_commands(std::size_t first_ended, ProfileUpdate& update);
  // A fingerprint of the attacker's software becomes its vector of that kind.
  void note_fingerprint(const ProfileEvent& event, ProfileUpdate& update);

  ProfilerOptions options_;
  SessionTracker sessions_;
  std::unique_ptr<AttackerProfiles> profiles_;
};

}  // namespace decnet::correlate
