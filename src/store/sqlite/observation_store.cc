// observations and attribution_state on SQLite. The observation upsert is one statement on the
// (evidence_ref, primitive) key, so two workers profiling the same session cannot race into a
// constraint error the way the reference's select-then-insert could; "latest per primitive"
// breaks ts ties by confidence and id, so the answer never depends on row order.
#include <nlohmann/json.hpp>

#include "core/time.h"
#include "core/uuid.h"
#include "store/observation_repository.h"
#include "store/sqlite/domains.h"

namespace decnet::store::sqlite {
namespace {

constexpr std::string_view kObservationColumns =
    "id, identity_ref, primitive, value, confidence, window_start_ts, window_end_ts, source,"
    " evidence_ref, envelope_v, ts, attacker_uuid";

constexpr std::string_view kStateColumns =
    "identity_uuid, primitive, current_value, state, confidence, observation_count,"
    " last_change_ts, last_observation_ts, schema_version, updated_at";

void require_json(std::string_view text, std::string_view what) {
  if (!nlohmann::json::accept(text)) {
    throw StoreError(StoreError::Kind::kInvalid, std::string(what) + " is not valid JSON");
  }
}

Observation read_observation(const Statement& s) {
  Observation o;
  o.id = s.text(0);
  o.identity_ref = s.optional_text(1);
  o.primitive = s.text(2);
  o.value = s.text(3);
  o.confidence = s.real(4);
  o.window_start_ts = s.optional_real(5);
  o.window_end_ts = s.optional_real(6);
  o.source = s.text(7);
  o.evidence_ref = s.text(8);
  o.envelope_v = s.int64(9);
  o.ts = s.real(10);
  o.attacker_uuid = s.text(11);
  return o;
}

AttributionState read_state(const Statement& s) {
  AttributionState a;
  a.identity_uuid = s.text(0);
  a.primitive = s.text(1);
  a.current_value = s.optional_text(2);
  a.state = s.text(3);
  a.confidence = s.real(4);
  a.observation_count = s.int64(5);
  a.last_change_ts = s.optional_real(6);
  a.last_observation_ts = s.optional_real(7);
  a.schema_version = s.int64(8);
  a.updated_at = s.int64(9);
  return a;
}

std::vector<ObservationPoint> read_points(Statement& stmt) {
  std::vector<ObservationPoint> out;
  while (stmt.step()) out.push_back({stmt.real(0), stmt.text(1), stmt.real(2)});
  return out;
}

class SqliteObservationRepository final : public ObservationRepository {
 public:
  explicit SqliteObservationRepository(Engine& engine) : engine_(engine) {}

  std::string upsert_observation(WriteScope& scope, const Observation& o) override {
    if (o.primitive.empty() || o.evidence_ref.empty()) {
      throw StoreError(StoreError::Kind::kInvalid,
                       "observation needs a primitive and evidence_ref");
    }
    if (!(o.confidence >= 0.0 && o.confidence <= 1.0)) {
      throw StoreError(StoreError::Kind::kInvalid, "observation confidence outside [0, 1]");
    }
    require_json(o.value, "observation value");
    auto stmt = connection_of(scope).prepare(
        "INSERT INTO observations(id, identity_ref, primitive, value, confidence, "
        "window_start_ts, window_end_ts, source, evidence_ref, envelope_v, ts, attacker_uuid) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(evidence_ref, primitive) DO UPDATE SET identity_ref = excluded.identity_ref,"
        " value = excluded.value, confidence = excluded.confidence,"
        " window_start_ts = excluded.window_start_ts, window_end_ts = excluded.window_end_ts,"
        " source = excluded.source, envelope_v = excluded.envelope_v, ts = excluded.ts,"
        " attacker_uuid = excluded.attacker_uuid "
        "RETURNING id");
    stmt.bind_all(o.id.empty() ? core::random_hex_id() : o.id, o.identity_ref, o.primitive, o.value,
                  o.confidence, o.window_start_ts, o.window_end_ts, o.source, o.evidence_ref,
                  o.envelope_v, o.ts, o.attacker_uuid);
    if (!stmt.step()) throw StoreError(StoreError::Kind::kIo, "observation upsert returned no row");
    return stmt.text(0);
  }

  std::vector<LatestObservation> latest_observation_per_primitive(
      const std::string& attacker_uuid) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare(
        "SELECT primitive, value, confidence, ts, source FROM ("
        " SELECT primitive, value, confidence, ts, source, ROW_NUMBER() OVER ("
        "  PARTITION BY primitive ORDER BY ts DESC, confidence DESC, id DESC) AS rn"
        " FROM observations WHERE attacker_uuid = ?) WHERE rn = 1 ORDER BY primitive");
    stmt.bind(1, attacker_uuid);
    std::vector<LatestObservation> out;
    while (stmt.step()) {
      out.push_back({stmt.text(0), stmt.text(1), stmt.real(2), stmt.real(3), stmt.text(4)});
    }
    return out;
  }

  std::vector<ObservationPoint> observations_time_series(const std::string& attacker_uuid,
                                                         const std::string& primitive) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare(
        "SELECT ts, value, confidence FROM observations WHERE attacker_uuid = ? AND primitive = ?"
        " ORDER BY ts, id");
    stmt.bind_all(attacker_uuid, primitive);
    return read_points(stmt);
  }

