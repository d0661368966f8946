// The vector store contract, written once and run against every searching backend (flat, hnsw
// with its exact fallback for small kinds, hnsw forced onto the graph), then the parts that
// are backend-specific: the null store, the kernels, the log's checksum, the factory and the
// HNSW recall on clustered data.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "core/config.h"
#include "vector/crc32.h"
#include "vector/distance.h"
#include "vector/factory.h"
#include "vector/flat_vector_store.h"
#include "vector/hnsw_vector_store.h"
#include "vector/null_vector_store.h"

namespace decnet::vector {
namespace {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (fs::temp_directory_path() / "decnet-vector-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path operator/(const std::string& name) const { return path_ / name; }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

using Matrix = std::vector<std::vector<float>>;

Matrix random_vectors(std::size_t n, std::size_t dim, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Matrix m(n, std::vector<float>(dim));
  for (auto& row : m) {
    for (auto& v : row) v = normal(rng);
  }
  return m;
}

// n points around `clusters` Gaussian centres.
Matrix clustered_vectors(std::size_t n, std::size_t dim, std::size_t clusters, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> centre(0.0f, 1.0f);
  std::normal_distribution<float> spread(0.0f, 0.25f);
  const Matrix centres = random_vectors(clusters, dim, seed + 1);
  Matrix m(n, std::vector<float>(dim));
  std::uniform_int_distribution<std::size_t> pick(0, clusters - 1);
  for (auto& row : m) {
    const auto& c = centres[pick(rng)];
    for (std::size_t d = 0; d < dim; ++d) row[d] = c[d] + spread(rng);
  }
  return m;
}

std::string id_of(std::size_t i) {
  return "id-" + std::to_string(i);
}

// Double-precision brute force: (distance, id) ascending.
std::vector<std::pair<double, std::string>> brute_force(const Matrix& data,
                                                        const std::vector<float>& q, std::size_t k,
                                                        Metric metric) {
  std::vector<std::pair<double, std::string>> all;
  for (std::size_t i = 0; i < data.size(); ++i) {
    double dot = 0, nx = 0, nq = 0, l2 = 0;
    for (std::size_t d = 0; d < q.size(); ++d) {
      const double x = data[i][d], y = q[d];
      dot += x * y;
      nx += x * x;
      nq += y * y;
      l2 += (x - y) * (x - y);
    }
    const double dist = metric == Metric::kL2  ? std::sqrt(l2)
                        : (nx == 0 || nq == 0) ? 1.0
                                               : 1.0 - dot / std::sqrt(nx * nq);
    all.emplace_back(dist, id_of(i));
  }
  std::sort(all.begin(), all.end());
  all.resize(std::min(k, all.size()));
  return all;
}

void expect_sorted(const std::vector<Neighbor>& hits) {
  for (std::size_t i = 1; i < hits.size(); ++i) {
    EXPECT_LE(hits[i - 1].distance, hits[i].distance);
  }
}

std::vector<std::string> ids(const std::vector<Neighbor>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(h.id);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Backends under the contract.

struct FlatBackend {
  static std::unique_ptr<PartitionedStore> make(StoreOptions options) {
    return std::make_unique<FlatVectorStore>(std::move(options));
  }
};

// Default options: kinds below 1000 vectors are answered by the exact fallback.
struct HnswBackend {
  static std::unique_ptr<PartitionedStore> make(StoreOptions options) {
    return std::make_unique<HnswVectorStore>(std::move(options));
  }
};

// Every partition goes through the graph; ef above the test sizes makes it exhaustive.
struct HnswGraphBackend {
  static std::unique_ptr<PartitionedStore> make(StoreOptions options) {
    return std::make_unique<HnswVectorStore>(
        std::move(options),
        HnswOptions{.m = 16, .ef_construction = 200, .ef = 600, .exact_below = 0});
  }
};

struct BackendNames {
  template <typename T>
  static std::string GetName(int) {
    if (std::is_same_v<T, FlatBackend>) return "flat";
    if (std::is_same_v<T, HnswBackend>) return "hnsw";
    return "hnsw_graph";
  }
};

template <typename Backend>
class VectorStoreContract : public ::testing::Test {
 protected:
  std::unique_ptr<PartitionedStore> open(StoreOptions options = {}) {
    auto store = Backend::make(std::move(options));
    store->initialize();
    return store;
  }
  std::unique_ptr<PartitionedStore> open_file(std::uint64_t compact_min_bytes = 1 << 20) {
    return open(StoreOptions{.path = file(), .compact_min_bytes = compact_min_bytes});
  }
  fs::path file() const { return dir_ / "vectors.bin"; }

  ScratchDir dir_;
};

using Backends = ::testing::Types<FlatBackend, HnswBackend, HnswGraphBackend>;
TYPED_TEST_SUITE(VectorStoreContract, Backends, BackendNames);

TYPED_TEST(VectorStoreContract, InsertGetReplaceRemove) {
  auto store = this->open();
  store->insert("ja3", "near", std::vector<float>{1, 0});
  store->insert("ja3", "far", std::vector<float>{0, 1});
  store->insert("ja3", "exact", std::vector<float>{0.99f, 0.01f});

  const auto hits = store->knn("ja3", std::vector<float>{1, 0}, 3);
  ASSERT_EQ(ids(hits), (std::vector<std::string>{"near", "exact", "far"}));
  EXPECT_FLOAT_EQ(hits[0].distance, 0.0f);
  EXPECT_NEAR(hits[1].distance, std::sqrt(0.01 * 0.01 * 2), 1e-6);
  EXPECT_NEAR(hits[2].distance, std::sqrt(2.0), 1e-6);
  EXPECT_EQ(hits[0].kind, "ja3");
  EXPECT_EQ(hits[0].metric, Metric::kL2);

  const auto rec = store->get("ja3", "exact");
  ASSERT_TRUE(rec);
  EXPECT_EQ(*rec, (VectorRecord{"ja3", "exact", {0.99f, 0.01f}, 2, 1}));

  store->insert("ja3", "far", std::vector<float>{1, 0.001f});
  EXPECT_EQ(store->get("ja3", "far")->vector, (std::vector<float>{1, 0.001f}));
  EXPECT_EQ(ids(store->knn("ja3", std::vector<float>{1, 0}, 2)),
            (std::vector<std::string>{"near", "far"}));

  auto health = store->health();
  EXPECT_EQ(health["ok"], true);
  EXPECT_EQ(health["kinds"], 1);
  EXPECT_EQ(health["vectors"], 3);

  EXPECT_TRUE(store->remove("ja3", "near"));
  EXPECT_FALSE(store->remove("ja3", "near"));
  EXPECT_FALSE(store->remove("nokind", "near"));
  EXPECT_FALSE(store->get("ja3", "near"));
  EXPECT_EQ(ids(store->knn("ja3", std::vector<float>{1, 0}, 3)),
            (std::vector<std::string>{"far", "exact"}));
  EXPECT_EQ(store->health()["vectors"], 2);
  EXPECT_EQ(store->kind_info("ja3")->vectors, 2u);
}

TYPED_TEST(VectorStoreContract, EmptyResults) {
  auto store = this->open();
  EXPECT_TRUE(store->knn("ja3", std::vector<float>{1, 2}, 5).empty());
  EXPECT_FALSE(store->get("ja3", "x"));
  EXPECT_FALSE(store->kind_info("ja3"));
  store->insert("ja3", "a", std::vector<float>{1, 2});
  EXPECT_TRUE(store->knn("ja3", std::vector<float>{1, 2}, 0).empty());
  EXPECT_FALSE(store->get("ja3", "b"));
  EXPECT_FALSE(store->get("hassh", "a"));
  EXPECT_TRUE(store->remove("ja3", "a"));
  EXPECT_TRUE(store->knn("ja3", std::vector<float>{1, 2}, 5).empty());
  // The kind outlives its last vector: its dimension is still enforced.
  EXPECT_THROW(store->insert("ja3", "a", std::vector<float>{1, 2, 3}), VectorError);
}

TYPED_TEST(VectorStoreContract, KLargerThanSize) {
  auto store = this->open();
  const auto data = random_vectors(7, 5, 1);
  for (std::size_t i = 0; i < data.size(); ++i) store->insert("k", id_of(i), data[i]);
  const auto hits = store->knn("k", data[3], 1000);
  ASSERT_EQ(hits.size(), 7u);
  expect_sorted(hits);
  EXPECT_EQ(hits[0].id, id_of(3));
  const auto hit_ids = ids(hits);
  const std::set<std::string> unique(hit_ids.begin(), hit_ids.end());
  EXPECT_EQ(unique.size(), 7u);
  EXPECT_EQ(store->knn("k", data[3], std::numeric_limits<std::size_t>::max()).size(), 7u);
}

TYPED_TEST(VectorStoreContract, DimensionAndArgumentErrors) {
  auto store = this->open();
  store->insert("ja3", "a", std::vector<float>{1, 2, 3});
  try {
    store->insert("ja3", "b", std::vector<float>{1, 2});
    FAIL() << "no error";
  } catch (const VectorError& e) {
    EXPECT_NE(std::string(e.what()).find("dim mismatch"), std::string::npos) << e.what();
  }
  EXPECT_THROW(store->insert("ja3", "a", std::vector<float>{1, 2, 3, 4}), VectorError);
  EXPECT_THROW(store->knn("ja3", std::vector<float>{1, 2}, 3), VectorError);
  EXPECT_THROW(store->knn("ja3", std::vector<float>{1, 2, 3, 4}, 3), VectorError);
  EXPECT_THROW(store->create_kind("ja3", 4, Metric::kL2), VectorError);
  EXPECT_THROW(store->create_kind("ja3", 3, Metric::kCosine), VectorError);
  EXPECT_NO_THROW(store->create_kind("ja3", 3, Metric::kL2));
  EXPECT_THROW(store->create_kind("zero", 0, Metric::kL2), VectorError);
  EXPECT_THROW(store->insert("", "a", std::vector<float>{1}), VectorError);
  EXPECT_THROW(store->insert("ja3", "", std::vector<float>{1, 2, 3}), VectorError);
  EXPECT_THROW(
      store->insert("ja3", std::string(kMaxKeyBytes + 1, 'x'), std::vector<float>{1, 2, 3}),
      VectorError);
  EXPECT_THROW(store->insert("new", "a", std::vector<float>{}), VectorError);
  EXPECT_THROW(store->insert("ja3", "nan", std::vector<float>{1, NAN, 3}), VectorError);
  EXPECT_THROW(store->insert("ja3", "inf", std::vector<float>{1, INFINITY, 3}), VectorError);
  EXPECT_THROW(store->knn("ja3", std::vector<float>{1, NAN, 3}, 3), VectorError);
  // Nothing of the failed calls was kept.
  EXPECT_EQ(store->health()["vectors"], 1);
  EXPECT_EQ(store->get("ja3", "a")->vector, (std::vector<float>{1, 2, 3}));
  EXPECT_FALSE(store->kind_info("new"));
}

// QUIRK fixed: the reference stored extractor_version and ignored it, so a v2 extractor's
// vectors were ranked against v1's. Here a knn sees only the version it asks for.
TYPED_TEST(VectorStoreContract, ExtractorVersionIsolation) {
  auto store = this->open();
  store->insert("kd", "v1-a", std::vector<float>{1, 0}, 1);
  store->insert("kd", "v1-b", std::vector<float>{5, 5}, 1);
  store->insert("kd", "v2-exact", std::vector<float>{1, 0}, 2);
  store->insert("kd", "v2-b", std::vector<float>{3, 3}, 2);

  EXPECT_EQ(ids(store->knn("kd", std::vector<float>{1, 0}, 10, 1)),
            (std::vector<std::string>{"v1-a", "v1-b"}));
  EXPECT_EQ(ids(store->knn("kd", std::vector<float>{1, 0}, 10, 2)),
            (std::vector<std::string>{"v2-exact", "v2-b"}));
  EXPECT_EQ(ids(store->knn("kd", std::vector<float>{1, 0}, 10)),
            (std::vector<std::string>{"v1-a", "v1-b"}));
  EXPECT_TRUE(store->knn("kd", std::vector<float>{1, 0}, 10, 3).empty());
  EXPECT_EQ(store->get("kd", "v2-b")->extractor_version, 2);

  // Re-extracting a record with the new extractor moves it to the new version.
  store->insert("kd", "v1-a", std::vector<float>{1, 0.5f}, 2);
  EXPECT_EQ(ids(store->knn("kd", std::vector<float>{1, 0}, 10, 1)),
            (std::vector<std::string>{"v1-b"}));
  EXPECT_EQ(ids(store->knn("kd", std::vector<float>{1, 0}, 10, 2)),
            (std::vector<std::string>{"v2-exact", "v1-a", "v2-b"}));
  EXPECT_EQ(store->get("kd", "v1-a")->extractor_version, 2);
  EXPECT_EQ(store->health()["vectors"], 4);
}

template <typename Store>
void check_against_brute_force(Store& store, Metric metric, std::size_t dim) {
  const auto data = random_vectors(400, dim, 7);
  const std::string kind = metric == Metric::kL2 ? "l2kind" : "coskind";
  store.create_kind(kind, dim, metric);
  for (std::size_t i = 0; i < data.size(); ++i) store.insert(kind, id_of(i), data[i]);
  const auto queries = random_vectors(25, dim, 99);
  for (const auto& q : queries) {
    const auto expected = brute_force(data, q, 10, metric);
    const auto hits = store.knn(kind, q, 10);
    ASSERT_EQ(hits.size(), expected.size());
    for (std::size_t i = 0; i < hits.size(); ++i) {
      EXPECT_EQ(hits[i].id, expected[i].second) << "rank " << i;
      EXPECT_NEAR(hits[i].distance, expected[i].first, 1e-4 * std::max(1.0, expected[i].first));
      EXPECT_EQ(hits[i].metric, metric);
    }
  }
}

TYPED_TEST(VectorStoreContract, L2MatchesBruteForce) {
  auto store = this->open();
  check_against_brute_force(*store, Metric::kL2, 37);
}

TYPED_TEST(VectorStoreContract, CosineMatchesBruteForce) {
  auto store = this->open();
  check_against_brute_force(*store, Metric::kCosine, 24);
  EXPECT_EQ(store->kind_info("coskind")->metric, Metric::kCosine);
}

TYPED_TEST(VectorStoreContract, CosineIgnoresMagnitudeAndZeroVectorIsAtOne) {
  auto store = this->open();
  store->create_kind("cmd", 3, Metric::kCosine);
  store->insert("cmd", "same-direction", std::vector<float>{10, 0, 0});
  store->insert("cmd", "orthogonal", std::vector<float>{0, 0.1f, 0});
  store->insert("cmd", "opposite", std::vector<float>{-1, 0, 0});
  store->insert("cmd", "zero", std::vector<float>{0, 0, 0});
  const auto hits = store->knn("cmd", std::vector<float>{0.5f, 0, 0}, 4);
  ASSERT_EQ(hits.size(), 4u);
  EXPECT_EQ(hits[0].id, "same-direction");
  EXPECT_NEAR(hits[0].distance, 0.0, 1e-6);
  EXPECT_NEAR(hits[1].distance, 1.0, 1e-6);
  EXPECT_NEAR(hits[2].distance, 1.0, 1e-6);
  EXPECT_EQ(hits[3].id, "opposite");
  EXPECT_NEAR(hits[3].distance, 2.0, 1e-6);
  // get() returns the vector as inserted, not normalised.
  EXPECT_EQ(store->get("cmd", "same-direction")->vector, (std::vector<float>{10, 0, 0}));
}

TYPED_TEST(VectorStoreContract, NonAsciiAndQuoteContainingKeys) {
  const std::string kind = "ja3 \"quoted\" 'single' ключ";
  const std::vector<std::string> keys = {"攻撃者",      "o'brien",   "say \"hi\"",
                                         "back\\slash", "new\nline", std::string("nul\0byte", 8),
                                         "🦀"};
  {
    auto store = this->open_file();
    for (std::size_t i = 0; i < keys.size(); ++i) {
      store->insert(kind, keys[i], std::vector<float>{static_cast<float>(i), 1});
    }
    EXPECT_EQ(store->get(kind, keys[1])->id, keys[1]);
    EXPECT_EQ(store->knn(kind, std::vector<float>{0, 1}, 1)[0].id, keys[0]);
    EXPECT_EQ(store->knn(kind, std::vector<float>{0, 1}, 1)[0].kind, kind);
    EXPECT_TRUE(store->remove(kind, keys[2]));
    EXPECT_FALSE(store->get(kind, "攻撃"));
  }
  auto store = this->open_file();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto rec = store->get(kind, keys[i]);
    if (i == 2) {
      EXPECT_FALSE(rec);
      continue;
    }
    ASSERT_TRUE(rec) << i;
    EXPECT_EQ(rec->id, keys[i]);
    EXPECT_EQ(rec->kind, kind);
    EXPECT_EQ(rec->vector[0], static_cast<float>(i));
  }
}

TYPED_TEST(VectorStoreContract, PersistenceRoundTrip) {
  const auto data = random_vectors(300, 16, 3);
  const auto replacements = random_vectors(40, 16, 5);
  const auto queries = random_vectors(10, 16, 4);
  std::vector<std::vector<Neighbor>> before;
  {
    auto store = this->open_file();
    store->create_kind("cos", 16, Metric::kCosine);
    for (std::size_t i = 0; i < data.size(); ++i) {
      store->insert("l2", id_of(i), data[i], i % 3 == 0 ? 2 : 1);
      store->insert("cos", id_of(i), data[i]);
    }
    for (std::size_t i = 0; i < 50; ++i) store->remove("l2", id_of(i * 5));
    for (std::size_t i = 0; i < 40; ++i) store->insert("cos", id_of(i), replacements[i]);
    store->create_kind("declared-only", 4, Metric::kCosine);
    for (const auto& q : queries) {
      for (std::int32_t v : {1, 2}) before.push_back(store->knn("l2", q, 10, v));
      before.push_back(store->knn("cos", q, 10));
    }
    EXPECT_EQ(store->health()["vectors"], 550);
    store->close();
    store->close();
    EXPECT_EQ(store->health()["ok"], false);
    EXPECT_THROW(store->knn("l2", queries[0], 10), VectorError);
  }
  auto store = this->open_file();
  auto health = store->health();
  EXPECT_EQ(health["vectors"], 550);
  EXPECT_EQ(health["kinds"], 3);
  // close() compacted the log: nothing but live records is left.
  EXPECT_EQ(health["log_bytes"], health["live_bytes"]);
  EXPECT_EQ(fs::file_size(this->file()), health["log_bytes"].template get<std::uint64_t>());
  std::size_t n = 0;
  for (const auto& q : queries) {
    for (std::int32_t v : {1, 2}) EXPECT_EQ(store->knn("l2", q, 10, v), before[n++]);
    EXPECT_EQ(store->knn("cos", q, 10), before[n++]);
  }
  EXPECT_EQ(store->kind_info("declared-only")->metric, Metric::kCosine);
  EXPECT_EQ(store->kind_info("declared-only")->dim, 4u);
  EXPECT_EQ(store->get("cos", id_of(5))->vector, replacements[5]);
  EXPECT_EQ(store->get("l2", id_of(3))->extractor_version, 2);
  EXPECT_FALSE(store->get("l2", id_of(5)));
}

TYPED_TEST(VectorStoreContract, TornTailIsCutOffAndEarlierRecordsSurvive) {
  {
    auto store = this->open_file();
    for (int i = 0; i < 10; ++i) {
      store->insert("ja3", id_of(i), std::vector<float>{static_cast<float>(i), 0, 0, 0});
    }
  }
  // A crash in the middle of the last record's write.
  const auto full = fs::file_size(this->file());
  fs::resize_file(this->file(), full - 7);
  {
    auto store = this->open_file();
    EXPECT_EQ(store->health()["vectors"], 9);
    for (int i = 0; i < 9; ++i) EXPECT_TRUE(store->get("ja3", id_of(i))) << i;
    EXPECT_FALSE(store->get("ja3", id_of(9)));
    // The store keeps working on the repaired file.
    store->insert("ja3", "after", std::vector<float>{1, 1, 1, 1});
  }
  auto store = this->open_file();
  EXPECT_EQ(store->health()["vectors"], 10);
  EXPECT_TRUE(store->get("ja3", "after"));
}

TYPED_TEST(VectorStoreContract, CorruptRecordEndsReplayThere) {
  {
    auto store = this->open_file();
    for (int i = 0; i < 10; ++i) {
      store->insert("ja3", id_of(i), std::vector<float>{static_cast<float>(i), 0});
    }
  }
  // Flip one byte inside the 6th insert's vector (after the header and the kind record).
  const auto record = insert_record_size("ja3", id_of(0), 2);
  const auto offset = 16 + kind_record_size("ja3") + 5 * record + record - 2;
  {
    std::fstream f(this->file(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(offset));
    f.put('\x7f');
  }
  auto store = this->open_file();
  EXPECT_EQ(store->health()["vectors"], 5);
  EXPECT_TRUE(store->get("ja3", id_of(4)));
  EXPECT_FALSE(store->get("ja3", id_of(5)));
}

TYPED_TEST(VectorStoreContract, LogIsCompactedWhenItGrows) {
  const auto v = random_vectors(1, 32, 5)[0];
  auto store = this->open_file(4096);
  store->insert("kd", "keep", v);
  for (int i = 0; i < 500; ++i) {
    auto w = v;
    w[0] = static_cast<float>(i);
    store->insert("kd", "churn", w);
  }
  auto health = store->health();
  const auto live = health["live_bytes"].template get<std::uint64_t>();
  EXPECT_LE(health["log_bytes"].template get<std::uint64_t>(),
            std::max<std::uint64_t>(2 * live, 4096));
  store->close();
  store = this->open_file(4096);
  EXPECT_EQ(store->get("kd", "churn")->vector[0], 499.0f);
  EXPECT_EQ(store->get("kd", "keep")->vector, v);
}

TYPED_TEST(VectorStoreContract, LifecycleErrors) {
  auto store = TypeParam::make(StoreOptions{.path = this->file()});
  EXPECT_EQ(store->health()["ok"], false);
  EXPECT_EQ(store->health()["reason"], "not initialized");
  EXPECT_THROW(store->insert("k", "a", std::vector<float>{1}), VectorError);
  EXPECT_THROW(store->get("k", "a"), VectorError);
  store->initialize();
  store->initialize();
  // The side file is locked while a store has it open.
  auto second = TypeParam::make(StoreOptions{.path = this->file()});
  EXPECT_THROW(second->initialize(), VectorError);
  store->close();
  EXPECT_NO_THROW(second->initialize());
  second->close();

  // A file that is not ours is refused and left alone.
  const auto foreign = this->dir_ / "foreign.bin";
  std::ofstream(foreign) << "SQLite format 3, definitely not vectors";
  auto third = TypeParam::make(StoreOptions{.path = foreign});
  EXPECT_THROW(third->initialize(), VectorError);
  EXPECT_EQ(fs::file_size(foreign), 39u);
}

TYPED_TEST(VectorStoreContract, ConcurrentReadersDuringWrites) {
  auto store = this->open_file();
  const std::size_t dim = 16;
  const auto data = random_vectors(1500, dim, 11);
  for (std::size_t i = 0; i < 500; ++i) store->insert("kd", id_of(i), data[i]);
  std::atomic<bool> done{false};
  std::atomic<int> searches{0};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      std::size_t q = static_cast<std::size_t>(r);
      while (!done.load()) {
        const auto hits = store->knn("kd", data[q % data.size()], 10);
        if (hits.size() > 10 || !std::is_sorted(hits.begin(), hits.end(), [](auto& a, auto& b) {
              return a.distance < b.distance;
            })) {
          ++bad;
        }
        store->get("kd", id_of(q % data.size()));
        ++searches;
        q += 7;
      }
    });
  }
  // Writes start only once readers are searching, so the two really overlap.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (searches.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  for (std::size_t i = 500; i < 1500; ++i) {
    store->insert("kd", id_of(i), data[i]);
    if (i % 3 == 0) store->remove("kd", id_of(i - 400));
    if (i % 5 == 0) store->insert("kd", id_of(i - 1), data[i]);
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(searches.load(), 0);
  // The final state is what the writes say.
  EXPECT_FALSE(store->get("kd", id_of(500)));                    // removed at i = 900
  EXPECT_EQ(store->get("kd", id_of(1494))->vector, data[1495]);  // replaced at i = 1495
  EXPECT_EQ(store->get("kd", id_of(1499))->vector, data[1499]);
}

// ---------------------------------------------------------------------------------------------
// Backend-specific.

TEST(NullVectorStore, AcceptsEverythingKeepsNothing) {
  NullVectorStore store;
  store.initialize();
  store.create_kind("ja3", 2, Metric::kCosine);
  store.insert("ja3", "a", std::vector<float>{1, 2});
  store.insert("ja3", "b", std::vector<float>{1, 2, 3});
  EXPECT_FALSE(store.get("ja3", "a"));
  EXPECT_FALSE(store.kind_info("ja3"));
  EXPECT_TRUE(store.knn("ja3", std::vector<float>{1, 2}, 10).empty());
  EXPECT_FALSE(store.remove("ja3", "a"));
  EXPECT_EQ(store.health(),
            (nlohmann::json{{"ok", true}, {"backend", "null"}, {"kinds", 0}, {"vectors", 0}}));
  store.close();
  store.close();
}

TEST(VectorKernels, EveryVariantMatchesDoublePrecision) {
  std::vector<const Kernels*> variants = {&scalar_kernels()};
  if (avx2_kernels()) variants.push_back(avx2_kernels());
  EXPECT_EQ(kernels().name, variants.back()->name);
  for (std::size_t dim : {1, 3, 7, 8, 9, 15, 16, 17, 31, 64, 100, 128, 131}) {
    const auto rows = random_vectors(11, dim, static_cast<unsigned>(dim));
    std::vector<float> flat;
    for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
    const auto& q = rows[0];
    for (const auto* k : variants) {
      std::vector<float> l2(rows.size()), dot(rows.size());
      k->l2_squared_rows(q.data(), flat.data(), rows.size(), dim, l2.data());
      k->dot_rows(q.data(), flat.data(), rows.size(), dim, dot.data());
      for (std::size_t i = 0; i < rows.size(); ++i) {
        double el2 = 0, edot = 0;
        for (std::size_t d = 0; d < dim; ++d) {
          el2 += (double(q[d]) - rows[i][d]) * (double(q[d]) - rows[i][d]);
          edot += double(q[d]) * rows[i][d];
        }
        const double tol = 1e-5 * (1.0 + static_cast<double>(dim));
        EXPECT_NEAR(l2[i], el2, tol) << k->name << " dim " << dim;
        EXPECT_NEAR(dot[i], edot, tol) << k->name << " dim " << dim;
        EXPECT_NEAR(k->l2_squared(q.data(), rows[i].data(), dim), el2, tol) << k->name;
        EXPECT_NEAR(k->dot(q.data(), rows[i].data(), dim), edot, tol) << k->name;
      }
    }
  }
}

TEST(VectorLog, Crc32KnownAnswers) {
  const std::string check = "123456789";
  EXPECT_EQ(crc32(std::as_bytes(std::span(check.data(), check.size()))), 0xCBF43926u);
  EXPECT_EQ(crc32({}), 0u);
  const std::string a = "hello ", b = "world";
  const auto whole = a + b;
  EXPECT_EQ(crc32(std::as_bytes(std::span(b.data(), b.size())),
                  crc32(std::as_bytes(std::span(a.data(), a.size())))),
            crc32(std::as_bytes(std::span(whole.data(), whole.size()))));
}

TEST(VectorFactory, FollowsConfiguration) {
  ScratchDir dir;
  const auto data_dir = dir.path().string();
  auto null = make_vector_store(core::Config::with(
      {{"DECNET_VECTORSTORE_ENABLED", "false"}, {"DECNET_VECTORSTORE_TYPE", "hnsw"}}));
  EXPECT_EQ(null->health()["backend"], "null");

  const auto flat_config = core::Config::with({{"DECNET_DATA_DIR", data_dir}});
  EXPECT_EQ(vector_store_path(flat_config), dir.path() / "vectors.bin");
  auto flat = make_vector_store(flat_config);
  flat->initialize();
  EXPECT_EQ(flat->health()["backend"], "flat");
  EXPECT_EQ(flat->health()["path"], (dir.path() / "vectors.bin").string());
  flat->close();

  const auto custom = (dir.path() / "sub" / "v.bin").string();
  auto hnsw = make_vector_store(core::Config::with(
      {{"DECNET_VECTORSTORE_TYPE", "hnsw"}, {"DECNET_VECTORSTORE_PATH", custom}}));
  hnsw->initialize();
  EXPECT_EQ(hnsw->health()["backend"], "hnsw");
  hnsw->insert("k", "a", std::vector<float>{1});
  hnsw->close();
  EXPECT_TRUE(fs::exists(custom));

  EXPECT_THROW(core::Config::with({{"DECNET_VECTORSTORE_TYPE", "faiss"}}), core::ConfigError);
}

double recall_at_10(VectorStore& approx, VectorStore& exact, const std::string& kind,
                    const Matrix& queries) {
  std::size_t found = 0, total = 0;
  for (const auto& q : queries) {
    const auto truth = ids(exact.knn(kind, q, 10));
    const auto got = ids(approx.knn(kind, q, 10));
    const std::set<std::string> truth_set(truth.begin(), truth.end());
    for (const auto& id : got) found += truth_set.count(id);
    total += truth.size();
  }
  return static_cast<double>(found) / static_cast<double>(total);
}

TEST(HnswVectorStore, RecallOnClusteredData) {
  const auto data = clustered_vectors(6000, 32, 60, 21);
  const auto queries = clustered_vectors(200, 32, 60, 21 + 1000);
  HnswVectorStore hnsw({}, HnswOptions{.m = 16, .ef_construction = 200, .ef = 64});
  FlatVectorStore flat;
  hnsw.initialize();
  flat.initialize();
  hnsw.create_kind("cos", 32, Metric::kCosine);
  flat.create_kind("cos", 32, Metric::kCosine);
  for (std::size_t i = 0; i < data.size(); ++i) {
    for (VectorStore* s : {static_cast<VectorStore*>(&hnsw), static_cast<VectorStore*>(&flat)}) {
      s->insert("l2", id_of(i), data[i]);
      s->insert("cos", id_of(i), data[i]);
    }
  }
  // Churn: removals and replacements go through markDelete and in-place updates.
  for (std::size_t i = 0; i < 600; ++i) {
    hnsw.remove("l2", id_of(i * 7));
    flat.remove("l2", id_of(i * 7));
    hnsw.insert("l2", id_of(i * 7 + 1), data[i * 3]);
    flat.insert("l2", id_of(i * 7 + 1), data[i * 3]);
  }
  const double l2 = recall_at_10(hnsw, flat, "l2", queries);
  const double cos = recall_at_10(hnsw, flat, "cos", queries);
  EXPECT_GE(l2, 0.95);
  EXPECT_GE(cos, 0.95);
  for (const auto& q : queries) {
    for (const auto& hit : hnsw.knn("l2", q, 10)) {
      const auto n = std::stoul(hit.id.substr(3));
      EXPECT_FALSE(n % 7 == 0 && n < 4200) << "removed " << hit.id << " returned";
    }
  }
  RecordProperty("recall_l2", std::to_string(l2));
  RecordProperty("recall_cosine", std::to_string(cos));
}

}  // namespace
}  // namespace decnet::vector
