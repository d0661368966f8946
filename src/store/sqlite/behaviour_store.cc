// attacker_behaviour on SQLite: one row per attacker, keyed by attackers.id, rewritten whole by
// the profiler. Reads join back to the attacker's uuid and address.
#include "store/behaviour_repository.h"
#include "store/sqlite/domains.h"

namespace decnet::store::sqlite {
namespace {

constexpr std::string_view kBehaviourColumns =
    "a.uuid, a.ip, b.behavior_class, b.score, b.reasons, b.timing, b.beacon_interval_s, "
    "b.beacon_jitter_pct, b.phases, b.tools, b.state, b.updated_at, a.commands";

AttackerBehaviour read_behaviour(const Statement& s) {
  AttackerBehaviour b;
  b.attacker_uuid = s.text(0);
  b.attacker_ip = s.text(1);
  b.behavior_class = s.text(2);
  b.score = s.int64(3);
  b.reasons = s.text(4);
  b.timing = s.text(5);
  b.beacon_interval_s = s.optional_real(6);
  b.beacon_jitter_pct = s.optional_real(7);
  b.phases = s.text(8);
  b.tools = s.text(9);
  b.state = s.text(10);
  b.updated_at = s.int64(11);
  b.commands = s.text(12);
  return b;
}

class SqliteBehaviourRepository final : public BehaviourRepository {
 public:
  explicit SqliteBehaviourRepository(Engine& engine) : engine_(engine) {}

  void upsert_behaviour(WriteScope& scope, std::int64_t attacker_id,
                        const AttackerBehaviour& b) override {
    auto stmt = connection_of(scope).prepare(
        "INSERT INTO attacker_behaviour(attacker_id, behavior_class, score, reasons, timing, "
        "beacon_interval_s, beacon_jitter_pct, phases, tools, state, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(attacker_id) DO UPDATE SET "
        "behavior_class = excluded.behavior_class, score = excluded.score, "
        "reasons = excluded.reasons, timing = excluded.timing, "
        "beacon_interval_s = excluded.beacon_interval_s, "
        "beacon_jitter_pct = excluded.beacon_jitter_pct, phases = excluded.phases, "
        "tools = excluded.tools, state = excluded.state, updated_at = excluded.updated_at");
    stmt.bind_all(attacker_id, b.behavior_class, b.score, b.reasons, b.timing, b.beacon_interval_s,
                  b.beacon_jitter_pct, b.phases, b.tools, b.state, b.updated_at);
    stmt.run();
  }

  std::optional<AttackerBehaviour> get_behaviour(const std::string& attacker_uuid) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kBehaviourColumns) +
                               " FROM attacker_behaviour b JOIN attackers a ON a.id = "
                               "b.attacker_id WHERE a.uuid = ?");
    stmt.bind(1, attacker_uuid);
    if (!stmt.step()) return std::nullopt;
    return read_behaviour(stmt);
  }

  std::vector<AttackerBehaviour> behaviours_of(const std::vector<std::string>& ips) override {
    std::vector<AttackerBehaviour> out;
    if (ips.empty()) return out;
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kBehaviourColumns) +
                               " FROM attackers a JOIN attacker_behaviour b ON b.attacker_id = "
                               "a.id WHERE a.ip = ?");
    for (const auto& ip : ips) {
      stmt.bind(1, ip);
      while (stmt.step()) out.push_back(read_behaviour(stmt));
      stmt.reset();
    }
    return out;
  }

 private:
  Engine& engine_;
};

}  // namespace

std::unique_ptr<BehaviourRepository> make_behaviour_repository(Engine& engine) {
  return std::make_unique<SqliteBehaviourRepository>(engine);
}

}  // namespace decnet::store::sqlite
