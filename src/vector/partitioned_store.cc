// Every public method validates its arguments before it takes the lock, so a caller error costs
// no contention; the error messages name the kind and both dimensions because the caller is
// usually an extractor whose output changed shape.
#include "vector/partitioned_store.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <mutex>
#include <shared_mutex>

#include "vector/distance.h"

namespace decnet::vector {
namespace {

constexpr std::uint64_t kHeaderBytes = 16;

void check_name(std::string_view value, const char* what) {
  if (value.empty()) throw VectorError(std::string("vector store: empty ") + what);
  if (value.size() > kMaxKeyBytes) {
    throw VectorError(std::string("vector store: ") + what + " longer than " +
                      std::to_string(kMaxKeyBytes) + " bytes");
  }
}

void check_values(std::span<const float> v, const char* what) {
  if (v.empty() || v.size() > kMaxDim) {
    throw VectorError(std::string("vector store: ") + what + " has " + std::to_string(v.size()) +
                      " values; a vector has 1 to " + std::to_string(kMaxDim));
  }
  for (float f : v) {
    if (!std::isfinite(f)) {
      throw VectorError(std::string("vector store: ") + what + " has a non-finite value");
    }
  }
}

[[noreturn]] void dim_mismatch(std::string_view kind, std::size_t expected, std::size_t got) {
  throw VectorError("vector store: dim mismatch: kind '" + std::string(kind) + "' has dimension " +
                    std::to_string(expected) + ", got " + std::to_string(got));
}

}  // namespace

PartitionedStore::PartitionedStore(std::string backend, StoreOptions options)
    : backend_(std::move(backend)), options_(std::move(options)) {}

PartitionedStore::~PartitionedStore() {
  PartitionedStore::close();  // this class's own: a subclass is already gone
}

void PartitionedStore::require_open() const {
  if (!open_) throw VectorError("vector store (" + backend_ + "): not initialized");
}

void PartitionedStore::initialize() {
  std::unique_lock lock(mu_);
  if (open_) return;
  kinds_.clear();
  vectors_ = 0;
  live_bytes_ = kHeaderBytes;
  compact_floor_ = options_.compact_min_bytes;
  if (!options_.path.empty()) {
    try {
      log_ = std::make_unique<VectorLog>(options_.path,
                                         [this](const LogRecord& r) { apply_logged(r); });
    } catch (...) {
      kinds_.clear();
      vectors_ = 0;
      throw;
    }
    const auto& stats = log_->replay_stats();
    spdlog::info("vector store ({}): loaded {} vectors in {} kinds from {} ({} records)", backend_,
                 vectors_, kinds_.size(), options_.path.string(), stats.records);
  }
  open_ = true;
}

void PartitionedStore::close() {
  std::unique_lock lock(mu_);
  if (!open_) return;
  if (log_) {
    try {
      if (log_->size() > live_bytes_) compact_locked();
    } catch (const std::exception& e) {
      spdlog::warn("vector store ({}): compaction on close failed: {}", backend_, e.what());
    }
    log_->close();
    log_.reset();
  }
  kinds_.clear();
  vectors_ = 0;
  open_ = false;
}

nlohmann::json PartitionedStore::health() const {
  std::shared_lock lock(mu_);
  if (!open_) return {{"ok", false}, {"backend", backend_}, {"reason", "not initialized"}};
  nlohmann::json h = {
      {"ok", true},          {"backend", backend_},       {"kinds", kinds_.size()},
      {"vectors", vectors_}, {"kernels", kernels().name}, {"persistent", log_ != nullptr}};
  if (log_) {
    h["path"] = log_->path().string();
    h["log_bytes"] = log_->size();
    h["live_bytes"] = live_bytes_;
  }
  describe(h);
  return h;
}

PartitionedStore::Kinds::iterator PartitionedStore::add_kind(std::string_view kind, std::size_t dim,
                                                             Metric metric) {
  auto [it, created] = kinds_.try_emplace(std::string(kind));
  it->second.dim = dim;
  it->second.metric = metric;
  live_bytes_ += kind_record_size(kind);
  return it;
}

void PartitionedStore::create_kind(std::string_view kind, std::size_t dim, Metric metric) {
  check_name(kind, "kind");
  if (dim == 0 || dim > kMaxDim) {
    throw VectorError("vector store: kind '" + std::string(kind) + "': dimension " +
                      std::to_string(dim) + " is outside 1.." + std::to_string(kMaxDim));
  }
  if (metric != Metric::kL2 && metric != Metric::kCosine) {
    throw VectorError("vector store: unknown metric");
  }
  std::unique_lock lock(mu_);
  require_open();
  if (auto it = kinds_.find(kind); it != kinds_.end()) {
    if (it->second.dim != dim) dim_mismatch(kind, it->second.dim, dim);
    if (it->second.metric != metric) {
      throw VectorError("vector store: kind '" + std::string(kind) + "' uses metric " +
                        std::string(metric_name(it->second.metric)) + ", not " +
                        std::string(metric_name(metric)));
    }
    return;
  }
  if (log_) {
    std::string record;
    encode_kind(record, kind, dim, metric);
    log_->append(record);
  }
  add_kind(kind, dim, metric);
}

std::optional<KindInfo> PartitionedStore::kind_info(std::string_view kind) const {
  std::shared_lock lock(mu_);
  require_open();
  auto it = kinds_.find(kind);
  if (it == kinds_.end()) return std::nullopt;
  return KindInfo{it->first, it->second.dim, it->second.metric, it->second.version_of.size()};
}

void PartitionedStore::apply_insert(Kinds::iterator kind, std::string_view id,
                                    std::int32_t extractor_version, const float* vector) {
  KindState& state = kind->second;
  auto known = state.version_of.find(id);
  if (known != state.version_of.end() && known->second != extractor_version) {
    auto old = state.partitions.find(known->second);
    old->second->remove(id);
    if (old->second->size() == 0) state.partitions.erase(old);
    known->second = extractor_version;
  } else if (known == state.version_of.end()) {
    state.version_of.emplace(std::string(id), extractor_version);
    ++vectors_;
    live_bytes_ += insert_record_size(kind->first, id, state.dim);
  }
  auto& partition = state.partitions[extractor_version];
  if (!partition) partition = make_partition(state.dim, state.metric);
  partition->upsert(id, vector);
}

bool PartitionedStore::apply_remove(Kinds::iterator kind, std::string_view id) {
  KindState& state = kind->second;
  auto known = state.version_of.find(id);
  if (known == state.version_of.end()) return false;
  auto part = state.partitions.find(known->second);
  part->second->remove(id);
  if (part->second->size() == 0) state.partitions.erase(part);
  state.version_of.erase(known);
  --vectors_;
  live_bytes_ -= insert_record_size(kind->first, id, state.dim);
  return true;
}

void PartitionedStore::apply_logged(const LogRecord& r) {
  check_name(r.kind, "kind");
  auto it = kinds_.find(r.kind);
  switch (r.op) {
    case LogOp::kKind:
      if (r.dim == 0 || r.dim > kMaxDim) throw VectorError("kind with dimension out of range");
      if (it == kinds_.end()) {
        add_kind(r.kind, r.dim, r.metric);
      } else if (it->second.dim != r.dim || it->second.metric != r.metric) {
        throw VectorError("kind '" + r.kind + "' redeclared differently");
      }
      break;
    case LogOp::kInsert:
      check_name(r.id, "id");
      check_values(r.vector, "stored vector");
      if (it == kinds_.end()) it = add_kind(r.kind, r.vector.size(), Metric::kL2);
      if (it->second.dim != r.vector.size()) dim_mismatch(r.kind, it->second.dim, r.dim);
      apply_insert(it, r.id, r.extractor_version, r.vector.data());
      break;
    case LogOp::kRemove:
      if (it != kinds_.end()) apply_remove(it, r.id);
      break;
  }
}

void PartitionedStore::insert(std::string_view kind, std::string_view id,
                              std::span<const float> vector, std::int32_t extractor_version) {
  check_name(kind, "kind");
  check_name(id, "id");
  check_values(vector, "vector");
  std::unique_lock lock(mu_);
  require_open();
  auto it = kinds_.find(kind);
  if (it != kinds_.end() && it->second.dim != vector.size()) {
    dim_mismatch(kind, it->second.dim, vector.size());
  }
  if (log_) {
    std::string records;
    if (it == kinds_.end()) encode_kind(records, kind, vector.size(), Metric::kL2);
    encode_insert(records, kind, id, extractor_version, vector);
    log_->append(records);
  }
  if (it == kinds_.end()) it = add_kind(kind, vector.size(), Metric::kL2);
  apply_insert(it, id, extractor_version, vector.data());
  maybe_compact();
}

std::optional<VectorRecord> PartitionedStore::get(std::string_view kind,
                                                  std::string_view id) const {
  std::shared_lock lock(mu_);
  require_open();
  auto it = kinds_.find(kind);
  if (it == kinds_.end()) return std::nullopt;
  auto known = it->second.version_of.find(id);
  if (known == it->second.version_of.end()) return std::nullopt;
  const float* v = it->second.partitions.at(known->second)->find(id);
  const std::size_t dim = it->second.dim;
  return VectorRecord{it->first, known->first, std::vector<float>(v, v + dim), dim, known->second};
}

bool PartitionedStore::remove(std::string_view kind, std::string_view id) {
  std::unique_lock lock(mu_);
  require_open();
  auto it = kinds_.find(kind);
  if (it == kinds_.end() || !it->second.version_of.contains(id)) return false;
  if (log_) {
    std::string record;
    encode_remove(record, kind, id);
    log_->append(record);
  }
  apply_remove(it, id);
  maybe_compact();
  return true;
}

std::vector<Neighbor> PartitionedStore::knn(std::string_view kind, std::span<const float> query,
                                            std::size_t k, std::int32_t extractor_version) const {
  check_values(query, "query");
  std::shared_lock lock(mu_);
  require_open();
  std::vector<Neighbor> out;
  auto it = kinds_.find(kind);
  if (it == kinds_.end()) return out;
  if (it->second.dim != query.size()) dim_mismatch(kind, it->second.dim, query.size());
  auto part = it->second.partitions.find(extractor_version);
  if (part == it->second.partitions.end() || k == 0) return out;
  const auto hits = part->second->search(query.data(), k);
  out.reserve(hits.size());
  for (const auto& hit : hits) out.push_back({it->first, *hit.id, hit.distance, it->second.metric});
  return out;
}

void PartitionedStore::sync() {
  std::unique_lock lock(mu_);
  if (log_) log_->sync();
}

void PartitionedStore::compact() {
  std::unique_lock lock(mu_);
  require_open();
  if (log_) compact_locked();
}

void PartitionedStore::for_each_partition(const std::function<void(Partition&)>& fn) {
  std::unique_lock lock(mu_);
  for (auto& [name, state] : kinds_) {
    for (auto& [version, partition] : state.partitions) fn(*partition);
  }
}

void PartitionedStore::compact_locked() {
  log_->rewrite([this](const std::function<void(std::string_view)>& emit) {
    std::string buffer;
    for (const auto& kind : kinds_) {
      const auto& name = kind.first;
      const auto& state = kind.second;
      encode_kind(buffer, name, state.dim, state.metric);
      for (const auto& entry : state.partitions) {
        const auto version = entry.first;
        entry.second->for_each([&](const std::string& id, const float* v) {
          encode_insert(buffer, name, id, version, std::span(v, state.dim));
          if (buffer.size() >= (1u << 16)) {
            emit(buffer);
            buffer.clear();
          }
        });
      }
    }
    emit(buffer);
  });
}

void PartitionedStore::maybe_compact() {
  if (!log_ || log_->size() < compact_floor_ || log_->size() <= 2 * live_bytes_) return;
  try {
    compact_locked();
    compact_floor_ = options_.compact_min_bytes;
  } catch (const std::exception& e) {
    // Retry only after the log has doubled again instead of on every write.
    compact_floor_ = 2 * log_->size();
    spdlog::warn("vector store ({}): compaction failed, the log keeps growing: {}", backend_,
                 e.what());
  }
}

}  // namespace decnet::vector
