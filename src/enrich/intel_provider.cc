#include "enrich/intel_provider.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <stdexcept>
#include <thread>

#include "core/time.h"
#include "enrich/http_fetch.h"

namespace decnet::enrich {
namespace {

bool retryable(const IntelHttpResponse& r) {
  if (!r.status) return r.error.rfind("network:", 0) == 0;
  return *r.status == 429 || *r.status >= 500;
}

}  // namespace

bool IntelProvider::take_slot(std::string& why) {
  std::unique_lock lock(pace_mu_);
  const auto day = core::now_micros() / 86'400'000'000LL;
  if (day != day_) {
    day_ = day;
    used_today_ = 0;
  }
  if (options_.daily_cap > 0 && used_today_ >= options_.daily_cap) {
    why = "rate: daily cap of " + std::to_string(options_.daily_cap) + " requests reached";
    return false;
  }
  ++used_today_;
  const auto now = std::chrono::steady_clock::now();
  const auto slot = std::max(now, next_slot_);
  next_slot_ = slot + options_.min_interval;
  lock.unlock();
  std::this_thread::sleep_until(slot);
  return true;
}

IntelHttpResponse IntelProvider::fetch(const std::string& method, const std::string& url,
                                       const std::vector<std::string>& headers,
                                       const std::string& body) {
  IntelHttpResponse last;
  auto delay = options_.backoff;
  for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
    std::string why;
    if (!take_slot(why)) {
      last = {};
      last.error = why;
      return last;
    }
    last = http_fetch(method, url, headers, body, options_.timeout, options_.max_body);
    if (!retryable(last) || attempt == options_.attempts) return last;
    auto wait = delay;
    if (last.retry_after) {
      wait = std::max<std::chrono::milliseconds>(
          wait, std::min<std::chrono::milliseconds>(*last.retry_after, std::chrono::seconds(60)));
    }
    std::this_thread::sleep_for(wait);
    delay *= 2;
  }
  return last;
}

store::ProviderIntel IntelProvider::failure(std::string error) const {
  store::ProviderIntel out;
  out.error = std::move(error);
  out.queried_at = core::now_micros();
  return out;
}

std::optional<std::string> strongest_verdict(const std::vector<std::optional<std::string>>& v) {
  for (const char* level : {"malicious", "suspicious", "benign", "unknown"}) {
    for (const auto& x : v) {
      if (x && *x == level) return std::string(level);
    }
  }
  return std::nullopt;
}

}  // namespace decnet::enrich
