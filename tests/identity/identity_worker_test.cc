// The identity worker with a real SQLite database and vector store: attackers whose recorded
// sessions type with one rhythm and run one set of command habits are behavioural twins and
// become one identity; the same rhythm with other habits, or other habits alone, is not enough;
// twins whose client fingerprints disagree stay apart. Twin evidence is stored, so a rebuild from
// the database finds the same identities.
#include "identity/identity_worker.h"

#include <gtest/gtest.h>

#include "bus/inprocess_bus.h"
#include "store/attacker_repository.h"
#include "store/identity_repository.h"
#include "store/sqlite/sqlite_repository.h"
#include "tests_support.h"
#include "vector/flat_vector_store.h"

namespace decnet::identity {
namespace {

using namespace decnet::testing;

constexpr std::int64_t kT0 = 1'780'000'000'000'000;

std::vector<float> rhythm(float base) {
  std::vector<float> v(55);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = base + static_cast<float>(i % 7) * 0.3f;
  return v;
}

std::vector<float> habits(int which) {
  std::vector<float> v(64, 0.0f);
  for (int i = 0; i < 6; ++i) v[static_cast<std::size_t>((which * 11 + i * 5) % 64)] = 1.0f;
  return v;
}

class IdentityWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    vectors_.initialize();
    worker_ =
        std::make_unique<IdentityWorker>(*repo_, bus_, IdentityWorkerOptions{.vectors = &vectors_});
    worker_->start();
  }
  void TearDown() override {
    worker_->stop();
    repo_->close();
  }
  std::string attacker(const std::string& ip) {
    const auto uuid = repo_->write_now([&](store::WriteScope& w) {
      return repo_->attackers().record_activity(w, {ip, kT0, kT0, 1, 0, {}}).uuid;
    });
    worker_->submit({{uuid, std::nullopt, {}, kT0}});
    return uuid;
  }
  void behaviour(const std::string& a, const std::vector<float>& keys,
                 const std::vector<float>& commands) {
    vectors_.insert("keystroke", a, keys);
    vectors_.insert("cmd_ngram", a, commands);
    worker_->submit({{a, EvidenceKind::kBehaviour, {}, kT0 + 1}});
  }
  std::string identity_of(const std::string& a) {
    return repo_->attackers().get(a)->identity_id.value_or("");
  }

  TempDir dir_;
  std::unique_ptr<store::Repository> repo_ =
      store::sqlite::open_sqlite_repository({.path = dir_ / "i.db"});
  bus::InProcessBus bus_;
  vector::FlatVectorStore vectors_;
  std::unique_ptr<IdentityWorker> worker_;
};

TEST_F(IdentityWorkerTest, BehaviouralTwinsAreOneIdentity) {
  const auto a = attacker("198.51.100.1");
  const auto b = attacker("198.51.100.2");
  const auto same_rhythm_only = attacker("198.51.100.3");
  const auto other = attacker("198.51.100.4");
  ASSERT_TRUE(worker_->drain(std::chrono::seconds(10)));
  behaviour(a, rhythm(1.0f), habits(1));
  behaviour(b, rhythm(1.0f), habits(1));  // the same typing, the same playbook
  behaviour(same_rhythm_only, rhythm(1.0f), habits(7));
  behaviour(other, rhythm(9.0f), habits(3));
  ASSERT_TRUE(worker_->drain(std::chrono::seconds(10)));
  EXPECT_EQ(identity_of(a), identity_of(b));
  EXPECT_NE(identity_of(a), identity_of(same_rhythm_only));
  EXPECT_NE(identity_of(a), identity_of(other));
  EXPECT_FALSE(identity_of(a).empty());

  // Stored, so the database alone gives the same grouping.
  worker_->stop();
  const auto report = rebuild_identities(*repo_);
  EXPECT_EQ(report.created + report.merged + report.unmerged + report.relinked, 0u);
  worker_->start();
}

TEST_F(IdentityWorkerTest, TwinsWithDisagreeingClientsStayApart) {
  const auto a = attacker("198.51.100.11");
  const auto b = attacker("198.51.100.12");
  worker_->submit({{a, EvidenceKind::kJa3, std::string(32, 'a'), kT0},
                   {b, EvidenceKind::kJa3, std::string(32, 'b'), kT0}});
  ASSERT_TRUE(worker_->drain(std::chrono::seconds(10)));
  behaviour(a, rhythm(2.0f), habits(2));
  behaviour(b, rhythm(2.0f), habits(2));
  ASSERT_TRUE(worker_->drain(std::chrono::seconds(10)));
  EXPECT_NE(identity_of(a), identity_of(b));
  EXPECT_EQ(worker_->health()["evidence_recorded"], 4);  // two JA3s, the twin both ways
}

}  // namespace
}  // namespace decnet::identity
