// The rule pack of rules/ttp as shipped: it loads whole, covers the pattern techniques, and
// every rule fires on each of its own fixtures and stays silent on its counter-fixtures; a
// fixture that fires only through the regular expression but not through the literal
// prefilter would show up here as a miss.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "ttp/event_tagger.h"
#include "ttp/lifter.h"
#include "ttp/pattern_matcher.h"
#include "ttp/rule_loader.h"

namespace decnet::ttp {
namespace {

const std::filesystem::path kShippedPack =
    std::filesystem::path(DECNET_SOURCE_DIR) / "rules" / "ttp";

bool fires(const PatternMatcher& m, const Rule& rule, const std::string& text) {
  for (const auto& kind : rule.applies_to) {
    for (const auto* hit : m.match_text(kind, text)) {
      if (hit == &rule) return true;
    }
  }
  return false;
}

TEST(RulePack, EveryRuleFiresOnItsFixturesAndOnlyThere) {
  const auto rules = load_rule_directory(kShippedPack);
  ASSERT_GE(rules.size(), 23u);
  const PatternMatcher matcher(rules);
  for (const auto& rule : rules) {
    if (rule.is_lifter()) continue;
    SCOPED_TRACE(rule.rule_id + " " + rule.name);
    EXPECT_GE(rule.fires_on.size(), 2u) << "a pattern rule needs fixtures that fire it";
    EXPECT_FALSE(rule.silent_on.empty()) << "a pattern rule needs fixtures that do not";
    for (const auto& text : rule.fires_on) EXPECT_TRUE(fires(matcher, rule, text)) << text;
    for (const auto& text : rule.silent_on) EXPECT_FALSE(fires(matcher, rule, text)) << text;
  }
}

bool lifter_fires(const EventTagger& tagger, const Rule& rule, const nlohmann::json& payload) {
  for (const auto& kind : rule.applies_to) {
    TagEvent e;
    e.source_kind = kind;
    e.source_id = "fixture";
    e.attacker_uuid = "a";
    e.payload = payload;
    for (const auto* hit : tagger.firing_rules(e)) {
      if (hit->rule_id == rule.rule_id) return true;
    }
  }
  return false;
}

TEST(RulePack, EveryLifterRuleFiresOnItsPayloadsAndOnlyThere) {
  const EventTagger tagger(load_rule_directory(kShippedPack));
  std::size_t lifters = 0;
  for (const auto& rule : tagger.rules()) {
    if (!rule.is_lifter()) continue;
    ++lifters;
    SCOPED_TRACE(rule.rule_id + " " + rule.name);
    EXPECT_GE(rule.fires_on_payloads.size(), 2u) << "a lifter rule needs payloads that fire it";
    EXPECT_FALSE(rule.silent_on_payloads.empty()) << "and payloads that do not";
    for (const auto& p : rule.fires_on_payloads) EXPECT_TRUE(lifter_fires(tagger, rule, p)) << p;
    for (const auto& p : rule.silent_on_payloads) EXPECT_FALSE(lifter_fires(tagger, rule, p)) << p;
  }
  EXPECT_EQ(lifters, 36u);
}

TEST(RulePack, EveryLifterKindHasARule) {
  std::set<std::string> used;
  for (const auto& rule : load_rule_directory(kShippedPack)) used.insert(rule.lifter);
  for (const auto& kind : lifter_kinds()) EXPECT_TRUE(used.contains(kind)) << kind;
}

TEST(RulePack, CatchesTheCommandsTheReferenceMissed) {
  const auto rules = load_rule_directory(kShippedPack);
  const PatternMatcher matcher(rules);
  const auto ids = [&](const std::string& command) {
    std::set<std::string> out;
    for (const auto* r : matcher.match_text("command", command)) out.insert(r->rule_id);
    return out;
  };
  EXPECT_TRUE(ids("lsb_release -a").contains("R0018"));
  EXPECT_TRUE(ids("useradd -m -s /bin/bash backdoor").contains("R0024"));
  EXPECT_TRUE(ids("adduser --gecos '' backdoor").contains("R0024"));
}

TEST(RulePack, CoversThePatternTechniques) {
  std::set<std::string> techniques;
  for (const auto& rule : load_rule_directory(kShippedPack)) {
    for (const auto& e : rule.emits) techniques.insert(e.sub_technique_id.value_or(e.technique_id));
  }
  // Every parent technique and sub-technique of the reference's pack.
  for (const char* id :
       {"T1003", "T1016", "T1027", "T1029", "T1033", "T1036", "T1046", "T1049", "T1053",
        "T1056", "T1059", "T1070", "T1071", "T1078", "T1082", "T1083", "T1087", "T1090",
        "T1098", "T1105", "T1110", "T1135", "T1136", "T1190", "T1204", "T1213", "T1482",
        "T1485", "T1486", "T1496", "T1505", "T1548", "T1552", "T1557", "T1566", "T1567",
        "T1586", "T1588", "T1595", "T1602", "T1611"}) {
    EXPECT_TRUE(techniques.contains(id) ||
                std::any_of(techniques.begin(), techniques.end(),
                            [&](const std::string& t) { return t.rfind(id, 0) == 0; }))
        << id;
  }
  for (const char* id :
       {"T1003.008", "T1036.005", "T1053.003", "T1059.004", "T1070.003", "T1071.001",
        "T1071.003", "T1078.001", "T1087.002", "T1098.004", "T1110.001", "T1110.003",
        "T1110.004", "T1136.001", "T1204.002", "T1505.003", "T1548.001", "T1548.003",
        "T1552.001", "T1552.007", "T1557.001", "T1566.001", "T1566.002", "T1566.003",
        "T1586.002", "T1588.001", "T1588.002", "T1595.002", "T1602.002"}) {
    EXPECT_TRUE(techniques.contains(id)) << id;
  }
}

TEST(RulePack, ThePayloadsFieldIsTheOneSearched) {
  const auto rules = load_rule_directory(kShippedPack);
  const PatternMatcher matcher(rules);
  const std::string agent = "sqlmap/1.7.2#stable (https://sqlmap.org)";
  const std::string url = "/index.php?id=1";
  const auto hits =
      matcher.match("http_request", [&](std::string_view field) -> const std::string* {
        if (field == "user_agent") return &agent;
        if (field == "raw_url") return &url;
        return nullptr;
      });
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]->rule_id, "R0007");
  // The User-Agent in the URL is not the User-Agent.
  const auto none =
      matcher.match("http_request", [&](std::string_view field) -> const std::string* {
        return field == "raw_url" ? &agent : nullptr;
      });
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace decnet::ttp
