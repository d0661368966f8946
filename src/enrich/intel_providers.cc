// The four providers of the reference, with its request shapes and verdict rules, and its
// defects fixed: AbuseIPDB is asked with `verbose` so report categories are filled, pacing and
// daily caps are enforced, and Feodo's failed refresh is retried with backoff rather than on
// every lookup.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "core/json_text.h"
#include "core/time.h"
#include "enrich/intel_provider.h"

namespace decnet::enrich {
namespace {

using Json = nlohmann::json;

std::string http_error(const IntelHttpResponse& r) {
  return r.status ? "HTTP " + std::to_string(*r.status) : r.error;
}

store::ProviderIntel answer(std::optional<std::string> verdict, const Json& raw) {
  store::ProviderIntel out;
  out.verdict = std::move(verdict);
  out.raw = core::json_text(raw);
  out.queried_at = core::now_micros();
  return out;
}

class GreyNoise final : public IntelProvider {
 public:
  using IntelProvider::IntelProvider;
  std::string name() const override { return "greynoise"; }
  store::ProviderIntel lookup(const std::string& ip) override {
    const auto r = fetch("GET", options_.base_url + "/v3/community/" + ip,
                         {"Accept: application/json", "key: " + options_.api_key});
    if (r.status && *r.status == 404) {
      return answer("unknown", {{"classification", "unknown"}, {"message", "not seen"}});
    }
    if (!r.status || *r.status != 200) return failure(http_error(r));
    const auto body = Json::parse(r.body, nullptr, false);
    if (!body.is_object()) return failure("parse: not a JSON object");
    std::string cls = body.value("classification", "unknown");
    std::transform(cls.begin(), cls.end(), cls.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const bool known =
        cls == "malicious" || cls == "suspicious" || cls == "benign" || cls == "unknown";
    return answer(known ? cls : "unknown", body);
  }
};

class AbuseIpDb final : public IntelProvider {
 public:
  using IntelProvider::IntelProvider;
  std::string name() const override { return "abuseipdb"; }
  store::ProviderIntel lookup(const std::string& ip) override {
    const auto r = fetch(
        "GET", options_.base_url + "/api/v2/check?ipAddress=" + ip + "&maxAgeInDays=30&verbose",
        {"Accept: application/json", "Key: " + options_.api_key});
    if (!r.status || *r.status != 200) return failure(http_error(r));
    const auto body = Json::parse(r.body, nullptr, false);
    if (!body.is_object() || !body.contains("data") || !body["data"].is_object()) {
      return failure("parse: no data object");
    }
    const auto& data = body["data"];
    const auto& score_field =
        data.contains("abuseConfidenceScore") ? data["abuseConfidenceScore"] : Json(0);
    if (!score_field.is_number()) return failure("parse: abuseConfidenceScore is not a number");
    const auto score = score_field.get<double>();
    std::set<int> categories;
    if (data.contains("reports") && data["reports"].is_array()) {
      for (const auto& report : data["reports"]) {
        if (!report.is_object() || !report.contains("categories")) continue;
        for (const auto& c : report["categories"]) {
          if (c.is_number_integer()) categories.insert(c.get<int>());
        }
      }
    }
    Json raw = data;
    raw.erase("reports");  // can be thousands of entries; the categories keep what matters
    raw["categories"] = categories;
    const char* verdict = score >= 75 ? "malicious" : score >= 25 ? "suspicious" : "benign";
    return answer(verdict, raw);
  }
};

class ThreatFox final : public IntelProvider {
 public:
  using IntelProvider::IntelProvider;
  std::string name() const override { return "threatfox"; }
  store::ProviderIntel lookup(const std::string& ip) override {
    const Json request = {{"query", "search_ioc"}, {"search_term", ip}};
    const auto r = fetch("POST", options_.base_url + "/api/v1/",
                         {"Accept: application/json", "Content-Type: application/json",
                          "Auth-Key: " + options_.api_key},
                         core::json_text(request));
    if (!r.status || *r.status != 200) return failure(http_error(r));
    const auto body = Json::parse(r.body, nullptr, false);
    if (!body.is_object()) return failure("parse: not a JSON object");
    const auto status = body.value("query_status", std::string());
    if (status == "no_result") return answer(std::nullopt, {{"listed", false}});
    if (status != "ok") return failure("query_status=" + (status.empty() ? "null" : status));
    std::set<std::string> threat_types, ioc_types, families;
    const auto& data =
        body.contains("data") && body["data"].is_array() ? body["data"] : Json::array();
    for (const auto& d : data) {
      if (!d.is_object()) continue;
      if (d.contains("threat_type") && d["threat_type"].is_string())
        threat_types.insert(d["threat_type"]);
      if (d.contains("ioc_type") && d["ioc_type"].is_string()) ioc_types.insert(d["ioc_type"]);
      const auto malware = d.value("malware", std::string());
      const auto printable = d.value("malware_printable", std::string());
      if (!malware.empty()) {
        families.insert(malware);
      } else if (!printable.empty()) {
        families.insert(printable);
      }
    }
    const bool listed = !data.empty();
    return answer(listed ? std::optional<std::string>("malicious") : std::nullopt,
                  {{"listed", listed},
                   {"threat_types", threat_types},
                   {"ioc_types", ioc_types},
                   {"malware_families", families},
                   {"data", data}});
  }
};

// The Feodo Tracker botnet C2 blocklist, downloaded whole and looked up locally. Refreshed
// hourly; a failed refresh keeps the old list and is retried after a growing delay.
class Feodo final : public IntelProvider {
 public:
  using IntelProvider::IntelProvider;
  std::string name() const override { return "feodo"; }
  store::ProviderIntel lookup(const std::string& ip) override {
    std::lock_guard lock(mu_);
    refresh_if_due();
    if (!loaded_) return failure(last_error_.empty() ? "feed: not loaded" : last_error_);
    auto it = index_.find(ip);
    if (it == index_.end()) return answer(std::nullopt, {{"listed", false}});
    return answer("malicious", {{"listed", true}, {"entry", it->second}});
  }

