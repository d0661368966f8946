// The part of a vector store that does not depend on how vectors are searched: the kind
// catalogue (dimension and metric per kind), the (kind, id) -> extractor version map, the
// validation of every argument, the reader/writer lock and the side-file log. Records of one
// (kind, extractor version) form a Partition supplied by the backend, so a knn never sees a
// vector of another version. Writes go to the log first and to memory second; replaying the
// log at initialize() goes through the same code as a live write.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <unordered_map>

#include "vector/partition.h"
#include "vector/rw_lock.h"
#include "vector/vector_log.h"
#include "vector/vector_store.h"

namespace decnet::vector {

struct StoreOptions {
  // Side file; empty keeps the store in memory only (and close() discards it).
  std::filesystem::path path;
  // The log is compacted when it is more than twice the live data and at least this large.
  std::uint64_t compact_min_bytes = 1 << 20;
};

class PartitionedStore : public VectorStore {
 public:
  ~PartitionedStore() override;
  PartitionedStore(const PartitionedStore&) = delete;
  PartitionedStore& operator=(const PartitionedStore&) = delete;

  void initialize() override;
  void close() override;
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

  // Forces log records written so far to stable storage.
  void sync();
  // Rewrites the side file from memory now (normally automatic).
  void compact();

 protected:
  PartitionedStore(std::string backend, StoreOptions options);
  virtual std::unique_ptr<Partition> make_partition(std::size_t dim, Metric metric) const = 0;
  // Backend-specific health fields.
  virtual void describe(nlohmann::json& /*health*/) const {}
  // Runs `fn` on every partition under the exclusive lock (for backend tuning knobs).
  void for_each_partition(const std::function<void(Partition&)>& fn);

 private:
  struct KindState {
    std::size_t dim = 0;
    Metric metric = Metric::kL2;
    std::map<std::int32_t, std::unique_ptr<Partition>> partitions;
    std::unordered_map<std::string, std::int32_t, StringHash, std::equal_to<>> version_of;
  };
  using Kinds = std::map<std::string, KindState, std::less<>>;

  void require_open() const;
  Kinds::iterator add_kind(std::string_view kind, std::size_t dim, Metric metric);
  void apply_insert(Kinds::iterator kind, std::string_view id, std::int32_t extractor_version,
                    const float* vector);
  bool apply_remove(Kinds::iterator kind, std::string_view id);
  void apply_logged(const LogRecord& record);
  void compact_locked();
  void maybe_compact();

  std::string backend_;
  StoreOptions options_;
  mutable RwLock mu_;
  bool open_ = false;
  Kinds kinds_;
  std::size_t vectors_ = 0;
  std::uint64_t live_bytes_ = 0;  // what a compacted log would hold
  std::uint64_t compact_floor_ = 0;
  std::unique_ptr<VectorLog> log_;
};

}  // namespace decnet::vector
