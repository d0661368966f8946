// The vector store: fixed-length float vectors keyed by (kind, id), searched by k nearest
// neighbours within one kind. A kind is a feature family (ja3, hassh, keystroke_dwell...);
// vectors of different kinds are never compared, so a new family needs no migration. Each
// record carries the version of the extractor that produced it, and knn() compares only
// vectors of the version asked for: a v2 extractor's output is never ranked against v1's.
//
// A kind's dimension and metric are fixed when it is created, explicitly by create_kind() or
// implicitly by the first insert (dimension of that vector, metric L2). Every Neighbor states
// its metric, so a caller always knows what `distance` means:
//   kL2      Euclidean distance (not squared);
//   kCosine  1 - cosine similarity, in [0, 2]; a zero vector is at distance 1 from everything.
// Smaller is more similar for both.
//
// Every method is thread-safe: searches run concurrently, writes are exclusive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vector/vector_error.h"

namespace decnet::vector {

// Bumped when the record shape changes incompatibly (the reference's VECTORSTORE_SCHEMA_VERSION).
inline constexpr int kSchemaVersion = 1;
inline constexpr std::int32_t kDefaultExtractorVersion = 1;
// Upper bound on a kind's dimension; a longer vector is a caller bug, not a feature.
inline constexpr std::size_t kMaxDim = 65536;
// Upper bound on the length of a kind or an id, in bytes.
inline constexpr std::size_t kMaxKeyBytes = 65536;

enum class Metric : std::uint8_t { kL2 = 0, kCosine = 1 };

std::string_view metric_name(Metric metric);  // "l2", "cosine"
std::optional<Metric> parse_metric(std::string_view name);

struct VectorRecord {
  std::string kind;
  std::string id;
  std::vector<float> vector;
  std::size_t dim = 0;
  std::int32_t extractor_version = kDefaultExtractorVersion;
  bool operator==(const VectorRecord&) const = default;
};

struct Neighbor {
  std::string kind;
  std::string id;
  float distance = 0;
  Metric metric = Metric::kL2;
  bool operator==(const Neighbor&) const = default;
};

struct KindInfo {
  std::string kind;
  std::size_t dim = 0;
  Metric metric = Metric::kL2;
  std::size_t vectors = 0;  // all extractor versions
};

class VectorStore {
 public:
  virtual ~VectorStore() = default;

  // Opens and replays the side file (when the store has one). Throws VectorError if the file
  // cannot be read or is not a vector-store file. Every other method except health() and
  // close() throws VectorError before initialize() (the null store accepts everything).
  virtual void initialize() = 0;
  // Compacts and closes the side file. Idempotent; never throws.
  virtual void close() = 0;
  // {"ok", "backend", "kinds", "vectors"} plus backend details; never throws. Before
  // initialize() or after close(): {"ok": false, "backend", "reason": "not initialized"}.
  virtual nlohmann::json health() const = 0;

  // Declares a kind. A no-op if it exists with the same dimension and metric; a VectorError if
  // it exists with another.
  virtual void create_kind(std::string_view kind, std::size_t dim, Metric metric) = 0;
  virtual std::optional<KindInfo> kind_info(std::string_view kind) const = 0;

  // Inserts or replaces (kind, id); a replacement may change the extractor version. Creates
  // the kind (L2, this dimension) if unknown. Throws VectorError on a dimension mismatch, an
  // empty or over-long kind or id, or a non-finite value.
  virtual void insert(std::string_view kind, std::string_view id, std::span<const float> vector,
                      std::int32_t extractor_version = kDefaultExtractorVersion) = 0;
  virtual std::optional<VectorRecord> get(std::string_view kind, std::string_view id) const = 0;
  // True iff a record was removed.
  virtual bool remove(std::string_view kind, std::string_view id) = 0;

  // Up to k nearest records of `kind` whose extractor version is `extractor_version`, by
  // ascending distance. Empty for an unknown kind or version; VectorError if the query's
  // length is not the kind's dimension or a value is not finite.
  virtual std::vector<Neighbor> knn(
      std::string_view kind, std::span<const float> query, std::size_t k = 10,
      std::int32_t extractor_version = kDefaultExtractorVersion) const = 0;
};

}  // namespace decnet::vector
