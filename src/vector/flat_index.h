// Exact nearest-neighbour search over one partition. The vectors live in one contiguous
// row-major float buffer so a query streams memory front to back through the SIMD kernels;
// a delete moves the last row into the hole (swap-with-last), so the buffer never has gaps
// and an id -> row index keeps lookups O(1).
#pragma once

#include <cstdint>
#include <unordered_map>

#include "vector/partition.h"

namespace decnet::vector {

class FlatIndex final : public Partition {
 public:
  FlatIndex(std::size_t dim, Metric metric);

  void upsert(std::string_view id, const float* vector) override;
  bool remove(std::string_view id) override;
  const float* find(std::string_view id) const override;
  std::size_t size() const override { return ids_.size(); }
  std::vector<Hit> search(const float* query, std::size_t k) const override;
  void for_each(const std::function<void(const std::string&, const float*)>& fn) const override;

  std::size_t dim() const { return dim_; }
  Metric metric() const { return metric_; }

 private:
  std::size_t dim_;
  Metric metric_;
  std::vector<float> rows_;       // size() * dim_
  std::vector<float> inv_norms_;  // cosine only: 1 / |row|, 0 for a zero row
  std::vector<std::string> ids_;  // row -> id
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> row_of_;
};

// 1 / |v|, or 0 for a zero vector.
float inverse_norm(const float* vector, std::size_t dim);

}  // namespace decnet::vector
