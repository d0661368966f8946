// attacker_fingerprint_state on SQLite. One sighting is at most three statements on the writer:
// look up the attacker and its state row together, then insert, touch, or rotate (state row and
// attacker counters in the same transaction).
#include "core/uuid.h"
#include "store/fingerprint_repository.h"
#include "store/page.h"
#include "store/sqlite/domains.h"

namespace decnet::store::sqlite {
namespace {

constexpr std::string_view kStateColumns =
    "uuid, attacker_uuid, port, probe_type, last_hash, last_seen, rotation_count";

FingerprintState read_state(const Statement& s) {
  return {s.text(0), s.text(1), s.int64(2), s.text(3), s.text(4), s.int64(5), s.int64(6)};
}

class SqliteFingerprintRepository final : public FingerprintRepository {
 public:
  explicit SqliteFingerprintRepository(Engine& engine) : engine_(engine) {}

  FingerprintResult record_fingerprint(WriteScope& scope, const FingerprintSighting& f) override {
    auto& conn = connection_of(scope);
    FingerprintResult result;
    result.new_hash = f.hash;
    std::optional<std::string> state_uuid;
    {
      auto find = conn.prepare(
          "SELECT a.ip, s.uuid, s.last_hash, s.rotation_count FROM attackers a "
          "LEFT JOIN attacker_fingerprint_state s ON s.attacker_uuid = a.uuid AND s.port = ? "
          "AND s.probe_type = ? WHERE a.uuid = ?");
      find.bind_all(f.port, f.probe_type, f.attacker_uuid);
      if (!find.step()) return result;
      result.attacker_ip = find.text(0);
      state_uuid = find.optional_text(1);
      if (state_uuid) {
        result.old_hash = find.text(2);
        result.rotation_count = find.int64(3);
      }
    }
    if (!state_uuid) {
      conn.prepare("INSERT INTO attacker_fingerprint_state(" + std::string(kStateColumns) +
                   ") VALUES (?, ?, ?, ?, ?, ?, 0)")
          .bind_all(core::Uuid::v4().str(), f.attacker_uuid, f.port, f.probe_type, f.hash,
                    f.seen_at)
          .run();
      result.outcome = FingerprintOutcome::kFirstSighting;
      return result;
    }
    if (result.old_hash == f.hash) {
      conn.prepare(
              "UPDATE attacker_fingerprint_state SET last_seen = MAX(last_seen, ?) WHERE uuid = ?")
          .bind_all(f.seen_at, *state_uuid)
          .run();
      result.old_hash.reset();
      result.outcome = FingerprintOutcome::kUnchanged;
      return result;
    }
    conn.prepare(
            "UPDATE attacker_fingerprint_state SET last_hash = ?, last_seen = MAX(last_seen, ?), "
            "rotation_count = rotation_count + 1 WHERE uuid = ?")
        .bind_all(f.hash, f.seen_at, *state_uuid)
        .run();
    conn.prepare(
            "UPDATE attackers SET rotation_count = rotation_count + 1, "
            "last_rotation_at = MAX(COALESCE(last_rotation_at, ?), ?) WHERE uuid = ?")
        .bind_all(f.seen_at, f.seen_at, f.attacker_uuid)
        .run();
    result.rotation_count += 1;
    result.outcome = FingerprintOutcome::kRotated;
    return result;
  }

  std::optional<FingerprintState> get_fingerprint_state(const std::string& attacker_uuid,
                                                        std::int64_t port,
                                                        const std::string& probe_type) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kStateColumns) +
                               " FROM attacker_fingerprint_state WHERE attacker_uuid = ? "
                               "AND port = ? AND probe_type = ?");
    stmt.bind_all(attacker_uuid, port, probe_type);
    if (!stmt.step()) return std::nullopt;
    return read_state(stmt);
  }

  std::vector<FingerprintState> list_fingerprint_states(const std::string& attacker_uuid) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kStateColumns) +
                               " FROM attacker_fingerprint_state WHERE attacker_uuid = ? "
                               "ORDER BY port, probe_type LIMIT ?");
    stmt.bind_all(attacker_uuid, kMaxLimit);
    std::vector<FingerprintState> out;
    while (stmt.step()) out.push_back(read_state(stmt));
    return out;
  }

 private:
  Engine& engine_;
};

}  // namespace

std::unique_ptr<FingerprintRepository> make_fingerprint_repository(Engine& engine) {
  return std::make_unique<SqliteFingerprintRepository>(engine);
}

}  // namespace decnet::store::sqlite
