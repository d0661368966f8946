#include "api/response_cache.h"

namespace decnet::api {

std::optional<std::string> ResponseCache::get(const std::string& key, std::uint64_t version) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.version != version) {
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  return it->second.body;
}

void ResponseCache::put(const std::string& key, std::uint64_t version, std::string body) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = entries_.try_emplace(key);
  it->second = {version, std::move(body)};
  if (!inserted) return;
  order_.push_back(key);
  if (order_.size() > max_entries_) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
}

std::uint64_t ResponseCache::hits() const {
  std::lock_guard lock(mu_);
  return hits_;
}

std::uint64_t ResponseCache::misses() const {
  std::lock_guard lock(mu_);
  return misses_;
}

}  // namespace decnet::api
