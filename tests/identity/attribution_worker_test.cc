// The attribution worker on a real SQLite database, with the reference's worker and correlator
// scenarios: two observations are unknown; a third makes it stable and both changes are
// announced (old_state null, then "unknown"); re-deriving unchanged data announces nothing and
// keeps last_change_ts; alternating values give multi_actor; observations of an identity merged
// in count for the winner; the correlator fires for two multi_actor primitives, not again for the
// same set, again when it grows, and again after the identity dropped below two. Counts are read
// after a marker published last has arrived, so an event still on its way is never missed.
#include "identity/attribution_worker.h"

#include <gtest/gtest.h>

#include "bus/inprocess_bus.h"
#include "identity_store_fixture.h"
#include "store/attacker_repository.h"
#include "store/identity_repository.h"
#include "store/observation_repository.h"
#include "store/sqlite/sqlite_repository.h"
#include "tests_support.h"

namespace decnet::identity {
namespace {

using namespace decnet::testing;

class AttributionWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    subscription_ = bus_.subscribe("attribution.>",
                                   [this](const bus::Event& e) {
                                     core::MutexLock lock(mu_);
                                     events_.push_back(e);
                                   },
                                   {.name = "test"});
  }
  void TearDown() override { subscription_.unsubscribe(); }
  void observe(const std::string& attacker, const std::string& primitive, const std::string& value,
               double ts) {
    store::Observation o;
    o.primitive = primitive;
    o.value = nlohmann::json(value).dump();
    o.confidence = 0.9;
    o.source = "behave-shell";
    o.evidence_ref = "session:" + attacker + "/" + std::to_string(ts);
    o.ts = ts;
    o.attacker_uuid = attacker;
    repo_->write_now(
        [&](store::WriteScope& w) { return repo_->observations().upsert_observation(w, o); });
  }
  // Everything published so far has reached the subscriber: a marker sent after it arrived
  // (delivery to one subscriber keeps the order of publication).
  void flush() {
    ++flushes_;
    bus_.publish("attribution.test.flush", {{"n", flushes_}}, "flush");
    ASSERT_TRUE(wait_until([&] {
      core::MutexLock lock(mu_);
      return std::any_of(events_.begin(), events_.end(), [&](const bus::Event& e) {
        return e.topic == "attribution.test.flush" && e.payload["n"] == flushes_;
      });
    }));
  }
  std::vector<bus::Event> events(const std::string& topic) {
    flush();
    std::vector<bus::Event> out;
    core::MutexLock lock(mu_);
    for (const auto& e : events_) {
      if (e.topic == topic) out.push_back(e);
    }
    return out;
  }
  std::size_t count(const std::string& topic) { return events(topic).size(); }

  IdentityStoreFixture store_;
  std::unique_ptr<store::Repository>& repo_ = store_.repo;
  bus::InProcessBus bus_;
  bus::Subscription subscription_;
  core::Mutex mu_;
  std::vector<bus::Event> events_;
  int flushes_ = 0;
  AttributionWorker worker_{*repo_, bus_};
};

constexpr const char* kChanged = "attribution.profile.state_changed";
constexpr const char* kSuspected = "attribution.profile.multi_actor_suspected";

TEST_F(AttributionWorkerTest, StatesChangeOnceAndReDerivingChangesNothing) {
  const auto [i, a] = store_.identity("198.51.100.1");
  observe(a, "motor.input_modality", "typed", 1);
  observe(a, "motor.input_modality", "typed", 2);
  EXPECT_TRUE(worker_.derive(i, "motor.input_modality"));
  EXPECT_EQ(repo_->attribution().get_attribution_state(i, "motor.input_modality")->state,
            "unknown");
  observe(a, "motor.input_modality", "typed", 3);
  EXPECT_TRUE(worker_.derive(i, "motor.input_modality"));
  const auto stable = repo_->attribution().get_attribution_state(i, "motor.input_modality");
  EXPECT_EQ(stable->state, "stable");
  EXPECT_EQ(stable->last_change_ts, 3.0);
  EXPECT_EQ(stable->current_value, "\"typed\"");
  EXPECT_FALSE(worker_.derive(i, "motor.input_modality"));
  EXPECT_EQ(repo_->attribution().get_attribution_state(i, "motor.input_modality")->last_change_ts,
            3.0);
  ASSERT_EQ(count(kChanged), 2u);
  const auto changed = events(kChanged);
  EXPECT_TRUE(changed[0].payload["old_state"].is_null());
  EXPECT_EQ(changed[1].payload["old_state"], "unknown");
  EXPECT_EQ(changed[1].payload["new_state"], "stable");
  EXPECT_EQ(changed[1].payload["identity_uuid"], i);
}

