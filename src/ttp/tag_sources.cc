#include "ttp/tag_sources.h"

#include "core/time.h"
#include "ttp/lifter_support.h"

namespace decnet::ttp {
namespace {

std::int64_t time_at(const nlohmann::json& object, const char* key) {
  const auto text = lifters::text_at(object, key);
  if (!text) return 0;
  const auto parsed = core::parse_rfc3339(*text);
  return parsed ? parsed->micros_utc : 0;
}

nlohmann::json raw_of(const store::AttackerIntel& intel, const char* provider) {
  const auto it = intel.providers.find(provider);
  if (it == intel.providers.end() || it->second.error) return nlohmann::json::object();
  auto raw = nlohmann::json::parse(it->second.raw, nullptr, false);
  return raw.is_object() ? raw : nlohmann::json::object();
}

std::optional<std::string> verdict_of(const store::AttackerIntel& intel, const char* provider) {
  const auto it = intel.providers.find(provider);
  return it == intel.providers.end() || it->second.error ? std::nullopt : it->second.verdict;
}

}  // namespace

std::vector<TagEvent> session_events(const nlohmann::json& p) {
  std::vector<TagEvent> out;
  const auto attacker = lifters::text_at(p, "attacker_uuid");
  const auto session = lifters::text_at(p, "session_uuid");
  if (!attacker || !session) return out;
  TagEvent base;
  base.attacker_uuid = attacker;
  base.session_id = session;
  base.decky_id = lifters::text_at(p, "decky_id");
  const auto service = lifters::text_at(p, "service");
  std::string joined;
  if (const auto commands = p.find("commands"); commands != p.end() && commands->is_array()) {
    std::size_t n = 0;
    for (const auto& c : *commands) {
      // Positions count every element, so a source id names the same command however it is read.
      const auto index = n++;
      if (!c.is_object()) continue;
      const auto text = lifters::text_at(c, "command_text");
      if (!text) continue;
      TagEvent e = base;
      e.source_kind = "command";
      e.source_id = *session + "#" + std::to_string(index);
      e.payload = {{"command_text", *text}};
      if (service) e.payload["service"] = *service;
      e.at = time_at(c, "ts");
      out.push_back(std::move(e));
      if (!joined.empty()) joined += '\n';
      joined += *text;
    }
  }
  TagEvent s = base;
  s.source_kind = "session";
  s.source_id = *session;
  s.at = time_at(p, "ended_at");
  s.payload = nlohmann::json::object();
  for (const char* key : {"service", "outcome", "duration_s", "bytes", "command_count"}) {
    if (const auto it = p.find(key); it != p.end() && !it->is_null()) s.payload[key] = *it;
  }
  if (!joined.empty()) s.payload["command_text"] = std::move(joined);
  out.push_back(std::move(s));
  return out;
}

TagEvent intel_event(const store::AttackerIntel& intel) {
  TagEvent e;
  e.source_kind = "intel";
  // One event per pass: a later pass that finds more tags more, one that finds the same adds
  // nothing (the tags of an earlier pass have other ids but the same techniques).
  e.source_id = "intel:" + intel.attacker_uuid + ":" + std::to_string(intel.cached_at);
  e.attacker_uuid = intel.attacker_uuid;
  e.at = intel.cached_at;
  auto& p = e.payload;
  p["attacker_ip"] = intel.attacker_ip;
  p["aggregate_verdict"] = intel.aggregate_verdict;
  const auto abuse = raw_of(intel, "abuseipdb");
  if (const auto s = abuse.find("abuseConfidenceScore"); s != abuse.end() && s->is_number()) {
    p["abuseipdb_score"] = *s;
  }
  if (const auto c = abuse.find("categories"); c != abuse.end() && c->is_array()) {
    p["abuseipdb_categories"] = *c;
  }
  const auto grey = raw_of(intel, "greynoise");
  if (const auto c = lifters::text_at(grey, "classification")) p["greynoise_classification"] = *c;
  if (const auto t = grey.find("tags"); t != grey.end() && t->is_array()) p["greynoise_tags"] = *t;
  if (const auto n = lifters::text_at(grey, "name")) p["greynoise_name"] = *n;
  if (verdict_of(intel, "feodo").value_or("") == "malicious") {
    p["feodo_listed"] = true;
    // A listed address's feed entry: {"listed": true, "entry": {..., "malware": ...}}.
    const auto feodo = raw_of(intel, "feodo");
    const auto entry = feodo.find("entry");
    if (entry != feodo.end() && entry->is_object()) {
      if (const auto m = lifters::text_at(*entry, "malware")) p["feodo_malware_family"] = *m;
    }
  }
  const auto fox = raw_of(intel, "threatfox");
  for (const char* key : {"threat_types", "ioc_types", "malware_families"}) {
    if (const auto it = fox.find(key); it != fox.end() && it->is_array()) {
      p[std::string("threatfox_") + key] = *it;
    }
  }
  return e;
}

std::vector<TagEvent> credential_events(const nlohmann::json& p) {
  std::vector<TagEvent> out;
  const auto id = lifters::text_at(p, "id");
  const auto attackers = p.find("attacker_uuids");
  const auto targets = p.find("target_count");
  if (!id || attackers == p.end() || !attackers->is_array() || targets == p.end() ||
      !targets->is_number_integer()) {
    return out;
  }
  const auto target_count = targets->get<std::int64_t>();
  for (const auto& a : *attackers) {
    if (!a.is_string() || a.get_ref<const std::string&>().empty()) continue;
    TagEvent e;
    e.source_kind = "credential";
    // One per (finding, attacker): a finding that grows to more targets tags nobody twice.
    e.source_id = "reuse:" + *id + ":" + a.get<std::string>();
    e.attacker_uuid = a.get<std::string>();
    e.payload = {{"credential_hash", *id},
                 {"reuse_count", std::max<std::int64_t>(0, target_count - 1)},
                 {"target_count", target_count}};
    if (const auto kind = lifters::text_at(p, "secret_kind")) e.payload["secret_kind"] = *kind;
    out.push_back(std::move(e));
  }
  return out;
}

std::optional<TagEvent> email_event(const nlohmann::json& p) {
  const auto attacker = lifters::text_at(p, "attacker_uuid");
  auto source = lifters::text_at(p, "source_id");
  if (!source) source = lifters::text_at(p, "stored_as");
  if (!attacker || !source) return std::nullopt;
  TagEvent e;
  e.source_kind = "email";
  e.source_id = *source;
  e.attacker_uuid = attacker;
  e.decky_id = lifters::text_at(p, "decky_id");
  e.payload = p;
  return e;
}

std::optional<TagEvent> identity_event(const nlohmann::json& p) {
  const auto identity = lifters::text_at(p, "identity_uuid");
  if (!identity) return std::nullopt;
  TagEvent e;
  e.source_kind = "identity";
  // One per identity and shared secret: a merge that grows the sprayed accounts tags nothing new.
  e.source_id = *identity + "#" + lifters::text_at(p, "shared_password_hash").value_or("identity");
  e.identity_uuid = identity;
  e.payload = p;
  return e;
}

std::optional<TagEvent> canary_event(const nlohmann::json& p) {
  auto source = lifters::text_at(p, "source_id");
  if (!source) source = lifters::text_at(p, "trigger_uuid");
  if (!source) source = lifters::text_at(p, "token_id");
  if (!source) return std::nullopt;
  TagEvent e;
  e.source_kind = "canary_fingerprint";
  e.source_id = "canary:" + *source;
  e.attacker_uuid = lifters::text_at(p, "attacker_uuid");
  e.identity_uuid = lifters::text_at(p, "identity_uuid");
  e.decky_id = lifters::text_at(p, "decky_id");
  e.payload = p;
  return e;
}

std::optional<TagEvent> ipv6_leak_event(const nlohmann::json& p) {
  auto addr = lifters::text_at(p, "addr");
  if (!addr) addr = lifters::text_at(p, "src_ip");
  if (!addr) return std::nullopt;
  TagEvent e;
  e.source_kind = "ipv6_leak";
  e.attacker_uuid = lifters::text_at(p, "attacker_uuid");
  // One per attacker and leaked address, however often it is seen again.
  e.source_id =
      "ipv6:" + e.attacker_uuid.value_or(lifters::text_at(p, "attacker_ip").value_or("")) + ":" +
      *addr;
  e.decky_id = lifters::text_at(p, "decky_id");
  e.payload = p;
  return e;
}

std::optional<TagEvent> beaconing_event(const std::string& attacker_uuid,
                                        const store::AttackerBehaviour& b) {
  if (!b.beacon_interval_s || !b.beacon_jitter_pct) return std::nullopt;
  TagEvent e;
  e.source_kind = "session";
  e.source_id = attacker_uuid + "#beaconing";
  e.attacker_uuid = attacker_uuid;
  // Stored as a percentage (cv × 100); the rule's threshold is a fraction.
  e.payload = {{"beacon_interval_s", *b.beacon_interval_s},
               {"beacon_jitter_pct", *b.beacon_jitter_pct / 100.0}};
  return e;
}

}  // namespace decnet::ttp
