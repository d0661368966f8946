#include "ttp/misp_event.h"

#include <set>

#include "core/time.h"
#include "core/uuid.h"

namespace decnet::ttp {
namespace {

using nlohmann::json;

// Event and attribute uuids are derived from what they describe, so a re-export updates the
// same event in MISP rather than creating another.
constexpr core::Uuid kMispNamespace{{0x3f, 0x1c, 0x6a, 0x52, 0x0b, 0x7e, 0x4c, 0x9d, 0x8e, 0x21,
                                     0x5a, 0x44, 0xd0, 0x93, 0x6b, 0x17}};

std::string derived(std::string_view key) {
  return core::Uuid::v5(kMispNamespace, key).str();
}

std::string seconds(std::int64_t micros) {
  return std::to_string(micros / 1'000'000);
}

json attribute(const std::string& event, std::string_view type, std::string_view category,
               const std::string& value, bool to_ids, std::string comment, std::int64_t when) {
  return {{"uuid", derived(event + "|" + std::string(type) + "|" + value)},
          {"type", type},
          {"category", category},
          {"value", value},
          {"to_ids", to_ids},
          {"distribution", "5"},
          {"comment", std::move(comment)},
          {"timestamp", seconds(when)}};
}

}  // namespace

json misp_event(const AttackerExport& a, const AttackCatalog& catalog, std::int64_t now) {
  const auto event_uuid = derived("event|" + a.uuid);
  const auto first = a.first_seen ? a.first_seen : now;
  const auto last = std::max(first, a.last_seen ? a.last_seen : now);
  auto attributes = json::array();
  attributes.push_back(attribute(event_uuid, "ip-src", "Network activity", a.ip, true,
                                 "attacker address seen by DECNET deckies", last));
  for (const auto& sha : a.file_sha256s) {
    attributes.push_back(attribute(event_uuid, "sha256", "Payload delivery", sha, true,
                                   "file dropped on a decky", last));
  }
  for (const auto& d : a.smtp_domains) {
    attributes.push_back(attribute(event_uuid, "domain", "Network activity", d, false,
                                   "mail domain the attacker targeted", last));
  }
  for (const auto& c : a.commands) {
    attributes.push_back(
        attribute(event_uuid, "text", "Other", c, false, "command run on a decky", last));
  }
  auto clusters = json::array();
  auto tags = json::array({{{"name", "tlp:amber"}}});
  std::set<std::string> seen;
  for (const auto& t : a.tags) {
    const auto id = t.sub_technique_id.value_or(t.technique_id);
    if (!seen.insert(id).second) continue;
    const auto* known = catalog.technique(id);
    const auto value = (known ? known->name : id) + " - " + id;
    clusters.push_back({{"type", "mitre-attack-pattern"},
                        {"value", value},
                        {"tag_name", "misp-galaxy:mitre-attack-pattern=\"" + value + "\""},
                        {"meta", {{"external_id", json::array({id})}}}});
    tags.push_back({{"name", "misp-galaxy:mitre-attack-pattern=\"" + value + "\""}});
  }
  json event = {{"uuid", event_uuid},
                {"info", "DECNET attacker " + a.ip},
                {"date", core::format_rfc3339(first, false).substr(0, 10)},
                {"threat_level_id", a.tags.empty() ? "3" : "2"},
                {"analysis", "2"},
                {"distribution", "0"},
                {"published", false},
                {"timestamp", seconds(now)},
                {"Attribute", std::move(attributes)},
                {"Tag", std::move(tags)}};
  if (!clusters.empty()) {
    event["Galaxy"] = json::array({{{"type", "mitre-attack-pattern"},
                                    {"name", "Attack Pattern"},
                                    {"namespace", "mitre-attack"},
                                    {"GalaxyCluster", std::move(clusters)}}});
  }
  if (a.intel_verdict) {
    event["Attribute"].push_back(attribute(event_uuid, "comment", "Other",
                                           "threat-intel verdict: " + *a.intel_verdict, false,
                                           "aggregate of the intel providers", last));
  }
  return {{"Event", std::move(event)}};
}

}  // namespace decnet::ttp
