// BEHAVE observations and the attribution state derived from them. An observation is one
// primitive's value for one attacker session, keyed by (evidence_ref, primitive) so re-running
// the extractor over the same session rewrites rather than duplicates. Attribution state is a
// per-(identity, primitive) cache of the mergers' verdict, re-derivable from observations.
//
// Observation and window timestamps are BEHAVE's float epoch seconds, not microseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/write_scope.h"

namespace decnet::store {

struct Observation {
  std::string id;  // 32 hex digits; empty on upsert mints one
  std::optional<std::string> identity_ref;
  std::string primitive;  // dotted path, e.g. motor.input_modality
  std::string value;      // JSON text: string, number, bool, array or object
  double confidence = 0;  // [0, 1]
  std::optional<double> window_start_ts;
  std::optional<double> window_end_ts;
  std::string source;
  std::string evidence_ref;  // shard:{decky}/{service}/{shard}#{sid}
  std::int64_t envelope_v = 1;
  double ts = 0;
  std::string attacker_uuid;
};

// The newest observation of one primitive for an attacker.
struct LatestObservation {
  std::string primitive;
  std::string value;
  double confidence = 0;
  double ts = 0;
  std::string source;
};

struct ObservationPoint {
  double ts = 0;
  std::string value;
  double confidence = 0;
};

class ObservationRepository {
 public:
  virtual ~ObservationRepository() = default;

  // Inserts, or on (evidence_ref, primitive) overwrites every other column but id. Returns the
  // row's id. A value that is not JSON, a confidence outside [0, 1] or an empty primitive or
  // evidence_ref is kInvalid; an unknown attacker or an id another row uses is kConstraint.
  virtual std::string upsert_observation(WriteScope& scope, const Observation& observation) = 0;

  // Per primitive the observation with the greatest ts (ties: higher confidence, then greater
  // id), sorted by primitive.
  virtual std::vector<LatestObservation> latest_observation_per_primitive(
      const std::string& attacker_uuid) = 0;
  // Oldest first.
  virtual std::vector<ObservationPoint> observations_time_series(const std::string& attacker_uuid,
                                                                 const std::string& primitive) = 0;
  // Oldest first, over the identity's attackers: those on it or on an identity merged into it
  // (the reference read the literal ones only, so a merge hid the losers' observations).
  virtual std::vector<ObservationPoint> observations_for_identity_primitive(
      const std::string& identity_uuid, const std::string& primitive) = 0;
  virtual bool has_observations_for_evidence(const std::string& evidence_ref) = 0;
  // Full rows ordered by window end (rows without a window first), then ts.
  virtual std::vector<Observation> list_observations_by_attacker(
      const std::string& attacker_uuid) = 0;
  virtual std::vector<Observation> get_all_observations_for_export() = 0;
};

// The frozen state vocabulary of attribution_state.state.
inline constexpr std::string_view kAttributionUnknown = "unknown";
inline constexpr std::string_view kAttributionStable = "stable";
inline constexpr std::string_view kAttributionDrifting = "drifting";
inline constexpr std::string_view kAttributionConflicted = "conflicted";
inline constexpr std::string_view kAttributionMultiActor = "multi_actor";

struct AttributionState {
  std::string identity_uuid;
  std::string primitive;
  std::optional<std::string> current_value;  // JSON text
  std::string state = std::string(kAttributionUnknown);
  double confidence = 0;
  std::int64_t observation_count = 0;
  std::optional<double> last_change_ts;
  std::optional<double> last_observation_ts;
  std::int64_t schema_version = 1;
  std::int64_t updated_at = 0;  // set by the store, microseconds UTC
};

struct MultiActorIdentity {
  std::string identity_uuid;
  std::vector<std::string> primitives;  // sorted
};

class AttributionRepository {
 public:
  virtual ~AttributionRepository() = default;

  // The attacker's identity_id, or a new 1:1 identity (dashed uuid4, the attacker's first and
  // last seen, observation_count 1) linked to it. nullopt when the attacker does not exist.
  virtual std::optional<std::string> ensure_stub_identity_for_attacker(
      WriteScope& scope, const std::string& attacker_uuid) = 0;
  // Inserts or overwrites the (identity_uuid, primitive) row. A state outside the vocabulary or
  // an unknown identity is kConstraint; a current_value that is not JSON is kInvalid.
  virtual void upsert_attribution_state(WriteScope& scope, const AttributionState& state) = 0;

  virtual std::optional<AttributionState> get_attribution_state(const std::string& identity_uuid,
                                                                const std::string& primitive) = 0;
  // Sorted by primitive.
  virtual std::vector<AttributionState> get_attribution_state_for_identity(
      const std::string& identity_uuid) = 0;
  // Identities with at least min_primitives primitives in state multi_actor, by uuid.
  virtual std::vector<MultiActorIdentity> list_multi_actor_identities(
      std::int64_t min_primitives = 2) = 0;
};

}  // namespace decnet::store
