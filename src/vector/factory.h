// Chooses the vector store from configuration, so callers never name a backend:
//   DECNET_VECTORSTORE_ENABLED=false      -> NullVectorStore (the type is ignored)
//   DECNET_VECTORSTORE_TYPE=flat (default) -> FlatVectorStore
//   DECNET_VECTORSTORE_TYPE=hnsw           -> HnswVectorStore (default HnswOptions)
// persisted to DECNET_VECTORSTORE_PATH, or <DECNET_DATA_DIR>/vectors.bin when that is empty.
// A backend that cannot be built falls back to flat with a warning, so a worker never fails to
// start over an optional index. The store is returned uninitialised.
#pragma once

#include <filesystem>
#include <memory>

#include "vector/vector_store.h"

namespace decnet::core {
class Config;
}

namespace decnet::vector {

std::unique_ptr<VectorStore> make_vector_store(const core::Config& config);

std::filesystem::path vector_store_path(const core::Config& config);

}  // namespace decnet::vector
