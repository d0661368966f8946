#include "enrich/rpki_validator.h"

#include <nlohmann/json.hpp>

#include "enrich/http_fetch.h"

namespace decnet::enrich {

std::optional<std::string> RpkiValidator::validate(const std::string& prefix, std::int64_t asn) {
  const auto key = prefix + "|" + std::to_string(asn);
  {
    std::unique_lock lock(mu_);
    // Attackers of one prefix arrive together: the first asks, the others wait for its answer.
    done_.wait(lock, [&] { return !in_flight_.count(key); });
    auto it = cache_.find(key);
    if (it != cache_.end() && std::chrono::steady_clock::now() - it->second.at < options_.ttl) {
      return it->second.status;
    }
    in_flight_.insert(key);
    ++requests_;
  }
  auto status = ask(prefix, asn);
  std::lock_guard lock(mu_);
  in_flight_.erase(key);
  if (status) {
    if (cache_.size() >= options_.max_cached) cache_.clear();
    cache_[key] = {*status, std::chrono::steady_clock::now()};
  }
  done_.notify_all();
  return status;
}

std::optional<std::string> RpkiValidator::ask(const std::string& prefix, std::int64_t asn) {
  const auto r = http_fetch("GET",
                            options_.base_url + "/data/rpki-validation/data.json?resource=AS" +
                                std::to_string(asn) + "&prefix=" + prefix,
                            {"Accept: application/json"}, {}, options_.timeout, 1 << 20);
  if (!r.status || *r.status != 200) return std::nullopt;
  const auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (!body.is_object() || !body.contains("data") || !body["data"].is_object()) {
    return std::nullopt;
  }
  const auto status = body["data"].value("status", std::string());
  if (status != "valid" && status != "invalid_asn" && status != "invalid_length" &&
      status != "unknown") {
    return std::nullopt;
  }
  return status;
}

}  // namespace decnet::enrich
