// Features of variable number (command words, cipher suites, algorithm names) folded into a
// vector of fixed dimension, so the vector store can compare attackers by them. Each feature is
// hashed (FNV-1a, so a vector means the same after a restart and on another master) to a bucket
// and added there; the result is scaled to unit length, so only proportions count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace decnet::correlate {

class HashedFeatures {
 public:
  explicit HashedFeatures(std::size_t dim) : v_(dim, 0.0F) {}

  // `family` is the hash state the feature's hash starts from: features of different families
  // (a cipher and an extension with the same number) land in unrelated buckets.
  void add(std::string_view feature, std::uint64_t family = kFnvOffset);
  bool empty() const { return !any_; }
  // Unit length; empty when nothing was added.
  std::vector<float> unit() const;

  static constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
  static std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = kFnvOffset);

 private:
  std::vector<float> v_;
  bool any_ = false;
};

}  // namespace decnet::correlate
