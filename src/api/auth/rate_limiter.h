// A sliding-window rate limiter: at most `limit` hits per key within any `window`. It keeps the
// time of each counted hit (a sliding log, not fixed buckets, so a burst straddling a bucket
// edge cannot double the limit) and answers a refusal with how long until the oldest hit leaves
// the window, which the API sends as Retry-After. Memory is bounded: keys whose hits have all
// left the window are dropped, and past `max_keys` the least recently used key is evicted. The
// clock is injectable so tests move time instead of sleeping. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace decnet::api {

using MonotonicClock = std::function<std::chrono::steady_clock::time_point()>;

struct RateLimitDecision {
  bool allowed = true;
  std::int64_t retry_after_seconds = 0;  // >= 1 when refused
};

class SlidingWindowLimiter {
 public:
  struct Options {
    std::size_t limit = 10;
    std::chrono::seconds window{300};
    std::size_t max_keys = 65536;
    bool enabled = true;   // false: every hit is allowed and nothing is kept
    MonotonicClock clock;  // empty: std::chrono::steady_clock::now
  };

  explicit SlidingWindowLimiter(Options options);

  // Counts a hit for `key` if it is within the limit; a refused hit is not counted.
  RateLimitDecision hit(std::string_view key);
  // What hit() would answer, without counting anything.
  RateLimitDecision peek(std::string_view key);
  // Counts a hit regardless of the limit (used when several limiters are checked together).
  void record(std::string_view key);
  // Forgets every hit of `key`.
  void reset(std::string_view key);

  std::size_t key_count() const;
  const Options& options() const { return options_; }
  std::chrono::steady_clock::time_point now() const;

 private:
  struct Entry {
    std::deque<std::chrono::steady_clock::time_point> hits;
    std::list<std::string>::iterator lru;
  };

  RateLimitDecision decide_locked(std::string_view key, std::chrono::steady_clock::time_point now);
  void record_locked(std::string_view key, std::chrono::steady_clock::time_point now);
  void prune_locked(Entry& entry, std::chrono::steady_clock::time_point now) const;
  void evict_locked(std::chrono::steady_clock::time_point now);

  Options options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // most recently hit first
};

}  // namespace decnet::api
