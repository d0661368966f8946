// ttp_tag, ttp_rule, ttp_rule_state: the deterministic tag uuid (golden vectors), idempotent
// inserts with the confidence floor, scoped queries and rollups, rules and rule states.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/attacker_repository.h"
#include "store/sqlite/domains.h"
#include "store/store_error.h"
#include "store/ttp_repository.h"
#include "store_fixture.h"

namespace decnet::store {
namespace {

class TtpStoreTest : public DomainStoreTest {
 protected:
  // Identities and campaigns are written by other repositories; plain SQL is enough here.
  void identity(const std::string& uuid, const std::optional<std::string>& campaign = {}) {
    engine_.write_now([&](WriteScope& w) {
      auto& conn = sqlite::connection_of(w);
      if (campaign) {
        conn.prepare(
                "INSERT OR IGNORE INTO campaigns(uuid, created_at, updated_at) VALUES (?, ?, ?)")
            .bind_all(*campaign, kT0, kT0)
            .run();
      }
      conn.prepare(
              "INSERT INTO attacker_identities(uuid, campaign_id, created_at, updated_at) "
              "VALUES (?, ?, ?, ?)")
          .bind_all(uuid, campaign, kT0, kT0)
          .run();
    });
  }

  void link(const std::string& attacker_uuid, const std::string& identity_uuid) {
    engine_.write_now([&](WriteScope& w) {
      sqlite::connection_of(w)
          .prepare("UPDATE attackers SET identity_id = ? WHERE uuid = ?")
          .bind_all(identity_uuid, attacker_uuid)
          .run();
    });
  }

  std::int64_t insert(const std::vector<TtpTag>& tags) {
    return static_cast<std::int64_t>(
        engine_.write_now([&](WriteScope& w) { return ttp_->insert_tags(w, tags); }).size());
  }

  template <typename Fn>
  auto write(Fn fn) {
    return engine_.write_now(std::move(fn));
  }

  TtpTag tag(const std::string& source_id, const std::string& technique,
             std::optional<std::string> sub = std::nullopt, std::int64_t at = kT0,
             double confidence = 0.8) {
    TtpTag t;
    t.source_kind = "command";
    t.source_id = source_id;
    t.attacker_uuid = attacker_;
    t.session_id = "sess-1";
    t.decky_id = "decky-1";
    t.tactic = "TA0007";
    t.technique_id = technique;
    t.sub_technique_id = std::move(sub);
    t.confidence = confidence;
    t.rule_id = "R0014";
    t.rule_version = 2;
    t.evidence = R"({"command_text":"ls -la"})";
    t.mitre_url = "https://attack.mitre.org/techniques/" + technique + "/";
    t.created_at = at;
    return t;
  }