 private:
  void refresh_if_due() {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_refresh_) return;
    const auto r = fetch("GET", options_.base_url + "/downloads/ipblocklist.json",
                         {"Accept: application/json"});
    Json list;
    if (r.status && *r.status == 200) list = Json::parse(r.body, nullptr, false);
    if (!r.status || *r.status != 200 || !list.is_array()) {
      last_error_ = !r.status || *r.status != 200 ? http_error(r) : "feed: not a list";
      retry_delay_ = std::min(retry_delay_ * 2, std::chrono::milliseconds(std::chrono::hours(1)));
      next_refresh_ = now + retry_delay_;
      spdlog::warn("intel: Feodo blocklist refresh failed: {}", last_error_);
      return;
    }
    index_.clear();
    for (const auto& entry : list) {
      if (entry.is_object() && entry.contains("ip_address") && entry["ip_address"].is_string()) {
        index_[entry["ip_address"].get<std::string>()] = entry;
      }
    }
    loaded_ = true;
    last_error_.clear();
    retry_delay_ = options_.backoff;
    next_refresh_ = now + std::chrono::hours(1);
  }

  std::mutex mu_;
  std::unordered_map<std::string, Json> index_;
  bool loaded_ = false;
  std::string last_error_;
  std::chrono::steady_clock::time_point next_refresh_{};
  std::chrono::milliseconds retry_delay_ = options_.backoff;
};

}  // namespace

std::vector<std::unique_ptr<IntelProvider>> make_intel_providers(const IntelConfig& config) {
  std::vector<std::unique_ptr<IntelProvider>> out;
  for (auto name : config.providers) {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    IntelProviderOptions o;
    o.backoff = config.backoff;
    o.timeout = config.timeout;
    const auto keyed = [&](const std::string& key, const char* variable) {
      if (key.empty()) {
        spdlog::warn("intel: {} is off: {} is not set", name, variable);
        return false;
      }
      o.api_key = key;
      return true;
    };
    if (name == "greynoise") {
      if (!keyed(config.greynoise_key, "DECNET_GREYNOISE_API_KEY")) continue;
      o.base_url = config.greynoise_url;
      o.daily_cap = config.greynoise_daily_cap;
      if (config.pacing) o.min_interval = std::chrono::milliseconds(1500);  // ~50/min
      out.push_back(std::make_unique<GreyNoise>(o));
    } else if (name == "abuseipdb") {
      if (!keyed(config.abuseipdb_key, "DECNET_ABUSEIPDB_API_KEY")) continue;
      o.base_url = config.abuseipdb_url;
      o.daily_cap = config.abuseipdb_daily_cap;
      if (config.pacing) o.min_interval = std::chrono::milliseconds(500);
      out.push_back(std::make_unique<AbuseIpDb>(o));
    } else if (name == "threatfox") {
      if (!keyed(config.threatfox_key, "DECNET_THREATFOX_API_KEY")) continue;
      o.base_url = config.threatfox_url;
      o.daily_cap = config.threatfox_daily_cap;
      if (config.pacing) o.min_interval = std::chrono::milliseconds(500);
      out.push_back(std::make_unique<ThreatFox>(o));
    } else if (name == "feodo") {
      o.base_url = config.feodo_url;
      o.timeout = config.timeout * 2;
      out.push_back(std::make_unique<Feodo>(o));
    } else if (!name.empty()) {
      throw std::invalid_argument("unknown intel provider '" + name +
                                  "'; known: greynoise, abuseipdb, threatfox, feodo");
    }
  }
  return out;
}

}  // namespace decnet::enrich
