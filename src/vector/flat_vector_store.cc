// A flat store is a partitioned store whose partitions are plain FlatIndex scans.
#include "vector/flat_vector_store.h"

#include "vector/flat_index.h"

namespace decnet::vector {

FlatVectorStore::FlatVectorStore(StoreOptions options)
    : PartitionedStore("flat", std::move(options)) {}

FlatVectorStore::~FlatVectorStore() {
  close();
}

std::unique_ptr<Partition> FlatVectorStore::make_partition(std::size_t dim, Metric metric) const {
  return std::make_unique<FlatIndex>(dim, metric);
}

}  // namespace decnet::vector