  std::vector<ObservationPoint> observations_for_identity_primitive(
      const std::string& identity_uuid, const std::string& primitive) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare(
        "SELECT o.ts, o.value, o.confidence FROM observations o"
        " JOIN attackers a ON a.uuid = o.attacker_uuid"
        " WHERE (a.identity_id = ?1 OR a.identity_id IN (SELECT uuid FROM attacker_identities"
        " WHERE merged_into_uuid = ?1)) AND o.primitive = ?2 ORDER BY o.ts, o.id");
    stmt.bind_all(identity_uuid, primitive);
    return read_points(stmt);
  }

  bool has_observations_for_evidence(const std::string& evidence_ref) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT 1 FROM observations WHERE evidence_ref = ? LIMIT 1");
    stmt.bind(1, evidence_ref);
    return stmt.step();
  }

  std::vector<Observation> list_observations_by_attacker(
      const std::string& attacker_uuid) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kObservationColumns) +
                               " FROM observations WHERE attacker_uuid = ?"
                               " ORDER BY window_end_ts IS NOT NULL, window_end_ts, ts, id");
    stmt.bind(1, attacker_uuid);
    std::vector<Observation> out;
    while (stmt.step()) out.push_back(read_observation(stmt));
    return out;
  }

  std::vector<Observation> get_all_observations_for_export() override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kObservationColumns) +
                               " FROM observations"
                               " ORDER BY window_end_ts IS NOT NULL, window_end_ts, ts, id");
    std::vector<Observation> out;
    while (stmt.step()) out.push_back(read_observation(stmt));
    return out;
  }

 private:
  Engine& engine_;
};

class SqliteAttributionRepository final : public AttributionRepository {
 public:
  explicit SqliteAttributionRepository(Engine& engine) : engine_(engine) {}

  std::optional<std::string> ensure_stub_identity_for_attacker(
      WriteScope& scope, const std::string& attacker_uuid) override {
    auto& conn = connection_of(scope);
    std::int64_t first_seen = 0, last_seen = 0;
    {
      auto find =
          conn.prepare("SELECT identity_id, first_seen, last_seen FROM attackers WHERE uuid = ?");
      find.bind(1, attacker_uuid);
      if (!find.step()) return std::nullopt;
      if (auto existing = find.optional_text(0)) return existing;
      first_seen = find.int64(1);
      last_seen = find.int64(2);
    }
    const auto uuid = core::Uuid::v4().str();
    const auto now = core::now_micros();
    conn.prepare(
            "INSERT INTO attacker_identities(uuid, first_seen_at, last_seen_at, created_at, "
            "updated_at, observation_count) VALUES (?, ?, ?, ?, ?, 1)")
        .bind_all(uuid, first_seen, last_seen, now, now)
        .run();
    conn.prepare("UPDATE attackers SET identity_id = ? WHERE uuid = ?")
        .bind_all(uuid, attacker_uuid)
        .run();
    return uuid;
  }

  void upsert_attribution_state(WriteScope& scope, const AttributionState& a) override {
    if (a.current_value) require_json(*a.current_value, "attribution current_value");
    connection_of(scope)
        .prepare(
            "INSERT INTO attribution_state(identity_uuid, primitive, current_value, state, "
            "confidence, observation_count, last_change_ts, last_observation_ts, schema_version,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(identity_uuid, primitive) DO UPDATE SET"
            " current_value = excluded.current_value, state = excluded.state,"
            " confidence = excluded.confidence, observation_count = excluded.observation_count,"
            " last_change_ts = excluded.last_change_ts,"
            " last_observation_ts = excluded.last_observation_ts,"
            " schema_version = excluded.schema_version, updated_at = excluded.updated_at")
        .bind_all(a.identity_uuid, a.primitive, a.current_value, a.state, a.confidence,
                  a.observation_count, a.last_change_ts, a.last_observation_ts, a.schema_version,
                  core::now_micros())
        .run();
  }

  std::optional<AttributionState> get_attribution_state(const std::string& identity_uuid,
                                                        const std::string& primitive) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kStateColumns) +
                               " FROM attribution_state WHERE identity_uuid = ? AND primitive = ?");
    stmt.bind_all(identity_uuid, primitive);
    if (!stmt.step()) return std::nullopt;
    return read_state(stmt);
  }

  std::vector<AttributionState> get_attribution_state_for_identity(
      const std::string& identity_uuid) override {
    auto lease = engine_.read();
    auto stmt =
        lease->prepare("SELECT " + std::string(kStateColumns) +
                       " FROM attribution_state WHERE identity_uuid = ? ORDER BY primitive");
    stmt.bind(1, identity_uuid);
    std::vector<AttributionState> out;
    while (stmt.step()) out.push_back(read_state(stmt));
    return out;
  }

  std::vector<MultiActorIdentity> list_multi_actor_identities(
      std::int64_t min_primitives) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare(
        "SELECT identity_uuid, primitive FROM attribution_state WHERE state = ?1"
        " AND identity_uuid IN (SELECT identity_uuid FROM attribution_state WHERE state = ?1"
        " GROUP BY identity_uuid HAVING COUNT(*) >= ?2)"
        " ORDER BY identity_uuid, primitive");
    stmt.bind_all(kAttributionMultiActor, min_primitives);
    std::vector<MultiActorIdentity> out;
    while (stmt.step()) {
      auto identity = stmt.text(0);
      if (out.empty() || out.back().identity_uuid != identity) {
        out.push_back({std::move(identity), {}});
      }
      out.back().primitives.push_back(stmt.text(1));
    }
    return out;
  }

 private:
  Engine& engine_;
};

}  // namespace

std::unique_ptr<ObservationRepository> make_observation_repository(Engine& engine) {
  return std::make_unique<SqliteObservationRepository>(engine);
}

std::unique_ptr<AttributionRepository> make_attribution_repository(Engine& engine) {
  return std::make_unique<SqliteAttributionRepository>(engine);
}

}  // namespace decnet::store::sqlite
