// ttp_tag, ttp_rule and ttp_rule_state on SQLite. Tags are written with INSERT ... ON CONFLICT
// (uuid) DO NOTHING, so a duplicate costs one index probe and never an error. Every scoped
// query filters on a column that leads one of the (scope, technique_id) indexes; the identity
// scope adds the tags of the identity's attackers through attackers.identity_id.
#include <nlohmann/json.hpp>

#include "core/time.h"
#include "store/page.h"
#include "store/sqlite/domains.h"
#include "store/sqlite/where_clause.h"
#include "store/ttp_repository.h"

namespace decnet::store::sqlite {
namespace {

constexpr std::string_view kTagColumns =
    "t.uuid, t.source_kind, t.source_id, t.attacker_uuid, t.identity_uuid, t.session_id, "
    "t.decky_id, t.tactic, t.technique_id, t.sub_technique_id, t.confidence, t.rule_id, "
    "t.rule_version, t.evidence, t.attack_release, t.mitre_url, t.created_at";

constexpr std::string_view kInsertTag =
    "INSERT INTO ttp_tag(uuid, source_kind, source_id, attacker_uuid, identity_uuid, session_id, "
    "decky_id, tactic, technique_id, sub_technique_id, confidence, rule_id, rule_version, "
    "evidence, attack_release, mitre_url, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(uuid) DO NOTHING";

TtpTag read_tag(const Statement& s) {
  TtpTag t;
  t.uuid = s.text(0);
  t.source_kind = s.text(1);
  t.source_id = s.text(2);
  t.attacker_uuid = s.optional_text(3);
  t.identity_uuid = s.optional_text(4);
  t.session_id = s.optional_text(5);
  t.decky_id = s.optional_text(6);
  t.tactic = s.text(7);
  t.technique_id = s.text(8);
  t.sub_technique_id = s.optional_text(9);
  t.confidence = s.real(10);
  t.rule_id = s.text(11);
  t.rule_version = s.int64(12);
  t.evidence = s.text(13);
  t.attack_release = s.text(14);
  t.mitre_url = s.optional_text(15);
  t.created_at = s.int64(16);
  return t;
}

constexpr std::string_view kRollupColumns =
    "t.technique_id, t.sub_technique_id, MAX(t.tactic), COUNT(*), MIN(t.created_at), "
    "MAX(t.created_at), MAX(t.confidence)";
constexpr std::string_view kRollupGroup =
    " GROUP BY t.technique_id, t.sub_technique_id ORDER BY t.technique_id, t.sub_technique_id";

TechniqueRollup read_rollup(const Statement& s) {
  TechniqueRollup r;
  r.technique_id = s.text(0);
  r.sub_technique_id = s.optional_text(1);
  r.tactic = s.text(2);
  r.count = s.int64(3);
  r.first_seen = s.int64(4);
  r.last_seen = s.int64(5);
  r.confidence_max = s.real(6);
  return r;
}

void add_scope(WhereClause& where, TagScope scope, const std::string& id) {
  switch (scope) {
    case TagScope::kIdentity:
      where.add(
          "(t.identity_uuid = ? OR t.attacker_uuid IN "
          "(SELECT uuid FROM attackers WHERE identity_id = ?))",
          {id, id});
      break;
    case TagScope::kAttacker:
      where.add("t.attacker_uuid = ?", {id});
      break;
    case TagScope::kSession:
      where.add("t.session_id = ?", {id});
      break;
  }
}

constexpr std::string_view kRuleColumns =
    "rule_id, rule_version, source_path, yaml_content, updated_at, updated_by";

TtpRule read_rule(const Statement& s) {
  return {s.text(0), s.int64(1), s.text(2), s.text(3), s.int64(4), s.text(5)};
}

constexpr std::string_view kStateColumns =
    "rule_id, state, confidence_max, expires_at, reason, set_by, set_at";

TtpRuleState read_state(const Statement& s) {
  return {s.text(0),          s.text(1),          s.optional_real(2), s.optional_int64(3),
          s.optional_text(4), s.optional_text(5), s.int64(6)};
}

class SqliteTtpRepository final : public TtpRepository {
 public:
  explicit SqliteTtpRepository(Engine& engine) : engine_(engine) {}

