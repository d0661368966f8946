// The type is an enum setting, so an unknown name is rejected when the configuration loads;
// the fallback here covers a backend whose construction throws.
#include "vector/factory.h"

#include <spdlog/spdlog.h>

#include "core/config.h"
#include "vector/flat_vector_store.h"
#include "vector/hnsw_vector_store.h"
#include "vector/null_vector_store.h"

namespace decnet::vector {

std::filesystem::path vector_store_path(const core::Config& config) {
  const auto& explicit_path = config.vectorstore_path();
  if (!explicit_path.empty()) return explicit_path;
  return config.data_dir() / "vectors.bin";
}

std::unique_ptr<VectorStore> make_vector_store(const core::Config& config) {
  if (!config.vectorstore_enabled()) return std::make_unique<NullVectorStore>();
  StoreOptions options{.path = vector_store_path(config)};
  const auto& type = config.vectorstore_type();
  if (type == "hnsw") {
    try {
      return std::make_unique<HnswVectorStore>(options);
    } catch (const std::exception& e) {
      spdlog::warn("vector store: hnsw unavailable ({}); using flat", e.what());
    }
  } else if (type != "flat") {
    spdlog::warn("vector store: unknown type '{}'; using flat", type);
  }
  return std::make_unique<FlatVectorStore>(options);
}

}  // namespace decnet::vector
