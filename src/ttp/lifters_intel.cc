// Intel lifters: what threat-intel providers say an attacker's address does, as ATT&CK
// techniques. Each provider signal (an AbuseIPDB report category, a GreyNoise classification or
// tag, a Feodo Tracker listing, a ThreatFox threat type) maps to parent techniques; a rule emits
// only those of its emits, at its confidence scaled by how sure the provider is (AbuseIPDB's
// abuse score; 1 for a listing). The maps are the reference's.
#include <array>
#include <map>
#include <set>

#include "ttp/lifter_support.h"

namespace decnet::ttp::lifters {
namespace {

using nlohmann::json;

std::vector<std::int64_t> integers_at(const json& payload, const char* key) {
  std::vector<std::int64_t> out;
  const auto it = payload.find(key);
  if (it == payload.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_number_integer()) out.push_back(v.get<std::int64_t>());
  }
  return out;
}

// AbuseIPDB report categories (https://www.abuseipdb.com/categories) to techniques.
std::vector<std::string> abuseipdb_techniques(std::int64_t category, double score) {
  switch (category) {
    case 5:
    case 18:
    case 22:
      return {"T1110"};  // FTP/brute-force/SSH
    case 7:
    case 17:
      return {"T1566"};  // phishing, spoofing
    case 9:
    case 13:
      return {"T1090"};  // open proxy, VPN IP
    case 11:
      return score >= 80 ? std::vector<std::string>{"T1496", "T1566"}
                         : std::vector<std::string>{"T1496"};  // email spam
    case 14:
      return {"T1046", "T1595"};  // port scan
    case 15:
    case 16:
    case 21:
    case 23:
      return {"T1190"};  // hacking, SQLi, web app, IoT
    case 19:
      return {"T1595"};  // bad web bot
    case 20:
      return {"T1078"};  // exploited host
    default:
      return {};
  }
}

class AbuseIpdb final : public Lifter {
 public:
  std::vector<Firing> fire(const json& payload) const override {
    const auto score = number_at(payload, "abuseipdb_score");
    auto categories = integers_at(payload, "abuseipdb_categories");
    if (categories.empty()) categories = integers_at(payload, "categories");
    if (!score || categories.empty()) return {};
    std::map<std::string, std::vector<std::int64_t>> by_technique;
    for (const auto c : categories) {
      for (auto& t : abuseipdb_techniques(c, *score)) by_technique[t].push_back(c);
    }
    std::vector<Firing> out;
    out.reserve(by_technique.size());
    for (auto& [technique, cats] : by_technique) {
      out.push_back({technique,
                     std::clamp(*score / 100.0, 0.0, 1.0),
                     {{"abuseipdb_categories", cats},
                      {"abuse_confidence_score", static_cast<std::int64_t>(*score)}}});
    }
    return out;
  }
};

class GreyNoise final : public Lifter {
 public:
  std::vector<Firing> fire(const json& payload) const override {
    const auto classification = text_at(payload, "greynoise_classification").value_or("");
    const auto tags = texts_at(payload, "greynoise_tags");
    std::map<std::string, std::pair<double, std::set<std::string>>> found;
    const auto add = [&](const std::string& technique, double m, const std::string& signal) {
      auto& [mult, signals] = found[technique];
      mult = std::max(mult, m);
      signals.insert(signal);
    };
    if (classification == "scanner") add("T1595", 1.0, "scanner");
    for (const auto& raw : tags) {
      const auto tag = core::ascii_lower(raw);
      if (tag == "tor_exit_node" || tag == "tor exit node") add("T1090", 1.0, tag);
      if (tag == "ssh_bruteforcer" || tag == "ssh bruteforcer") add("T1110", 1.0, tag);
      if (tag == "web_crawler" || tag == "web crawler") add("T1595", 1.0, tag);
      if (tag == "cobalt_strike" || tag == "metasploit" || tag == "sliver" || tag == "havoc") {
        add("T1071", 1.0, tag);
        add("T1588", 1.0, tag);
      }
    }
    if (classification == "malicious" && !found.contains("T1071")) add("T1071", 0.5, "malicious");
    std::vector<Firing> out;
    out.reserve(found.size());
    for (auto& [technique, v] : found) {
      out.push_back({technique,
                     v.first,
                     {{"greynoise_classification", classification}, {"greynoise_tags", v.second}}});
    }
    return out;
  }
};

class Feodo final : public Lifter {
 public:
  std::vector<Firing> fire(const json& payload) const override {
    if (!is_true(payload, "feodo_listed")) return {};
    json extras = {{"feodo_listed", true}};
    auto family = text_at(payload, "feodo_malware_family");
    if (!family) family = text_at(payload, "malware_family");
    if (family) extras["malware_family"] = *family;
    return {{"T1071", 1.0, extras}, {"T1588", 1.0, extras}};
  }
};

class ThreatFox final : public Lifter {
 public:
  std::vector<Firing> fire(const json& payload) const override {
    auto types = texts_at(payload, "threatfox_threat_types");
    if (types.empty()) {
      if (auto legacy = text_at(payload, "threat_type")) types.push_back(*legacy);
    }
    std::map<std::string, std::set<std::string>> found;
    for (const auto& t : types) {
      if (t == "botnet_cc") found["T1071"].insert(t), found["T1588"].insert(t);
      if (t == "payload_delivery") found["T1105"].insert(t), found["T1588"].insert(t);
      if (t == "payload") found["T1588"].insert(t);
      if (t == "cc_skimming") found["T1056"].insert(t);
    }
    std::vector<Firing> out;
    for (auto& [technique, why] : found) {
      json extras = {{"threat_types", why}};
      if (auto f = texts_at(payload, "threatfox_malware_families"); !f.empty()) {
        extras["malware_families"] = f;
      }
      if (auto i = texts_at(payload, "threatfox_ioc_types"); !i.empty()) extras["ioc_types"] = i;
      out.push_back({technique, 1.0, std::move(extras)});
    }
    return out;
  }
};

template <typename L>
std::unique_ptr<Lifter> make_intel_lifter(const json&) {
  return std::make_unique<L>();
}

const std::array kIntelLifters = {
    LifterEntry{"lifter:intel_abuseipdb_category", make_intel_lifter<AbuseIpdb>},
    LifterEntry{"lifter:intel_greynoise_classification", make_intel_lifter<GreyNoise>},
    LifterEntry{"lifter:intel_feodo_listing", make_intel_lifter<Feodo>},
    LifterEntry{"lifter:intel_threatfox_threat_type", make_intel_lifter<ThreatFox>},
};

}  // namespace

std::span<const LifterEntry> intel_lifters() {
  return kIntelLifters;
}

}  // namespace decnet::ttp::lifters
