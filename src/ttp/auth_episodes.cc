#include "ttp/auth_episodes.h"

#include "core/time.h"

namespace decnet::ttp {
namespace {

std::string_view text_of(const nlohmann::json& payload, const char* key) {
  const auto it = payload.find(key);
  return it != payload.end() && it->is_string()
             ? std::string_view(it->get_ref<const std::string&>())
             : std::string_view();
}

}  // namespace

void AuthEpisodes::stamp(TagEvent& attempt) {
  auto& p = attempt.payload;
  const auto service = text_of(p, "service");
  const auto at = attempt.at ? attempt.at : core::now_micros();
  std::string key = attempt.attacker_uuid.value_or("");
  key += '\x1f';
  key += service;
  auto it = episodes_.find(key);
  // Out-of-order lines (a late batch) stay in their episode; a silence ends it.
  if (it != episodes_.end() && at - it->second.last_at > kWindowUs) {
    lru_.erase(it->second.lru);
    episodes_.erase(it);
    it = episodes_.end();
  }
  if (it == episodes_.end()) {
    if (episodes_.size() >= max_episodes_ && !lru_.empty()) {
      episodes_.erase(lru_.front());
      lru_.pop_front();
    }
    it = episodes_.emplace(key, Episode{}).first;
    it->second.started_at = at;
    it->second.lru = lru_.insert(lru_.end(), key);
  } else {
    lru_.splice(lru_.end(), lru_, it->second.lru);
  }
  auto& e = it->second;
  e.last_at = std::max(e.last_at, at);
  const bool brute_before = e.failures >= kBruteFailures;
  if (text_of(p, "result") != "success") {
    ++e.failures;
    e.recent.push_back(at);
  }
  while (!e.recent.empty() && e.recent.front() < at - kWindowUs) e.recent.pop_front();
  const auto user = text_of(p, "username");
  const auto secret = text_of(p, "password_sha256");
  std::int64_t passwords = 0;
  if (!user.empty()) {
    auto found = e.passwords.find(std::string(user));
    if (found == e.passwords.end() && e.passwords.size() < kMaxCounted) {
      found = e.passwords.emplace(std::string(user), std::unordered_set<std::string>{}).first;
    }
    if (found != e.passwords.end()) {
      if (!secret.empty() && found->second.size() < kMaxCounted) {
        found->second.emplace(secret);
      }
      passwords = static_cast<std::int64_t>(found->second.size());
    }
  }
  p["fail_count"] = static_cast<std::int64_t>(e.recent.size());
  p["password_count"] = passwords;
  p["prior_brute"] = brute_before;
  attempt.source_id = attempt.attacker_uuid.value_or("");
  attempt.source_id.append("#auth/").append(service).append("/").append(
      std::to_string(e.started_at));
}

}  // namespace decnet::ttp
