#include "correlate/feature_hashing.h"

#include <cmath>

namespace decnet::correlate {

std::uint64_t HashedFeatures::fnv1a(std::string_view text, std::uint64_t hash) {
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

void HashedFeatures::add(std::string_view feature, std::uint64_t family) {
  v_[fnv1a(feature, family) % v_.size()] += 1.0F;
  any_ = true;
}

std::vector<float> HashedFeatures::unit() const {
  double norm = 0;
  for (const float x : v_) norm += static_cast<double>(x) * x;
  if (!any_ || norm == 0) return {};
  const auto scale = static_cast<float>(1.0 / std::sqrt(norm));
  auto out = v_;
  for (auto& x : out) x *= scale;
  return out;
}

}  // namespace decnet::correlate