  std::unique_ptr<TtpRepository> ttp_ = sqlite::make_ttp_repository(engine_);
  std::string attacker_ = attacker("203.0.113.50");
};

std::vector<std::string> source_ids(const std::vector<TtpTag>& tags) {
  std::vector<std::string> out;
  for (const auto& t : tags) out.push_back(t.source_id);
  return out;
}

TEST(TtpTagUuid, NamespaceAndGoldenVectors) {
  EXPECT_EQ(ttp_tag_namespace().str(), "1ca31f08-5522-5aae-8371-fe81f0e39de3");
  EXPECT_EQ(compute_tag_uuid("command", "cmd_42", "R0014", 2, "T1083", std::nullopt),
            "9aa491e5-f03b-5d8f-9eb5-161becedcdd6");
  EXPECT_EQ(compute_tag_uuid("command", "cmd_42", "R0015", 1, "T1548", "T1548.001"),
            "4fd57b14-c135-544c-97d9-4fabc1051584");
  EXPECT_EQ(compute_tag_uuid("command", "cmd-1", "R0014", 1, "T1003", "T1003.008"),
            "a6e28fa4-5ad4-584d-be8c-e94766c64537");
  EXPECT_EQ(compute_tag_uuid("intel", "src-intel", "R0054", 2, "T1110", std::nullopt),
            "91613960-cb97-52d4-8998-eb69ff3ad368");
  EXPECT_EQ(compute_tag_uuid("identity", "src-identity", "R0003", 1, "T1110", "T1110.003"),
            "dc4fa34e-7720-58a7-bc78-b92910bb9f38");
  EXPECT_EQ(compute_tag_uuid("ipv6_leak", "src1", "R0059", 1, "T1090", std::nullopt),
            "2f0efc30-7c8c-5644-a3fb-459f603e9a09");
}

TEST(TtpTagUuid, EveryIdentityFieldChangesTheUuid) {
  const auto base = compute_tag_uuid("command", "c", "R1", 1, "T1", std::nullopt);
  EXPECT_EQ(compute_tag_uuid("command", "c", "R1", 1, "T1", std::nullopt), base);
  EXPECT_EQ(compute_tag_uuid("command", "c", "R1", 1, "T1", ""), base);  // none == ""
  for (const auto& other : {compute_tag_uuid("intel", "c", "R1", 1, "T1", std::nullopt),
                            compute_tag_uuid("command", "d", "R1", 1, "T1", std::nullopt),
                            compute_tag_uuid("command", "c", "R2", 1, "T1", std::nullopt),
                            compute_tag_uuid("command", "c", "R1", 2, "T1", std::nullopt),
                            compute_tag_uuid("command", "c", "R1", 1, "T2", std::nullopt),
                            compute_tag_uuid("command", "c", "R1", 1, "T1", "T1.001")}) {
    EXPECT_NE(other, base);
  }
}

TEST_F(TtpStoreTest, EmptyStoreAnswersEmpty) {
  EXPECT_EQ(ttp_->count_tags(), 0);
  EXPECT_EQ(insert({}), 0);
  EXPECT_FALSE(ttp_->get_tag("x").has_value());
  EXPECT_TRUE(ttp_->list_technique_rollup().empty());
  EXPECT_TRUE(ttp_->list_technique_rollup_by_scope(TagScope::kIdentity, "x").empty());
  EXPECT_TRUE(ttp_->list_technique_rollup_by_campaign("x").empty());
  EXPECT_TRUE(
      ttp_->list_tags_by_scope_and_technique(TagScope::kAttacker, "x", "T1", std::nullopt).empty());
  EXPECT_TRUE(ttp_->list_tags_by_scope(TagScope::kSession, "x").empty());
  EXPECT_TRUE(ttp_->list_tags_by_technique("T1", 0).empty());
  EXPECT_TRUE(ttp_->list_rules().empty());
  EXPECT_TRUE(ttp_->list_rules_updated_since(0).empty());
  EXPECT_FALSE(ttp_->get_rule("R0001").has_value());
  EXPECT_TRUE(ttp_->list_rule_states().empty());
  EXPECT_FALSE(ttp_->get_rule_state("R0001").has_value());
}

TEST_F(TtpStoreTest, InsertIsIdempotentAndKeepsFirstValues) {
  std::vector<TtpTag> tags = {tag("cmd-1", "T1083"), tag("cmd-2", "T1083"),
                              tag("cmd-3", "T1548", "T1548.001")};
  EXPECT_EQ(insert(tags), 3);
  EXPECT_EQ(insert(tags), 0);
  tags[0].confidence = 0.95;
  tags[0].uuid = "caller-supplied-uuid-is-ignored";
  EXPECT_EQ(insert({tags[0]}), 0);
  const auto uuid = compute_tag_uuid("command", "cmd-1", "R0014", 2, "T1083", std::nullopt);
  const auto stored = ttp_->get_tag(uuid);
  ASSERT_TRUE(stored.has_value());
  EXPECT_DOUBLE_EQ(stored->confidence, 0.8);
  EXPECT_EQ(stored->attacker_uuid, attacker_);
  EXPECT_EQ(stored->session_id, "sess-1");
  EXPECT_EQ(stored->decky_id, "decky-1");
  EXPECT_EQ(stored->tactic, "TA0007");
  EXPECT_EQ(stored->rule_version, 2);
  EXPECT_EQ(stored->attack_release, "v15.1");
  EXPECT_EQ(stored->mitre_url, "https://attack.mitre.org/techniques/T1083/");
  EXPECT_EQ(stored->created_at, kT0);
  EXPECT_EQ(nlohmann::json::parse(stored->evidence)["command_text"], "ls -la");
  auto next_version = tags[0];
  next_version.rule_version = 3;
  auto other_sub = tags[2];
  other_sub.sub_technique_id = "T1548.003";
  EXPECT_EQ(insert({next_version, other_sub}), 2);
  EXPECT_EQ(ttp_->count_tags(), 5);
}

TEST_F(TtpStoreTest, InsertDropsTagsBelowTheConfidenceFloor) {
  EXPECT_EQ(insert({tag("low", "T1110", std::nullopt, kT0, 0.7 * 0.3),
                    tag("floor", "T1110", std::nullopt, kT0, kTagConfidenceFloor),
                    tag("high", "T1110", std::nullopt, kT0, 1.0)}),
            2);
  EXPECT_EQ(source_ids(ttp_->list_tags_by_technique("T1110", 0)),
            (std::vector<std::string>{"floor", "high"}));
}

TEST_F(TtpStoreTest, ConstraintViolationsRejectTheWholeBatch) {
  auto no_anchor = tag("x", "T1");
  no_anchor.attacker_uuid.reset();
  expect_store_error(StoreError::Kind::kConstraint, [&] { insert({tag("ok", "T1"), no_anchor}); });
  expect_store_error(StoreError::Kind::kConstraint,
                     [&] { insert({tag("over", "T1", std::nullopt, kT0, 1.5)}); });
  auto unknown_attacker = tag("fk", "T1");
  unknown_attacker.attacker_uuid = "no-such-attacker";
  expect_store_error(StoreError::Kind::kConstraint, [&] { insert({unknown_attacker}); });
  auto bad_evidence = tag("ev", "T1");
  bad_evidence.evidence = R"(["not","an","object"])";
  expect_store_error(StoreError::Kind::kInvalid, [&] { insert({bad_evidence}); });
  bad_evidence.evidence = "{broken";
  expect_store_error(StoreError::Kind::kInvalid, [&] { insert({bad_evidence}); });
  EXPECT_EQ(ttp_->count_tags(), 0);
}

TEST_F(TtpStoreTest, IdentityOnlyTagIsAllowed) {
  identity("ident-1");
  auto t = tag("identity-src", "T1110", "T1110.003");
  t.source_kind = "identity";
  t.attacker_uuid.reset();
  t.identity_uuid = "ident-1";
  t.mitre_url.reset();
  EXPECT_EQ(insert({t}), 1);
  const auto rows = ttp_->list_tags_by_scope(TagScope::kIdentity, "ident-1");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].attacker_uuid.has_value());
  EXPECT_FALSE(rows[0].mitre_url.has_value());
}

