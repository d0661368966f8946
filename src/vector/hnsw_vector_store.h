// Approximate k-nearest-neighbour search with hnswlib's HierarchicalNSW graph, one graph per
// (kind, extractor version), for kinds too large to scan on every query. L2 kinds use squared
// L2 in the graph; cosine kinds store unit-normalised copies and use 1 - inner product, which
// is the cosine distance. The graph's distance functions are the same SIMD kernels as the
// flat store's.
//
// Each partition also keeps its vectors in a flat index: get() and compaction read from it,
// and a partition smaller than `exact_below` is answered by an exact scan, which at that size
// is both faster than the graph and exact. The graph is built when a partition first reaches
// `exact_below` vectors and maintained from then on. A replaced vector is updated in place in
// the graph; a removed one is marked deleted and its slot reused by the next new id. The graph
// is not persisted: initialize() rebuilds it from the side file's vectors.
#pragma once

#include <atomic>
#include <cstddef>

#include "vector/partitioned_store.h"

namespace decnet::vector {

struct HnswOptions {
  std::size_t m = 16;                 // links per node (2*m on the base layer)
  std::size_t ef_construction = 200;  // beam width while inserting
  std::size_t ef = 64;                // beam width while searching; raised to k when smaller
  std::size_t exact_below = 1000;     // partitions smaller than this are scanned exactly
};

class HnswVectorStore final : public PartitionedStore {
 public:
  explicit HnswVectorStore(StoreOptions options = {}, HnswOptions hnsw = {});
  ~HnswVectorStore() override;

  // Changes the search beam width of every graph, now and to come.
  void set_ef(std::size_t ef);

 protected:
  std::unique_ptr<Partition> make_partition(std::size_t dim, Metric metric) const override;
  void describe(nlohmann::json& health) const override;

 private:
  std::atomic<std::size_t> ef_;
  HnswOptions hnsw_;
};

}  // namespace decnet::vector
