// Login attempts grouped into episodes, so that brute force is one finding and not one per
// password. An episode is one attacker's run of attempts on one service with no gap longer than
// the window (5 minutes); each attempt is stamped with what its episode shows so far — failures
// in the last window, distinct passwords tried per account, whether it had already failed often
// enough to be brute force — and is filed under the episode's id, so the rules that fire on an
// episode write one tag per episode however long it lasts.
//
// Memory is bounded: at most max_episodes open episodes (the least recently active is closed
// first) and 64 distinct password hashes and 64 accounts counted per episode.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "ttp/tag_event.h"

namespace decnet::ttp {

class AuthEpisodes {
 public:
  static constexpr std::int64_t kWindowUs = 300'000'000;
  static constexpr std::int64_t kBruteFailures = 5;  // failures that make an episode brute force
  static constexpr std::size_t kMaxCounted = 64;

  explicit AuthEpisodes(std::size_t max_episodes = 100'000) : max_episodes_(max_episodes) {}

  // `attempt` is an auth_attempt event from ingest (payload: service, username, password_sha256,
  // result); stamps fail_count, password_count and prior_brute into its payload and sets its
  // source id to the episode's: "<attacker uuid>#auth/<service>/<episode start, µs>".
  void stamp(TagEvent& attempt);
  std::size_t open_episodes() const { return episodes_.size(); }

 private:
  struct Episode {
    std::int64_t started_at = 0;
    std::int64_t last_at = 0;
    std::int64_t failures = 0;        // in the whole episode
    std::deque<std::int64_t> recent;  // failure times within the window
    std::unordered_map<std::string, std::unordered_set<std::string>> passwords;  // by account
    std::list<std::string>::iterator lru;
  };
  std::size_t max_episodes_;
  std::unordered_map<std::string, Episode> episodes_;
  std::list<std::string> lru_;  // least recently active first
};

}  // namespace decnet::ttp
