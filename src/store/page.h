// Paginated results: every list method answers {total, limit, offset, data}, the shape the
// REST API returns unchanged. Limits are clamped to 1..kMaxLimit by the store, so no caller can
// ask for an unbounded page.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace decnet::store {

inline constexpr std::int64_t kMaxLimit = 1000;
inline constexpr std::int64_t kDefaultLimit = 50;

struct PageRequest {
  std::int64_t limit = kDefaultLimit;
  std::int64_t offset = 0;

  PageRequest clamped() const {
    return {std::clamp<std::int64_t>(limit, 1, kMaxLimit), std::max<std::int64_t>(offset, 0)};
  }
};

template <typename T>
struct Page {
  std::int64_t total = 0;
  std::int64_t limit = kDefaultLimit;
  std::int64_t offset = 0;
  std::vector<T> data;
};

}  // namespace decnet::store
