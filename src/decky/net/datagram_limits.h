// How often a decky answers UDP, per source address and in total. A UDP source address can be
// forged, so an agent that answers everything is a reflector aimed at whoever the attacker
// names; these token buckets bound what any one address (and all of them together) can get
// back, and how many lines they can make the decky emit. The table of addresses is bounded
// too: addresses idle for a minute are forgotten, and while it is full of active ones a new
// address gets nothing.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace decnet::decky {

struct DatagramRates {
  double per_source_per_second = 5;
  double per_source_burst = 20;
  double total_per_second = 500;
  double total_burst = 1000;
  std::size_t max_sources = 16384;
};

class DatagramLimits {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Verdict { kAnswer, kDrop, kDropFirst };  // kDropFirst: the first drop of a burst

  explicit DatagramLimits(DatagramRates rates = {})
      : rates_(rates), total_{rates.total_burst, Clock::now()} {}

  Verdict admit(const std::string& source, Clock::time_point now = Clock::now()) {
    auto it = sources_.find(source);
    if (it == sources_.end()) {
      if (sources_.size() >= rates_.max_sources) forget_idle(now);
      if (sources_.size() >= rates_.max_sources) {
        ++dropped_;
        return Verdict::kDrop;
      }
      it = sources_.emplace(source, Bucket{rates_.per_source_burst, now}).first;
    }
    auto& b = it->second;
    refill(b, now, rates_.per_source_per_second, rates_.per_source_burst);
    refill(total_, now, rates_.total_per_second, rates_.total_burst);
    if (b.tokens < 1 || total_.tokens < 1) {
      ++dropped_;
      const bool first = !b.dropping;
      b.dropping = true;
      return first ? Verdict::kDropFirst : Verdict::kDrop;
    }
    b.tokens -= 1;
    total_.tokens -= 1;
    b.dropping = false;
    return Verdict::kAnswer;
  }

  std::uint64_t dropped() const { return dropped_; }
  std::size_t sources() const { return sources_.size(); }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point at;
    bool dropping = false;
  };

  static void refill(Bucket& b, Clock::time_point now, double rate, double burst) {
    const double seconds = std::chrono::duration<double>(now - b.at).count();
    if (seconds > 0) {
      b.tokens = std::min(burst, b.tokens + seconds * rate);
      b.at = now;
    }
  }

  void forget_idle(Clock::time_point now) {
    for (auto it = sources_.begin(); it != sources_.end();) {
      it = now - it->second.at > std::chrono::minutes(1) ? sources_.erase(it) : std::next(it);
    }
  }

  DatagramRates rates_;
  Bucket total_;
  std::unordered_map<std::string, Bucket> sources_;
  std::uint64_t dropped_ = 0;
};

}  // namespace decnet::decky
