// Answers a repeated read with the body computed for the same request, as long as the database
// has not changed since. A dashboard on a wall screen, a few operators and a SIEM poller ask
// for the same attackers page over and over; between two commits the answer cannot differ, so
// it is built once per database version instead of once per request. Under a request flood
// this bounds the queries to one per commit per distinct request, whatever the request rate.
//
// Entries are keyed by the exact request target; the caller decides which routes are cacheable
// (their body must depend only on the target and the data, never on who asks). Memory is bounded
// by a byte budget as well as an entry count, so a client asking for many distinct large pages
// only evicts older entries.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace decnet::api {

class ResponseCache {
 public:
  explicit ResponseCache(std::size_t max_entries = 256, std::size_t max_bytes = 32 << 20)
      : max_entries_(max_entries), max_bytes_(max_bytes) {}

  std::optional<std::string> get(const std::string& key, std::uint64_t version);
  void put(const std::string& key, std::uint64_t version, std::string body);

  std::uint64_t hits() const;
  std::uint64_t misses() const;

 private:
  struct Entry {
    std::uint64_t version = 0;
    std::string body;
  };
  void evict_oldest();

  const std::size_t max_entries_;
  const std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::string> order_;  // insertion order, oldest first, for eviction
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace decnet::api
