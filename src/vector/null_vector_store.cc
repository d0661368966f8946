// Kept out of line so the null store's behaviour is one readable page next to its header.
#include "vector/null_vector_store.h"

namespace decnet::vector {

nlohmann::json NullVectorStore::health() const {
  return {{"ok", true}, {"backend", "null"}, {"kinds", 0}, {"vectors", 0}};
}

void NullVectorStore::create_kind(std::string_view, std::size_t, Metric) {}

std::optional<KindInfo> NullVectorStore::kind_info(std::string_view) const {
  return std::nullopt;
}

void NullVectorStore::insert(std::string_view, std::string_view, std::span<const float>,
                             std::int32_t) {}

std::optional<VectorRecord> NullVectorStore::get(std::string_view, std::string_view) const {
  return std::nullopt;
}

bool NullVectorStore::remove(std::string_view, std::string_view) {
  return false;
}

std::vector<Neighbor> NullVectorStore::knn(std::string_view, std::span<const float>, std::size_t,
                                           std::int32_t) const {
  return {};
}

}  // namespace decnet::vector
