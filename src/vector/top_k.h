// Bounded selection of the k smallest distances during a scan: a max-heap of at most k entries
// whose top is the current k-th best, so almost every row costs one comparison against a
// cached threshold and only improvements touch the heap.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace decnet::vector {

class TopK {
 public:
  using Entry = std::pair<float, std::uint32_t>;  // (distance, position)

  explicit TopK(std::size_t k) : k_(k) { heap_.reserve(k); }

  float threshold() const { return threshold_; }

  void offer(float distance, std::uint32_t position) {
    if (distance >= threshold_) return;
    if (heap_.size() < k_) {
      heap_.emplace_back(distance, position);
      std::push_heap(heap_.begin(), heap_.end());
      if (heap_.size() == k_) threshold_ = heap_.front().first;
      return;
    }
    std::pop_heap(heap_.begin(), heap_.end());
    heap_.back() = {distance, position};
    std::push_heap(heap_.begin(), heap_.end());
    threshold_ = heap_.front().first;
  }

  // Ascending by distance, then position; the selector is empty afterwards.
  std::vector<Entry> take_sorted() {
    std::sort_heap(heap_.begin(), heap_.end());
    threshold_ =
        k_ == 0 ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
    return std::move(heap_);
  }

 private:
  std::size_t k_;
  float threshold_ =
      k_ == 0 ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
  std::vector<Entry> heap_;
};

}  // namespace decnet::vector