TEST_F(TtpStoreTest, EvidenceKeepsNonAsciiAndQuotes) {
  auto t = tag("ev", "T1059");
  const nlohmann::json evidence = {{"command_text", "echo \"h\xc3\xa9llo\" > '\xe2\x86\x92'"},
                                   {"matched", {"\xf0\x9f\x94\x91", "\\n"}}};
  t.evidence = evidence.dump();
  insert({t});
  const auto rows = ttp_->list_tags_by_scope(TagScope::kAttacker, attacker_);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(rows[0].evidence), evidence);
}

TEST_F(TtpStoreTest, ScopedTagQueriesFilterAndOrderNewestFirst) {
  const auto other = attacker("203.0.113.51");
  auto foreign = tag("foreign", "T1083", std::nullopt, kT0 + 9);
  foreign.attacker_uuid = other;
  foreign.session_id = "sess-2";
  insert({tag("old", "T1083", std::nullopt, kT0 + 1), tag("new", "T1083", std::nullopt, kT0 + 3),
          tag("sub", "T1083", "T1083.001", kT0 + 2), tag("else", "T1059", std::nullopt, kT0 + 4),
          foreign});
  EXPECT_EQ(source_ids(ttp_->list_tags_by_scope_and_technique(TagScope::kAttacker, attacker_,
                                                              "T1083", std::nullopt)),
            (std::vector<std::string>{"new", "sub", "old"}));
  EXPECT_EQ(source_ids(ttp_->list_tags_by_scope_and_technique(TagScope::kAttacker, attacker_,
                                                              "T1083", "T1083.001")),
            (std::vector<std::string>{"sub"}));
  EXPECT_EQ(source_ids(ttp_->list_tags_by_scope_and_technique(TagScope::kSession, "sess-2", "T1083",
                                                              std::nullopt)),
            (std::vector<std::string>{"foreign"}));
  EXPECT_EQ(source_ids(ttp_->list_tags_by_scope_and_technique(TagScope::kAttacker, attacker_,
                                                              "T1083", std::nullopt, 2)),
            (std::vector<std::string>{"new", "sub"}));
  EXPECT_EQ(ttp_->list_tags_by_scope_and_technique(TagScope::kAttacker, attacker_, "T1083",
                                                   std::nullopt, 0)
                .size(),
            1u);  // clamped
  EXPECT_EQ(source_ids(ttp_->list_tags_by_scope(TagScope::kSession, "sess-1")),
            (std::vector<std::string>{"else", "new", "sub", "old"}));
  EXPECT_EQ(source_ids(ttp_->list_tags_by_technique("T1083", kT0 + 2)),
            (std::vector<std::string>{"foreign", "new", "sub"}));
  EXPECT_TRUE(
      ttp_->list_tags_by_scope_and_technique(TagScope::kAttacker, "unknown", "T1083", std::nullopt)
          .empty());
}

