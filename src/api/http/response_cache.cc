#include "api/http/response_cache.h"

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
  const auto size = key.size() + body.size();
  if (size > max_bytes_ / 4) return;  // one answer may not crowd out the rest
  std::lock_guard lock(mu_);
  auto [it, inserted] = entries_.try_emplace(key);
  if (!inserted) bytes_ -= key.size() + it->second.body.size();
  it->second = {version, std::move(body)};
  bytes_ += size;
  if (inserted) order_.push_back(key);
  while (!order_.empty() && (order_.size() > max_entries_ || bytes_ > max_bytes_)) {
    evict_oldest();
  }
}

void ResponseCache::evict_oldest() {
  auto it = entries_.find(order_.front());
  bytes_ -= it->first.size() + it->second.body.size();
  entries_.erase(it);
  order_.pop_front();
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
