// Route-origin validation of an attacker's announced prefix: does a ROA authorise this AS to
// originate this prefix? Asked of RIPEstat's rpki-validation endpoint with the prefix and AS the
// AS table already found (one request, where the reference first asked network-info for the
// prefix), and answered in RIPEstat's own vocabulary — valid, invalid_asn, invalid_length,
// unknown (no ROA) — which the reference collapsed into "unknown". Answers are cached for 12
// hours per (prefix, AS); a failed request is not cached, so it is asked again next time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace decnet::enrich {

struct RpkiOptions {
  std::string base_url = "https://stat.ripe.net";
  std::chrono::milliseconds timeout = std::chrono::seconds(2);
  std::chrono::seconds ttl = std::chrono::hours(12);
  std::size_t max_cached = 100'000;
};

class RpkiValidator {
 public:
  explicit RpkiValidator(RpkiOptions options) : options_(std::move(options)) {}
  // The status, or nullopt when RIPEstat could not be asked or gave no usable answer.
  std::optional<std::string> validate(const std::string& prefix, std::int64_t asn);
  std::uint64_t requests() const { return requests_; }

 private:
  struct Cached {
    std::string status;
    std::chrono::steady_clock::time_point at;
  };
  const RpkiOptions options_;
  std::optional<std::string> ask(const std::string& prefix, std::int64_t asn);

  std::mutex mu_;
  std::condition_variable done_;
  std::unordered_map<std::string, Cached> cache_;
  std::unordered_set<std::string> in_flight_;  // one request per (prefix, AS) at a time
  std::uint64_t requests_ = 0;
};

}  // namespace decnet::enrich