TEST_F(TtpStoreTest, IdentityScopeCoversTheIdentitysAttackers) {
  identity("ident-1");
  identity("ident-2");
  link(attacker_, "ident-1");
  const auto stranger = attacker("203.0.113.52");
  auto direct = tag("direct", "T1110", std::nullopt, kT0 + 1);
  direct.attacker_uuid.reset();
  direct.identity_uuid = "ident-1";
  auto foreign = tag("foreign", "T1110", std::nullopt, kT0 + 3);
  foreign.attacker_uuid = stranger;
  foreign.identity_uuid = "ident-2";
  insert({direct, tag("via-attacker", "T1110", std::nullopt, kT0 + 2), foreign});
  EXPECT_EQ(source_ids(ttp_->list_tags_by_scope_and_technique(TagScope::kIdentity, "ident-1",
                                                              "T1110", std::nullopt)),
            (std::vector<std::string>{"via-attacker", "direct"}));
  // The attacker scope excludes identity-only tags.
  EXPECT_EQ(source_ids(ttp_->list_tags_by_scope(TagScope::kAttacker, attacker_)),
            (std::vector<std::string>{"via-attacker"}));
  const auto rollup = ttp_->list_technique_rollup_by_scope(TagScope::kIdentity, "ident-1");
  ASSERT_EQ(rollup.size(), 1u);
  EXPECT_EQ(rollup[0].count, 2);
}

TEST_F(TtpStoreTest, RollupsGroupByTechniqueAndSubTechnique) {
  auto strong = tag("c", "T1083", std::nullopt, kT0 + 7, 0.9);
  strong.tactic = "TA0009";
  insert({tag("a", "T1083", std::nullopt, kT0 + 5), strong, tag("b", "T1083", "T1083.001", kT0),
          tag("d", "T1059", "T1059.004", kT0 + 1)});
  const auto fleet = ttp_->list_technique_rollup();
  ASSERT_EQ(fleet.size(), 3u);
  EXPECT_EQ(fleet[0].technique_id, "T1059");
  EXPECT_EQ(fleet[1].technique_id, "T1083");
  EXPECT_FALSE(fleet[1].sub_technique_id.has_value());  // none sorts first
  EXPECT_EQ(fleet[1].count, 2);
  EXPECT_EQ(fleet[1].first_seen, kT0 + 5);
  EXPECT_EQ(fleet[1].last_seen, kT0 + 7);
  EXPECT_DOUBLE_EQ(fleet[1].confidence_max, 0.9);
  EXPECT_EQ(fleet[1].tactic, "TA0009");  // MAX(tactic)
  EXPECT_EQ(fleet[2].sub_technique_id, "T1083.001");
  EXPECT_EQ(fleet[2].count, 1);
  EXPECT_EQ(ttp_->list_technique_rollup_by_scope(TagScope::kAttacker, attacker_).size(), 3u);
  EXPECT_EQ(ttp_->list_technique_rollup_by_scope(TagScope::kSession, "sess-1").size(), 3u);
  EXPECT_TRUE(ttp_->list_technique_rollup_by_scope(TagScope::kSession, "sess-9").empty());
}