  std::vector<std::string> insert_tags(WriteScope& scope,
                                       const std::vector<TtpTag>& tags) override {
    auto& conn = connection_of(scope);
    const auto now = core::now_micros();
    std::vector<std::string> inserted;
    for (const auto& t : tags) {
      if (t.confidence < kTagConfidenceFloor) continue;
      if (!nlohmann::json::parse(t.evidence, nullptr, false).is_object()) {
        throw StoreError(StoreError::Kind::kInvalid, "ttp tag evidence must be a JSON object");
      }
      const auto uuid = compute_tag_uuid(t.source_kind, t.source_id, t.rule_id, t.rule_version,
                                         t.technique_id, t.sub_technique_id);
      const auto changed =
          conn.prepare(kInsertTag)
              .bind_all(uuid, t.source_kind, t.source_id, t.attacker_uuid, t.identity_uuid,
                        t.session_id, t.decky_id, t.tactic, t.technique_id, t.sub_technique_id,
                        t.confidence, t.rule_id, t.rule_version, t.evidence, t.attack_release,
                        t.mitre_url, t.created_at != 0 ? t.created_at : now)
              .run();
      if (changed > 0) inserted.push_back(uuid);
    }
    return inserted;
  }

  std::vector<TtpTag> list_tags_by_scope_and_technique(
      TagScope scope, const std::string& id, const std::string& technique_id,
      const std::optional<std::string>& sub_technique_id, std::int64_t limit) override {
    WhereClause where;
    add_scope(where, scope, id);
    where.add("t.technique_id = ?", {technique_id})
        .add_if(sub_technique_id, "t.sub_technique_id = ?");
    return list_tags(where, limit);
  }

  std::vector<TtpTag> list_tags_by_scope(TagScope scope, const std::string& id,
                                         std::int64_t limit) override {
    WhereClause where;
    add_scope(where, scope, id);
    return list_tags(where, limit);
  }

  std::vector<TtpTag> list_tags_by_technique(const std::string& technique_id, std::int64_t since,
                                             std::int64_t limit) override {
    WhereClause where;
    where.add("t.technique_id = ?", {technique_id}).add("t.created_at >= ?", {since});
    return list_tags(where, limit);
  }

  std::optional<TtpTag> get_tag(const std::string& uuid) override {
    WhereClause where;
    where.add("t.uuid = ?", {uuid});
    auto rows = list_tags(where, 1);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
  }

  std::int64_t count_tags() override {
    auto lease = engine_.read();
    return query_int64(*lease, "SELECT COUNT(*) FROM ttp_tag").value_or(0);
  }

  std::vector<TechniqueRollup> list_technique_rollup() override { return rollup({}, ""); }

  std::vector<TechniqueRollup> list_technique_rollup_by_scope(TagScope scope,
                                                              const std::string& id) override {
    WhereClause where;
    add_scope(where, scope, id);
    return rollup(where, "");
  }

  std::vector<TechniqueRollup> list_technique_rollup_by_campaign(
      const std::string& campaign_uuid) override {
    WhereClause where;
    where.add(
        "(t.identity_uuid IN (SELECT uuid FROM attacker_identities WHERE campaign_id = ?) OR "
        "t.attacker_uuid IN (SELECT a.uuid FROM attackers a JOIN attacker_identities i "
        "ON i.uuid = a.identity_id WHERE i.campaign_id = ?))",
        {campaign_uuid, campaign_uuid});
    return rollup(where,
                  ", COUNT(DISTINCT COALESCE(t.identity_uuid, "
                  "(SELECT a.identity_id FROM attackers a WHERE a.uuid = t.attacker_uuid)))");
  }

  void upsert_rule(WriteScope& scope, const TtpRule& r) override {
    connection_of(scope)
        .prepare("INSERT INTO ttp_rule(" + std::string(kRuleColumns) +
                 ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(rule_id) DO UPDATE SET "
                 "rule_version = excluded.rule_version, source_path = excluded.source_path, "
                 "yaml_content = excluded.yaml_content, updated_at = excluded.updated_at, "
                 "updated_by = excluded.updated_by")
        .bind_all(r.rule_id, r.rule_version, r.source_path, r.yaml_content,
                  r.updated_at != 0 ? r.updated_at : core::now_micros(), r.updated_by)
        .run();
  }

