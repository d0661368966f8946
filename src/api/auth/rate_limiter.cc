// Each key keeps at most `limit` timestamps (older ones no longer matter for the decision), so
// a key costs O(limit) memory and the whole limiter O(max_keys * limit). Eviction first drops
// keys whose window has passed (scanning from the least recently used end, which is where they
// are), and only then the least recently used key that still has hits.
#include "api/auth/rate_limiter.h"

#include <algorithm>

namespace decnet::api {

SlidingWindowLimiter::SlidingWindowLimiter(Options options) : options_(std::move(options)) {
  if (!options_.clock) options_.clock = [] { return std::chrono::steady_clock::now(); };
  options_.limit = std::max<std::size_t>(options_.limit, 1);
  options_.max_keys = std::max<std::size_t>(options_.max_keys, 1);
}

std::chrono::steady_clock::time_point SlidingWindowLimiter::now() const {
  return options_.clock();
}

RateLimitDecision SlidingWindowLimiter::hit(std::string_view key) {
  if (!options_.enabled) return {};
  const auto now = options_.clock();
  std::lock_guard lock(mutex_);
  auto decision = decide_locked(key, now);
  if (decision.allowed) record_locked(key, now);
  return decision;
}

RateLimitDecision SlidingWindowLimiter::peek(std::string_view key) {
  if (!options_.enabled) return {};
  const auto now = options_.clock();
  std::lock_guard lock(mutex_);
  return decide_locked(key, now);
}

void SlidingWindowLimiter::record(std::string_view key) {
  if (!options_.enabled) return;
  const auto now = options_.clock();
  std::lock_guard lock(mutex_);
  record_locked(key, now);
}

void SlidingWindowLimiter::reset(std::string_view key) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

std::size_t SlidingWindowLimiter::key_count() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void SlidingWindowLimiter::prune_locked(Entry& entry,
                                        std::chrono::steady_clock::time_point now) const {
  while (!entry.hits.empty() && entry.hits.front() + options_.window <= now) {
    entry.hits.pop_front();
  }
}

RateLimitDecision SlidingWindowLimiter::decide_locked(std::string_view key,
                                                      std::chrono::steady_clock::time_point now) {
  const auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return {};
  prune_locked(it->second, now);
  const auto& hits = it->second.hits;
  if (hits.size() < options_.limit) return {};
  const auto oldest_relevant = hits[hits.size() - options_.limit];
  const auto wait = oldest_relevant + options_.window - now;
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(wait).count();
  return {false, std::max<std::int64_t>(1, (micros + 999'999) / 1'000'000)};
}

void SlidingWindowLimiter::record_locked(std::string_view key,
                                         std::chrono::steady_clock::time_point now) {
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) {
    if (entries_.size() >= options_.max_keys) evict_locked(now);
    lru_.emplace_front(key);
    it = entries_.emplace(std::string(key), Entry{{}, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  auto& hits = it->second.hits;
  hits.push_back(now);
  while (hits.size() > options_.limit) hits.pop_front();
}

void SlidingWindowLimiter::evict_locked(std::chrono::steady_clock::time_point now) {
  for (auto pos = lru_.end(); pos != lru_.begin() && entries_.size() >= options_.max_keys;) {
    --pos;
    auto it = entries_.find(*pos);
    prune_locked(it->second, now);
    if (!it->second.hits.empty()) break;  // everything more recent is live too
    entries_.erase(it);
    pos = lru_.erase(pos);
  }
  if (entries_.size() >= options_.max_keys && !lru_.empty()) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
}

}  // namespace decnet::api