// The reference's campaign rollup joined on ttp_tag.identity_uuid only, so the tags of a
// campaign identity's attackers were missing although by-identity counted them. Both count here.
TEST_F(TtpStoreTest, CampaignRollupCountsIdentitiesDirectlyAndThroughAttackers) {
  identity("ident-1", "camp-1");
  identity("ident-2", "camp-1");
  identity("ident-3", "camp-2");
  link(attacker_, "ident-2");
  const auto outsider = attacker("203.0.113.53");
  link(outsider, "ident-3");
  auto direct = tag("direct", "T1110", std::nullopt, kT0 + 1);
  direct.attacker_uuid.reset();
  direct.identity_uuid = "ident-1";
  auto twice = direct;
  twice.source_id = "direct-2";
  auto elsewhere = tag("elsewhere", "T1110", std::nullopt, kT0 + 9);
  elsewhere.attacker_uuid = outsider;
  insert({direct, twice, tag("via-attacker", "T1110", std::nullopt, kT0 + 2), elsewhere});
  const auto rows = ttp_->list_technique_rollup_by_campaign("camp-1");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].count, 3);
  EXPECT_EQ(rows[0].identity_count, 2);
  EXPECT_EQ(rows[0].last_seen, kT0 + 2);
  EXPECT_EQ(ttp_->list_technique_rollup_by_campaign("camp-2").at(0).identity_count, 1);
  EXPECT_TRUE(ttp_->list_technique_rollup_by_campaign("camp-9").empty());
}

TEST_F(TtpStoreTest, RulesUpsertListGetDelete) {
  write([&](WriteScope& w) {
    ttp_->upsert_rule(w, {"R0014", 1, "./rules/ttp/R0014.yaml", "id: R0014\n", kT0, "filesystem"});
    ttp_->upsert_rule(w, {"R0001", 1, "./rules/ttp/R0001.yaml", "id: R0001\n", kT0 + 5, "git"});
  });
  write([&](WriteScope& w) {
    ttp_->upsert_rule(
        w, {"R0014", 2, "./rules/ttp/R0014.yaml", "id: R0014\nv: 2\n", kT0 + 10, "admin"});
  });
  const auto rules = ttp_->list_rules();
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].rule_id, "R0001");
  const auto r = ttp_->get_rule("R0014");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->rule_version, 2);
  EXPECT_EQ(r->yaml_content, "id: R0014\nv: 2\n");
  EXPECT_EQ(r->updated_at, kT0 + 10);
  EXPECT_EQ(r->updated_by, "admin");
  const auto since = ttp_->list_rules_updated_since(kT0 + 5);
  ASSERT_EQ(since.size(), 2u);
  EXPECT_EQ(since[0].rule_id, "R0001");  // oldest first
  EXPECT_EQ(since[1].rule_id, "R0014");
  EXPECT_EQ(ttp_->list_rules_updated_since(kT0 + 6).size(), 1u);
  EXPECT_TRUE(write([&](WriteScope& w) { return ttp_->delete_rule(w, "R0001"); }));
  EXPECT_FALSE(write([&](WriteScope& w) { return ttp_->delete_rule(w, "R0001"); }));
  EXPECT_FALSE(ttp_->get_rule("R0001").has_value());
  EXPECT_EQ(ttp_->list_rules().size(), 1u);
}