TEST_F(AttributionWorkerTest, AlternatingValuesAreMultiActorAndMergedIdentitiesCount) {
  const auto [winner, a1] = store_.identity("198.51.100.2");
  const auto [loser, a2] = store_.identity("198.51.100.3");
  // A B A on the winner's address, B A on the merged one's: A B A B A in time.
  observe(a1, "motor.input_modality", "typed", 1);
  observe(a2, "motor.input_modality", "pasted", 2);
  observe(a1, "motor.input_modality", "typed", 3);
  observe(a2, "motor.input_modality", "pasted", 4);
  observe(a1, "motor.input_modality", "typed", 5);
  worker_.derive(winner, "motor.input_modality");
  EXPECT_EQ(repo_->attribution().get_attribution_state(winner, "motor.input_modality")->state,
            "stable");  // its own three
  repo_->write_now(
      [&](store::WriteScope& w) { return repo_->identities().merge_identity(w, loser, winner); });
  worker_.derive(winner, "motor.input_modality");
  const auto row = repo_->attribution().get_attribution_state(winner, "motor.input_modality");
  EXPECT_EQ(row->state, "multi_actor");
  EXPECT_LE(row->confidence, 0.6);
  EXPECT_EQ(row->observation_count, 5);
}

TEST_F(AttributionWorkerTest, TheCorrelatorFiresOncePerSetAndAgainWhenItChanges) {
  const auto [i, a] = store_.identity("198.51.100.4");
  const auto alternate = [&](const std::string& primitive, double from) {
    for (int k = 0; k < 5; ++k) observe(a, primitive, k % 2 ? "B" : "A", from + k);
    worker_.derive(i, primitive);
  };
  alternate("motor.input_modality", 10);
  worker_.correlate();
  EXPECT_EQ(count(kSuspected), 0u);  // one primitive is not enough
  alternate("cognitive.error_correction", 20);
  worker_.correlate();
  ASSERT_EQ(count(kSuspected), 1u);
  const auto first = events(kSuspected).front().payload;
  EXPECT_EQ(first["primitives"],
            nlohmann::json({"cognitive.error_correction", "motor.input_modality"}));
  EXPECT_LE(first["confidence"].get<double>(), 0.6);
  worker_.correlate();
  EXPECT_EQ(count(kSuspected), 1u);  // same set: nothing new
  alternate("temporal.pause_pattern", 30);
  worker_.correlate();
  ASSERT_EQ(count(kSuspected), 2u);
  EXPECT_EQ(events(kSuspected).back().payload["primitives"].size(), 3u);
  // Two primitives settle: below two, re-armed; back above, fired again.
  for (const char* p : {"cognitive.error_correction", "temporal.pause_pattern"}) {
    for (int k = 0; k < 5; ++k) observe(a, p, "A", 40 + k);
    worker_.derive(i, p);
  }
  worker_.correlate();
  EXPECT_EQ(count(kSuspected), 2u);
  alternate("cognitive.error_correction", 50);
  alternate("cognitive.error_correction", 60);
  worker_.correlate();
  ASSERT_EQ(count(kSuspected), 3u);
}

// The identity's rhythm centroid follows its sessions' digraph SimHashes (bitwise majority).
TEST_F(AttributionWorkerTest, TheRhythmCentroidIsTheMajorityOfTheSessions) {
  const auto [i, a] = store_.identity("198.51.100.5");
  observe(a, "motor.digraph_simhash", "ffffffffffffffff", 1);
  observe(a, "motor.digraph_simhash", "ffffffff00000000", 2);
  observe(a, "motor.digraph_simhash", "00000000ffffffff", 3);
  worker_.derive(i, "motor.digraph_simhash");
  EXPECT_EQ(repo_->identities().get_identity_row(i)->kd_digraph_simhash, 0xffffffffffffffffULL);
  observe(a, "motor.digraph_simhash", "0000000000000000", 4);
  observe(a, "motor.digraph_simhash", "0000000000000000", 5);
  worker_.derive(i, "motor.digraph_simhash");
  EXPECT_EQ(repo_->identities().get_identity_row(i)->kd_digraph_simhash, 0ULL);
}

}  // namespace
}  // namespace decnet::identity
