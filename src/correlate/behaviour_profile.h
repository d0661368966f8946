// What one attacker's traffic looks like as a whole: how its events are spaced in time (and
// so whether it scans, brute-forces, beacons or types), which services and deckies it touched,
// how far along the kill chain it got and which known tools gave themselves away.
//
// The reference recomputes all of this from every stored event of an address. A
// BehaviourProfile instead takes one event at a time, in O(1) amortised time and bounded
// memory, and answers verdict() at any moment. Inter-arrival times feed Welford's online mean
// and population variance. The reference sorts events by time first; online we cannot, so an
// event older than the latest one seen counts towards event_count, duration, first contact
// and phases, but adds no inter-arrival time. Service and decky names are kept for the first
// kNamesKept of each; their distinct counts stay exact through kNamesCounted 64-bit hashes and
// stop growing beyond that. save() and restore() carry a profile across restarts and
// evictions.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "correlate/kill_chain.h"
#include "correlate/tool_signatures.h"

namespace decnet::correlate {

inline constexpr std::size_t kNamesKept = 64;
inline constexpr std::size_t kNamesCounted = 4096;
inline constexpr std::size_t kMaxNameBytes = 128;  // longer service or decky names are cut
inline constexpr std::int64_t kMinTraversalDeckies = 2;

struct BehaviourEvent {
  std::int64_t ts_us = 0;
  std::string_view decky;
  std::string_view service;
  std::string_view event_type;
  std::string_view user_agent;      // may be empty
  std::string_view command;         // may be empty
  std::int64_t payload_bytes = -1;  // -1 when unknown
  std::string_view client_banner;   // an SSH client version banner; may be empty
};

// Checked in this order; the first that fits wins.
enum class BehaviourClass : std::uint8_t {
  unknown,
  slow_scan,
  scanning,
  brute_force,
  beaconing,
  interactive,
  mixed,
};

std::string_view to_string(BehaviourClass behaviour);

// Rounded as the reference rounds them (seconds to 3 decimals, cv to 4), and classified on
// those rounded values. The interval fields are empty until two events are in time order.
struct TimingStats {
  std::int64_t event_count = 0;
  double duration_s = 0;
  std::optional<double> mean_iat_s;
  std::optional<double> stdev_iat_s;  // population
  std::optional<double> min_iat_s;
  std::optional<double> max_iat_s;
  std::optional<double> cv;  // stdev / mean; empty when the mean is 0
};

// An empty cv (all events at one instant) satisfies none of the cv conditions.
BehaviourClass classify_behaviour(const TimingStats& timing, std::int64_t services_count);

struct TraversalSummary {
  std::vector<std::string> deckies;  // first contact first; decnet-* infrastructure left out
  std::int64_t decky_count = 0;
  std::string path;  // deckies joined by " → "
  bool is_traversal = false;
};

struct BehaviourVerdict {
  BehaviourClass behaviour = BehaviourClass::unknown;
  TimingStats timing;
  std::int64_t services_count = 0;
  std::vector<std::string> services;        // first seen first
  std::optional<double> beacon_interval_s;  // only when beaconing
  std::optional<double> beacon_jitter_pct;  // cv * 100, 2 decimals; only when beaconing
  // Beacon-timing fits for the current timing (only when beaconing), then every tool its
  // events gave away, in detection order, each tool once.
  std::vector<ToolMatch> tools;
  KillChainSummary kill_chain;
  TraversalSummary traversal;
  std::int64_t commands_count = 0;  // execution-type events
  std::optional<std::int64_t> first_seen_us;
  std::optional<std::int64_t> last_seen_us;
};

class BehaviourProfile {
 public:
  void add(const BehaviourEvent& event);
  // With names = false the verdict leaves out the service names and the traversal's deckies and
  // path (counts stay): what scoring needs, without sorting and copying names on every verdict.
  BehaviourVerdict verdict(bool names = true) const;

  // The whole state, for a profile to outlive the process (as bounded as the profile itself).
  nlohmann::json save() const;
  // Replaces this profile with a saved one. On a state it cannot use it returns false and
  // leaves the profile empty.
  bool restore(const nlohmann::json& saved);

 private:
  // Distinct names with the earliest time each was seen: names for the first kNamesKept, a
  // count exact up to kNamesCounted.
  class FirstSeenNames {
   public:
    void add(std::string_view name, std::int64_t ts_us);
    std::int64_t count() const { return static_cast<std::int64_t>(index_.size()); }
    std::vector<std::string> by_first_seen() const;
    nlohmann::json save() const;
    bool restore(const nlohmann::json& saved);

   private:
    struct Named {
      std::string name;
      std::int64_t first_seen_us;
    };
    static constexpr std::uint16_t kUnnamed = 0xffff;
    std::unordered_map<std::uint64_t, std::uint16_t> index_;  // name hash -> slot in named_
    std::vector<Named> named_;
  };

  TimingStats timing() const;
  void add_interval(double iat_s);

  std::int64_t event_count_ = 0;
  std::int64_t first_us_ = 0;
  std::int64_t latest_us_ = 0;
  std::int64_t interval_count_ = 0;
  double interval_mean_s_ = 0;
  double interval_m2_ = 0;  // sum of squared deviations from the running mean
  double interval_min_s_ = 0;
  double interval_max_s_ = 0;
  FirstSeenNames services_;
  FirstSeenNames deckies_;
  KillChain kill_chain_;
  std::vector<ToolMatch> tools_;
  std::int64_t commands_count_ = 0;
};

}  // namespace decnet::correlate