TEST_F(TtpStoreTest, RuleStateSetGetListClear) {
  write([&](WriteScope& w) {
    ttp_->set_rule_state(w, {"R0014", "clipped", 0.5, kT0 + 100, "noisy", "op", kT0});
    ttp_->set_rule_state(
        w, {"R0001", "disabled", std::nullopt, std::nullopt, std::nullopt, std::nullopt, kT0});
  });
  const auto s = ttp_->get_rule_state("R0014");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->state, "clipped");
  EXPECT_EQ(s->confidence_max, 0.5);
  EXPECT_EQ(s->expires_at, kT0 + 100);
  EXPECT_EQ(s->reason, "noisy");
  EXPECT_EQ(s->set_by, "op");
  EXPECT_EQ(s->set_at, kT0);
  EXPECT_FALSE(ttp_->get_rule_state("R0001")->confidence_max.has_value());
  write([&](WriteScope& w) {
    ttp_->set_rule_state(
        w, {"R0014", "enabled", std::nullopt, std::nullopt, std::nullopt, "op2", kT0 + 1});
  });
  const auto replaced = ttp_->get_rule_state("R0014");
  EXPECT_EQ(replaced->state, "enabled");
  EXPECT_FALSE(replaced->reason.has_value());
  EXPECT_EQ(replaced->set_by, "op2");
  const auto states = ttp_->list_rule_states();
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0].rule_id, "R0001");
  EXPECT_TRUE(write([&](WriteScope& w) { return ttp_->clear_rule_state(w, "R0014"); }));
  EXPECT_FALSE(write([&](WriteScope& w) { return ttp_->clear_rule_state(w, "R0014"); }));
  EXPECT_FALSE(ttp_->get_rule_state("R0014").has_value());
}

TEST_F(TtpStoreTest, IllegalRuleStateIsRefused) {
  TtpRuleState bad{"R0014", "paused", std::nullopt, std::nullopt, std::nullopt, std::nullopt, kT0};
  expect_store_error(StoreError::Kind::kInvalid,
                     [&] { write([&](WriteScope& w) { ttp_->set_rule_state(w, bad); }); });
  bad.state = "clipped";
  bad.confidence_max = 1.5;
  expect_store_error(StoreError::Kind::kInvalid,
                     [&] { write([&](WriteScope& w) { ttp_->set_rule_state(w, bad); }); });
  EXPECT_TRUE(ttp_->list_rule_states().empty());
}

TEST_F(TtpStoreTest, HostileStringsRoundTripThroughEveryWritePath) {
  std::int64_t at = kT0;
  for (const auto& s : hostile_strings()) {
    ++at;
    auto t = tag(s, s, s, at);
    t.source_kind = s;
    t.session_id = s;
    t.decky_id = s;
    t.tactic = s;
    t.rule_id = s;
    t.mitre_url = s;
    t.attack_release = s;
    t.evidence = nlohmann::json{{"value", s}}.dump();
    EXPECT_EQ(insert({t}), 1);
    EXPECT_EQ(insert({t}), 0);
    const auto rows = ttp_->list_tags_by_scope_and_technique(TagScope::kSession, s, s, s);
    ASSERT_EQ(rows.size(), 1u);
    const auto& r = rows[0];
    EXPECT_EQ(r.uuid, compute_tag_uuid(s, s, s, 2, s, s));
    EXPECT_EQ(r.source_kind, s);
    EXPECT_EQ(r.source_id, s);
    EXPECT_EQ(r.decky_id, s);
    EXPECT_EQ(r.tactic, s);
    EXPECT_EQ(r.technique_id, s);
    EXPECT_EQ(r.sub_technique_id, s);
    EXPECT_EQ(r.rule_id, s);
    EXPECT_EQ(r.mitre_url, s);
    EXPECT_EQ(r.attack_release, s);
    EXPECT_EQ(nlohmann::json::parse(r.evidence)["value"], s);
    EXPECT_EQ(ttp_->list_technique_rollup_by_scope(TagScope::kSession, s).size(), 1u);

    write([&](WriteScope& w) {
      ttp_->upsert_rule(w, {s, 1, s, s, at, s});
      ttp_->set_rule_state(w, {s, "disabled", std::nullopt, std::nullopt, s, s, at});
    });
    const auto rule = ttp_->get_rule(s);
    ASSERT_TRUE(rule.has_value());
    EXPECT_EQ(rule->source_path, s);
    EXPECT_EQ(rule->yaml_content, s);
    EXPECT_EQ(rule->updated_by, s);
    const auto state = ttp_->get_rule_state(s);
    ASSERT_TRUE(state.has_value());
    EXPECT_EQ(state->reason, s);
    EXPECT_EQ(state->set_by, s);
  }
  EXPECT_EQ(ttp_->count_tags(), static_cast<std::int64_t>(hostile_strings().size()));
  EXPECT_EQ(ttp_->list_rules().size(), hostile_strings().size());
}

}  // namespace
}  // namespace decnet::store
