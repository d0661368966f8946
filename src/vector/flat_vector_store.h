// The default backend: exact k-nearest-neighbour search by scanning every vector of the
// partition with SIMD kernels. At honeypot scale (up to ~100k vectors per kind) a scan is a few
// milliseconds and always right, so it needs no tuning and no index maintenance.
#pragma once

#include "vector/partitioned_store.h"

namespace decnet::vector {

class FlatVectorStore final : public PartitionedStore {
 public:
  explicit FlatVectorStore(StoreOptions options = {});
  ~FlatVectorStore() override;

 protected:
  std::unique_ptr<Partition> make_partition(std::size_t dim, Metric metric) const override;
};

}  // namespace decnet::vector
