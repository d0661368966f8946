// One searchable set of vectors: the records of one (kind, extractor version). The store keeps
// the kind catalogue, the locking and the persistence; a backend only supplies partitions, so
// the flat and HNSW stores differ in nothing but how a partition is searched.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "vector/vector_store.h"

namespace decnet::vector {

struct Hit {
  float distance;         // as reported to callers (Euclidean or 1 - cosine)
  const std::string* id;  // owned by the partition; valid until its next write
};

class Partition {
 public:
  virtual ~Partition() = default;
  // Inserts or replaces; `vector` has the partition's dimension, values finite.
  virtual void upsert(std::string_view id, const float* vector) = 0;
  virtual bool remove(std::string_view id) = 0;
  // The stored vector (as inserted, never normalised), or null.
  virtual const float* find(std::string_view id) const = 0;
  virtual std::size_t size() const = 0;
  // At most k hits by ascending distance. Must be safe to call concurrently with itself.
  virtual std::vector<Hit> search(const float* query, std::size_t k) const = 0;
  virtual void for_each(const std::function<void(const std::string&, const float*)>& fn) const = 0;
};

// Transparent hashing so lookups by string_view need no temporary string.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace decnet::vector
