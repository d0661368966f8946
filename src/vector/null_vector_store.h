// The disabled store (DECNET_VECTORSTORE_ENABLED=false): every call succeeds and nothing is
// kept, so callers need no "is the store enabled" branches. get() finds nothing, knn() returns
// nothing, remove() removes nothing.
#pragma once

#include "vector/vector_store.h"

namespace decnet::vector {

class NullVectorStore final : public VectorStore {
 public:
  void initialize() override {}
  void close() override {}
  nlohmann::json health() const override;
  void create_kind(std::string_view kind, std::size_t dim, Metric metric) override;
  std::optional<KindInfo> kind_info(std::string_view kind) const override;
  void insert(std::string_view kind, std::string_view id, std::span<const float> vector,
              std::int32_t extractor_version = kDefaultExtractorVersion) override;
  std::optional<VectorRecord> get(std::string_view kind, std::string_view id) const override;
  bool remove(std::string_view kind, std::string_view id) override;
  std::vector<Neighbor> knn(
      std::string_view kind, std::span<const float> query, std::size_t k = 10,
      std::int32_t extractor_version = kDefaultExtractorVersion) const override;
};

}  // namespace decnet::vector
