// Threat-intel providers: each asks one outside service what it knows about an address and
// answers in the shape the attacker_intel cache stores (verdict, raw document, error). A
// provider never throws; a failure is an answer with `error` set, which the cache records
// without touching that provider's previous findings.
//
// Requests go through libcurl with a neutral user agent (nothing naming DECNET, so the
// services' logs do not reveal a honeypot operator), no redirects, a response cap, the
// provider's own pacing (a minimum interval between requests and a daily cap — the reference
// declared both and enforced neither) and retries of network errors, 429 and 5xx with backoff
// that honours Retry-After.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "enrich/http_fetch.h"
#include "store/intel_repository.h"

namespace decnet::enrich {

struct IntelProviderOptions {
  std::string base_url;  // scheme://host[:port], no trailing slash
  std::string api_key;
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  std::chrono::milliseconds min_interval{0};  // between two requests of this provider
  std::int64_t daily_cap = 0;                 // requests per UTC day; 0 = no cap
  int attempts = 3;                           // per lookup, for retryable failures
  std::chrono::milliseconds backoff = std::chrono::seconds(1);  // doubled per retry
  std::size_t max_body = 4 << 20;
};

class IntelProvider {
 public:
  explicit IntelProvider(IntelProviderOptions options) : options_(std::move(options)) {}
  virtual ~IntelProvider() = default;
  virtual std::string name() const = 0;
  virtual store::ProviderIntel lookup(const std::string& ip) = 0;

 protected:
  // One request with pacing and retries. `headers` are "Name: value" lines.
  IntelHttpResponse fetch(const std::string& method, const std::string& url,
                          const std::vector<std::string>& headers, const std::string& body = {});
  store::ProviderIntel failure(std::string error) const;
  const IntelProviderOptions options_;

 private:
  // Waits for the next request slot; false (with `why`) when the daily cap is reached.
  bool take_slot(std::string& why);

  std::mutex pace_mu_;
  std::chrono::steady_clock::time_point next_slot_{};
  std::int64_t day_ = -1;
  std::int64_t used_today_ = 0;
};

struct IntelConfig {
  std::vector<std::string> providers;  // names, in order
  std::string greynoise_key, abuseipdb_key, threatfox_key;
  std::string greynoise_url = "https://api.greynoise.io";
  std::string abuseipdb_url = "https://api.abuseipdb.com";
  std::string threatfox_url = "https://threatfox-api.abuse.ch";
  std::string feodo_url = "https://feodotracker.abuse.ch";
  std::chrono::milliseconds backoff = std::chrono::seconds(1);
  std::chrono::milliseconds timeout = std::chrono::seconds(10);  // Feodo's bulk list: twice this
  bool pacing = true;  // the services' published minimum intervals; off only in tests
  // Requests per UTC day (0: no cap); the free tiers' published quotas by default.
  std::int64_t greynoise_daily_cap = 0;
  std::int64_t abuseipdb_daily_cap = 1000;
  std::int64_t threatfox_daily_cap = 0;
};

// The configured providers that can run: a keyed provider without its key is left out with one
// warning and sends nothing. Throws std::invalid_argument for an unknown provider name.
std::vector<std::unique_ptr<IntelProvider>> make_intel_providers(const IntelConfig& config);

// Strongest of malicious > suspicious > benign > unknown among the verdicts given.
std::optional<std::string> strongest_verdict(const std::vector<std::optional<std::string>>& v);

}  // namespace decnet::enrich
