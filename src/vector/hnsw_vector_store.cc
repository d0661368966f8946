// The only file that includes hnswlib: its headers define non-inline functions, so a second
// including file would break the link.
#include "vector/hnsw_vector_store.h"

// hnswlib 0.6.2's prefetch hints read one entry past the end of a full neighbour list (only to
// form a prefetch address, and within malloc's slack), which AddressSanitizer reports; the
// sanitizer build goes without the hints.
#if defined(__SANITIZE_ADDRESS__)
#define NO_MANUAL_VECTORIZATION
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_MANUAL_VECTORIZATION
#endif
#endif
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cmath>

#include "vector/distance.h"
#include "vector/flat_index.h"

namespace decnet::vector {
namespace {

const Kernels& kKernels = kernels();

float graph_l2(const void* a, const void* b, const void* dim) {
  return kKernels.l2_squared(static_cast<const float*>(a), static_cast<const float*>(b),
                             *static_cast<const std::size_t*>(dim));
}

float graph_cosine(const void* a, const void* b, const void* dim) {
  return 1.0f - kKernels.dot(static_cast<const float*>(a), static_cast<const float*>(b),
                             *static_cast<const std::size_t*>(dim));
}

class Space final : public hnswlib::SpaceInterface<float> {
 public:
  Space(std::size_t dim, Metric metric)
      : dim_(dim), fn_(metric == Metric::kL2 ? graph_l2 : graph_cosine) {}
  std::size_t get_data_size() override { return dim_ * sizeof(float); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return fn_; }
  void* get_dist_func_param() override { return &dim_; }

 private:
  std::size_t dim_;
  hnswlib::DISTFUNC<float> fn_;
};

class HnswPartition final : public Partition {
 public:
  HnswPartition(std::size_t dim, Metric metric, const HnswOptions& options)
      : options_(options), flat_(dim, metric), space_(dim, metric) {}

  void upsert(std::string_view id, const float* vector) override {
    flat_.upsert(id, vector);
    if (graph_) {
      add_to_graph(id, vector);
    } else if (flat_.size() >= options_.exact_below) {
      build_graph();
    }
  }

  bool remove(std::string_view id) override {
    if (!flat_.remove(id)) return false;
    if (graph_) {
      auto it = label_of_.find(id);
      const hnswlib::labeltype label = it->second;
      graph_->markDelete(label);
      id_of_label_[label].clear();
      free_labels_.push_back(label);
      label_of_.erase(it);
    }
    return true;
  }

  void set_ef(std::size_t ef) {
    options_.ef = ef;
    if (graph_) graph_->setEf(ef);
  }

  const float* find(std::string_view id) const override { return flat_.find(id); }
  std::size_t size() const override { return flat_.size(); }

  std::vector<Hit> search(const float* query, std::size_t k) const override {
    if (!graph_ || flat_.size() < options_.exact_below) return flat_.search(query, k);
    k = std::min(k, flat_.size());
    std::vector<float> unit;
    if (flat_.metric() == Metric::kCosine) query = normalised(query, unit);
    auto found = graph_->searchKnn(query, k);
    std::vector<Hit> hits(found.size());
    for (auto i = hits.size(); i-- > 0; found.pop()) {
      const auto [distance, label] = found.top();
      const float reported = flat_.metric() == Metric::kL2 ? std::sqrt(std::max(distance, 0.0f))
                                                           : std::clamp(distance, 0.0f, 2.0f);
      hits[i] = {reported, &id_of_label_[label]};
    }
    return hits;
  }

  void for_each(const std::function<void(const std::string&, const float*)>& fn) const override {
    flat_.for_each(fn);
  }

 private:
  const float* normalised(const float* vector, std::vector<float>& out) const {
    const float inv = inverse_norm(vector, flat_.dim());
    out.resize(flat_.dim());
    for (std::size_t d = 0; d < out.size(); ++d) out[d] = vector[d] * inv;
    return out.data();
  }

  void build_graph() {
    graph_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        &space_, std::max<std::size_t>(2 * flat_.size(), 1024), options_.m,
        options_.ef_construction);
    graph_->setEf(options_.ef);
    flat_.for_each([this](const std::string& id, const float* v) { add_to_graph(id, v); });
  }

  void add_to_graph(std::string_view id, const float* vector) {
    hnswlib::labeltype label;
    if (auto it = label_of_.find(id); it != label_of_.end()) {
      label = it->second;
    } else {
      if (!free_labels_.empty()) {
        label = free_labels_.back();
        free_labels_.pop_back();
        id_of_label_[label] = std::string(id);
      } else {
        label = id_of_label_.size();
        id_of_label_.emplace_back(id);
        if (label >= graph_->max_elements_) graph_->resizeIndex(2 * graph_->max_elements_);
      }
      label_of_.emplace(std::string(id), label);
    }
    if (flat_.metric() == Metric::kCosine) vector = normalised(vector, scratch_);
    graph_->addPoint(vector, label);
  }

  HnswOptions options_;
  FlatIndex flat_;
  Space space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph_;
  std::unordered_map<std::string, hnswlib::labeltype, StringHash, std::equal_to<>> label_of_;
  std::vector<std::string> id_of_label_;
  std::vector<hnswlib::labeltype> free_labels_;
  std::vector<float> scratch_;
};

}  // namespace

HnswVectorStore::HnswVectorStore(StoreOptions options, HnswOptions hnsw)
    : PartitionedStore("hnsw", std::move(options)), ef_(hnsw.ef), hnsw_(hnsw) {
  if (hnsw_.m < 2 || hnsw_.ef_construction == 0 || hnsw_.ef == 0) {
    throw VectorError("vector store (hnsw): m must be >= 2 and ef, ef_construction >= 1");
  }
}

HnswVectorStore::~HnswVectorStore() {
  close();
}

void HnswVectorStore::set_ef(std::size_t ef) {
  if (ef == 0) throw VectorError("vector store (hnsw): ef must be >= 1");
  ef_ = ef;
  for_each_partition([ef](Partition& p) { static_cast<HnswPartition&>(p).set_ef(ef); });
}

std::unique_ptr<Partition> HnswVectorStore::make_partition(std::size_t dim, Metric metric) const {
  HnswOptions options = hnsw_;
  options.ef = ef_;
  return std::make_unique<HnswPartition>(dim, metric, options);
}

void HnswVectorStore::describe(nlohmann::json& health) const {
  health["hnsw"] = {{"m", hnsw_.m},
                    {"ef_construction", hnsw_.ef_construction},
                    {"ef", ef_.load()},
                    {"exact_below", hnsw_.exact_below}};
}

}  // namespace decnet::vector
