#include "ingest/resend_filter.h"

#include <cstring>

#include "core/base64.h"

namespace decnet::ingest {

ResendFilter::ResendFilter() : key_(core::random_short_hash_key()) {
  ring_.reserve(kCapacity);
}

void ResendFilter::remember(std::uint64_t digest) {
  if (ring_.size() < kCapacity) {
    ring_.push_back(digest);
  } else {
    auto& old = ring_[next_];
    if (auto it = count_.find(old); it != count_.end() && --it->second == 0) count_.erase(it);
    old = digest;
    next_ = (next_ + 1) % kCapacity;
  }
  ++count_[digest];
}

bool ResendFilter::is_resend(std::string_view line, bool may_be_resent) {
  const auto digest = core::keyed_hash64(key_, line);
  if (may_be_resent && count_.contains(digest)) return true;
  remember(digest);
  return false;
}

nlohmann::json ResendFilter::save() const {
  std::string bytes;
  bytes.reserve(ring_.size() * sizeof(std::uint64_t));
  const auto append = [&](std::uint64_t d) {
    char raw[sizeof d];
    std::memcpy(raw, &d, sizeof d);
    bytes.append(raw, sizeof d);
  };
  for (std::size_t i = next_; i < ring_.size(); ++i) append(ring_[i]);
  for (std::size_t i = 0; i < next_; ++i) append(ring_[i]);
  return {{"key", core::base64_encode({reinterpret_cast<const char*>(key_.data()), key_.size()})},
          {"digests", core::base64_encode(bytes)}};
}

void ResendFilter::restore(const nlohmann::json& saved) {
  if (!saved.is_object() || !saved.contains("key") || !saved.contains("digests") ||
      !saved["key"].is_string() || !saved["digests"].is_string()) {
    return;
  }
  const auto key = core::base64_decode(saved["key"].get<std::string>());
  const auto bytes = core::base64_decode(saved["digests"].get<std::string>());
  if (!key || key->size() != key_.size() || !bytes || bytes->size() % sizeof(std::uint64_t) != 0 ||
      bytes->size() / sizeof(std::uint64_t) > kCapacity) {
    return;
  }
  std::memcpy(key_.data(), key->data(), key_.size());
  ring_.clear();
  count_.clear();
  next_ = 0;
  for (std::size_t at = 0; at < bytes->size(); at += sizeof(std::uint64_t)) {
    std::uint64_t d = 0;
    std::memcpy(&d, bytes->data() + at, sizeof d);
    remember(d);
  }
}

}  // namespace decnet::ingest