  std::optional<TtpRule> get_rule(const std::string& rule_id) override {
    auto lease = engine_.read();
    auto stmt =
        lease->prepare("SELECT " + std::string(kRuleColumns) + " FROM ttp_rule WHERE rule_id = ?");
    stmt.bind(1, rule_id);
    if (!stmt.step()) return std::nullopt;
    return read_rule(stmt);
  }

  std::vector<TtpRule> list_rules() override {
    auto lease = engine_.read();
    auto stmt =
        lease->prepare("SELECT " + std::string(kRuleColumns) + " FROM ttp_rule ORDER BY rule_id");
    std::vector<TtpRule> out;
    while (stmt.step()) out.push_back(read_rule(stmt));
    return out;
  }

  std::vector<TtpRule> list_rules_updated_since(std::int64_t since) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kRuleColumns) +
                               " FROM ttp_rule WHERE updated_at >= ? ORDER BY updated_at, rule_id");
    stmt.bind(1, since);
    std::vector<TtpRule> out;
    while (stmt.step()) out.push_back(read_rule(stmt));
    return out;
  }

  bool delete_rule(WriteScope& scope, const std::string& rule_id) override {
    return connection_of(scope)
               .prepare("DELETE FROM ttp_rule WHERE rule_id = ?")
               .bind_all(rule_id)
               .run() > 0;
  }

  void set_rule_state(WriteScope& scope, const TtpRuleState& s) override {
    if (s.state != "enabled" && s.state != "disabled" && s.state != "clipped") {
      throw StoreError(StoreError::Kind::kInvalid,
                       "rule state must be enabled, disabled or clipped");
    }
    if (s.confidence_max && !(*s.confidence_max >= 0.0 && *s.confidence_max <= 1.0)) {
      throw StoreError(StoreError::Kind::kInvalid, "confidence_max must be within 0..1");
    }
    connection_of(scope)
        .prepare("INSERT INTO ttp_rule_state(" + std::string(kStateColumns) +
                 ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(rule_id) DO UPDATE SET "
                 "state = excluded.state, confidence_max = excluded.confidence_max, "
                 "expires_at = excluded.expires_at, reason = excluded.reason, "
                 "set_by = excluded.set_by, set_at = excluded.set_at")
        .bind_all(s.rule_id, s.state, s.confidence_max, s.expires_at, s.reason, s.set_by,
                  s.set_at != 0 ? s.set_at : core::now_micros())
        .run();
  }

  std::optional<TtpRuleState> get_rule_state(const std::string& rule_id) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kStateColumns) +
                               " FROM ttp_rule_state WHERE rule_id = ?");
    stmt.bind(1, rule_id);
    if (!stmt.step()) return std::nullopt;
    return read_state(stmt);
  }

  std::vector<TtpRuleState> list_rule_states() override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kStateColumns) +
                               " FROM ttp_rule_state ORDER BY rule_id");
    std::vector<TtpRuleState> out;
    while (stmt.step()) out.push_back(read_state(stmt));
    return out;
  }

  bool clear_rule_state(WriteScope& scope, const std::string& rule_id) override {
    return connection_of(scope)
               .prepare("DELETE FROM ttp_rule_state WHERE rule_id = ?")
               .bind_all(rule_id)
               .run() > 0;
  }

 private:
  std::vector<TtpTag> list_tags(const WhereClause& where, std::int64_t limit) {
    const auto page = PageRequest{limit, 0}.clamped();
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kTagColumns) + " FROM ttp_tag t" +
                               where.sql() + " ORDER BY t.created_at DESC, t.uuid LIMIT ?");
    stmt.bind(where.bind(stmt), page.limit);
    std::vector<TtpTag> out;
    while (stmt.step()) out.push_back(read_tag(stmt));
    return out;
  }

  // extra: an additional aggregate column read into identity_count.
  std::vector<TechniqueRollup> rollup(const WhereClause& where, std::string_view extra) {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kRollupColumns) + std::string(extra) +
                               " FROM ttp_tag t" + where.sql() + std::string(kRollupGroup));
    where.bind(stmt);
    std::vector<TechniqueRollup> out;
    while (stmt.step()) {
      out.push_back(read_rollup(stmt));
      if (!extra.empty()) out.back().identity_count = stmt.int64(7);
    }
    return out;
  }

  Engine& engine_;
};

}  // namespace

std::unique_ptr<TtpRepository> make_ttp_repository(Engine& engine) {
  return std::make_unique<SqliteTtpRepository>(engine);
}

}  // namespace decnet::store::sqlite
