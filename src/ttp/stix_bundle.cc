#include "ttp/stix_bundle.h"

#include <cmath>
#include <set>

#include "core/json_text.h"
#include "core/time.h"
#include "core/uuid.h"
#include "ttp/event_tagger.h"

namespace decnet::ttp {
namespace {

using nlohmann::json;

// The namespace DECNET's STIX ids are derived in (the reference's, so its exports and ours name
// the same organisation), and STIX 2.1's own for cyber-observable ids (section 2.9).
constexpr core::Uuid kDecnetNamespace{{0xb5, 0xd2, 0xc3, 0xa1, 0x8f, 0x4e, 0x4d, 0x1b, 0x9a, 0x6c,
                                       0x0e, 0x7f, 0x5b, 0x3d, 0x2c, 0x1a}};
constexpr core::Uuid kStixObservableNamespace{{0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c, 0x9c,
                                               0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7}};

std::string sdo_id(std::string_view type, std::string_view key) {
  return std::string(type) + "--" +
         core::Uuid::v5(kDecnetNamespace, std::string(type) + ":" + std::string(key)).str();
}

// An observable's id: its id-contributing properties as canonical JSON (keys sorted, no
// whitespace: what json_text gives for these objects).
std::string sco_id(std::string_view type, const json& contributing) {
  return std::string(type) + "--" +
         core::Uuid::v5(kStixObservableNamespace, core::json_text(contributing)).str();
}

// `created` of the objects whose facts do not change from one export to the next (the DECNET
// identity, ATT&CK attack patterns, an identity's intrusion set): STIX keeps an object's created
// time across versions, so it cannot be the export's (2024-04-23, ATT&CK 15.1's release).
constexpr std::int64_t kFixedCreated = 1'713'830'400'000'000;

// STIX timestamps: UTC, "Z", millisecond precision.
std::string stix_time(std::int64_t micros) {
  const auto whole = core::format_rfc3339(micros - micros % 1'000'000, false);  // ...:SSZ
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03lld", static_cast<long long>((micros % 1'000'000) / 1000));
  return whole.substr(0, whole.size() - 1) + ms + "Z";
}

json common(std::string_view type, std::string id, std::int64_t created, std::int64_t modified) {
  return {{"type", type},
          {"spec_version", "2.1"},
          {"id", std::move(id)},
          {"created", stix_time(created)},
          {"modified", stix_time(std::max(created, modified))},
          {"created_by_ref", decnet_identity_id()}};
}

bool is_v6(const std::string& ip) {
  return ip.find(':') != std::string::npos;
}

std::string pattern_literal(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

class BundleBuilder {
 public:
  BundleBuilder(const AttackCatalog& catalog, std::int64_t now) : catalog_(catalog), now_(now) {
    auto org = common("identity", decnet_identity_id(), kFixedCreated, kFixedCreated);
    org.erase("created_by_ref");
    org["name"] = "DECNET";
    org["identity_class"] = "organization";
    org["description"] = "DECNET honeypot platform \xe2\x80\x94 automated threat observation";
    add(std::move(org));
  }

  void attacker(const AttackerExport& a) {
    const auto first = a.first_seen ? a.first_seen : now_;
    const auto last = std::max(first, a.last_seen ? a.last_seen : now_);
    const auto address_type = is_v6(a.ip) ? "ipv6-addr" : "ipv4-addr";
    const auto address = sco_id(address_type, {{"value", a.ip}});
    add({{"type", address_type}, {"spec_version", "2.1"}, {"id", address}, {"value", a.ip}});
    auto refs = json::array({address});
    for (const auto& d : a.smtp_domains) {
      const auto id = sco_id("domain-name", {{"value", d}});
      add({{"type", "domain-name"}, {"spec_version", "2.1"}, {"id", id}, {"value", d}});
      refs.push_back(id);
    }
    const auto observed = sdo_id("observed-data", a.uuid);
    auto od = common("observed-data", observed, first, last);
    od["first_observed"] = stix_time(first);
    od["last_observed"] = stix_time(last);
    od["number_observed"] = std::clamp<std::int64_t>(a.event_count, 1, 999'999'999);
    od["object_refs"] = std::move(refs);
    add(std::move(od));

    const auto key = a.identity_uuid.value_or(a.uuid);
    const auto set_id = sdo_id("intrusion-set", key);
    // A lone attacker's set is as old as the attacker; an identity's outlives any one export.
    auto set = common("intrusion-set", set_id, a.identity_uuid ? kFixedCreated : first, last);
    set["name"] = (a.identity_uuid ? "DECNET-identity-" : "DECNET-attacker-") + key.substr(0, 8);
    set["first_seen"] = stix_time(first);
    set["last_seen"] = stix_time(last);
    if (a.country_code) set["x_decnet_country_code"] = *a.country_code;
    if (a.asn) set["x_decnet_asn"] = *a.asn;
    if (a.as_name) set["x_decnet_as_name"] = *a.as_name;
    merge_set(std::move(set));

    const auto pattern_type = is_v6(a.ip) ? "ipv6-addr" : "ipv4-addr";
    indicator(sdo_id("indicator", "address:" + a.uuid), "DECNET attacker " + a.ip,
              std::string("[") + pattern_type + ":value = '" + pattern_literal(a.ip) + "']", first,
              last, set_id);
    for (const auto& sha : a.file_sha256s) {
      indicator(sdo_id("indicator", "file:" + sha), "File dropped on a DECNET decky",
                "[file:hashes.'SHA-256' = '" + pattern_literal(sha) + "']", first, last, set_id);
    }
    for (const auto& t : a.tags) {
      const auto technique = t.sub_technique_id.value_or(t.technique_id);
      const auto pattern = attack_pattern(technique);
      relationship("uses", set_id, pattern, first, last);
      const auto when = t.created_at ? t.created_at : now_;
      auto s = common("sighting", "sighting--" + t.uuid, when, when);
      s["sighting_of_ref"] = pattern;
      s["where_sighted_refs"] = json::array({decnet_identity_id()});
      s["observed_data_refs"] = json::array({observed});
      s["first_seen"] = stix_time(when);
      s["last_seen"] = stix_time(when);
      s["count"] = 1;
      s["confidence"] = std::lround(t.confidence * 100);
      s["description"] = "rule " + t.rule_id + " on " + t.source_kind + " " + t.source_id;
      add(std::move(s));
    }
    if (a.intel_verdict) {
      auto note = common("note", sdo_id("note", "intel:" + a.uuid), first, last);
      note["abstract"] = "DECNET threat-intel verdict";
      note["content"] = "aggregate_verdict: " + *a.intel_verdict;
      note["object_refs"] = json::array({set_id});
      add(std::move(note));
    }
  }

  json bundle() && {
    return {{"type", "bundle"},
            {"id", "bundle--" + core::Uuid::v4().str()},
            {"objects", std::move(objects_)}};
  }

 private:
  void add(json object) {
    const auto id = object["id"].get<std::string>();
    if (!ids_.insert(id).second) return;
    objects_.push_back(std::move(object));
  }

  // An identity's attackers share one intrusion set: its seen-window is theirs together.
  void merge_set(json set) {
    const auto id = set["id"].get<std::string>();
    if (ids_.insert(id).second) {
      objects_.push_back(std::move(set));
      return;
    }
    for (auto& o : objects_) {
      if (o["id"] != id) continue;
      if (set["first_seen"].get<std::string>() < o["first_seen"].get<std::string>()) {
        o["first_seen"] = set["first_seen"];
      }
      if (set["last_seen"].get<std::string>() > o["last_seen"].get<std::string>()) {
        o["last_seen"] = set["last_seen"];
        o["modified"] = set["modified"];
      }
    }
  }

  void indicator(const std::string& id, std::string name, std::string pattern, std::int64_t first,
                 std::int64_t last, const std::string& set_id) {
    auto i = common("indicator", id, first, last);
    i["name"] = std::move(name);
    i["indicator_types"] = json::array({"malicious-activity"});
    i["pattern"] = std::move(pattern);
    i["pattern_type"] = "stix";
    i["valid_from"] = stix_time(first);
    add(std::move(i));
    relationship("indicates", id, set_id, first, last);
  }

  void relationship(std::string_view type, const std::string& source, const std::string& target,
                    std::int64_t first, std::int64_t last) {
    auto r = common("relationship",
                    sdo_id("relationship", std::string(type) + ":" + source + ":" + target), first,
                    last);
    r["relationship_type"] = type;
    r["source_ref"] = source;
    r["target_ref"] = target;
    add(std::move(r));
  }

  std::string attack_pattern(const std::string& technique) {
    auto id = sdo_id("attack-pattern", technique);
    if (ids_.contains(id)) return id;
    auto p = common("attack-pattern", id, kFixedCreated, kFixedCreated);
    const auto* known = catalog_.technique(technique);
    p["name"] = known ? known->name : technique;
    p["external_references"] = json::array({{{"source_name", "mitre-attack"},
                                             {"external_id", technique},
                                             {"url", mitre_url(technique)}}});
    if (known && !known->tactics.empty()) {
      auto phases = json::array();
      for (const auto& tactic : known->tactics) {
        phases.push_back({{"kill_chain_name", "mitre-attack"}, {"phase_name", tactic}});
      }
      p["kill_chain_phases"] = std::move(phases);
    }
    add(std::move(p));
    return id;
  }

  const AttackCatalog& catalog_;
  std::int64_t now_;
  json objects_ = json::array();
  std::set<std::string> ids_;
};

}  // namespace

std::string decnet_identity_id() {
  return "identity--" + core::Uuid::v5(kDecnetNamespace, "decnet-honeypot").str();
}

json stix_bundle(const std::vector<AttackerExport>& attackers, const AttackCatalog& catalog,
                 std::int64_t now) {
  BundleBuilder builder(catalog, now);
  for (const auto& a : attackers) builder.attacker(a);
  return std::move(builder).bundle();
}

}  // namespace decnet::ttp
