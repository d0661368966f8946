// The scan computes distances a block at a time into a small stack buffer (kernel calls stay
// long enough to amortise, the buffer stays in L1), then feeds the block to the top-k
// selector. L2 is selected on squared distances and rooted only for the k results.
#include "vector/flat_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "vector/distance.h"
#include "vector/top_k.h"

namespace decnet::vector {

float inverse_norm(const float* vector, std::size_t dim) {
  double sum = 0;
  for (std::size_t d = 0; d < dim; ++d) sum += static_cast<double>(vector[d]) * vector[d];
  return sum > 0 ? static_cast<float>(1.0 / std::sqrt(sum)) : 0.0f;
}

FlatIndex::FlatIndex(std::size_t dim, Metric metric) : dim_(dim), metric_(metric) {}

void FlatIndex::upsert(std::string_view id, const float* vector) {
  auto it = row_of_.find(id);
  std::size_t row;
  if (it != row_of_.end()) {
    row = it->second;
  } else {
    row = ids_.size();
    rows_.resize(rows_.size() + dim_);
    if (metric_ == Metric::kCosine) inv_norms_.push_back(0);
    ids_.emplace_back(id);
    row_of_.emplace(ids_.back(), static_cast<std::uint32_t>(row));
  }
  std::memcpy(rows_.data() + row * dim_, vector, dim_ * sizeof(float));
  if (metric_ == Metric::kCosine) inv_norms_[row] = inverse_norm(vector, dim_);
}

bool FlatIndex::remove(std::string_view id) {
  auto it = row_of_.find(id);
  if (it == row_of_.end()) return false;
  const std::size_t row = it->second;
  const std::size_t last = ids_.size() - 1;
  row_of_.erase(it);
  if (row != last) {
    std::memcpy(rows_.data() + row * dim_, rows_.data() + last * dim_, dim_ * sizeof(float));
    if (metric_ == Metric::kCosine) inv_norms_[row] = inv_norms_[last];
    ids_[row] = std::move(ids_[last]);
    row_of_.find(ids_[row])->second = static_cast<std::uint32_t>(row);
  }
  rows_.resize(last * dim_);
  if (metric_ == Metric::kCosine) inv_norms_.pop_back();
  ids_.pop_back();
  return true;
}

const float* FlatIndex::find(std::string_view id) const {
  auto it = row_of_.find(id);
  return it == row_of_.end() ? nullptr : rows_.data() + it->second * dim_;
}

std::vector<Hit> FlatIndex::search(const float* query, std::size_t k) const {
  const std::size_t n = ids_.size();
  k = std::min(k, n);
  std::vector<Hit> hits;
  if (k == 0) return hits;

  constexpr std::size_t kBlock = 256;
  float block[kBlock];
  TopK top(k);
  const Kernels& kern = kernels();
  const float* rows = rows_.data();
  const float query_inv = metric_ == Metric::kCosine ? inverse_norm(query, dim_) : 0.0f;
  for (std::size_t start = 0; start < n; start += kBlock) {
    const std::size_t m = std::min(kBlock, n - start);
    if (metric_ == Metric::kL2) {
      kern.l2_squared_rows(query, rows + start * dim_, m, dim_, block);
    } else {
      kern.dot_rows(query, rows + start * dim_, m, dim_, block);
      const float* inv = inv_norms_.data() + start;
      for (std::size_t j = 0; j < m; ++j) block[j] = 1.0f - block[j] * query_inv * inv[j];
    }
    for (std::size_t j = 0; j < m; ++j) top.offer(block[j], static_cast<std::uint32_t>(start + j));
  }
  hits.reserve(k);
  for (const auto& [distance, row] : top.take_sorted()) {
    const float reported = metric_ == Metric::kL2 ? std::sqrt(std::max(distance, 0.0f))
                                                  : std::clamp(distance, 0.0f, 2.0f);
    hits.push_back({reported, &ids_[row]});
  }
  return hits;
}

void FlatIndex::for_each(const std::function<void(const std::string&, const float*)>& fn) const {
  for (std::size_t row = 0; row < ids_.size(); ++row) fn(ids_[row], rows_.data() + row * dim_);
}

}  // namespace decnet::vector
