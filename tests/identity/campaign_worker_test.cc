// The campaign worker on a real SQLite database: a kill-chain hand-off on one decky (one
// identity left it at command and control, another arrived at discovery within the day) makes
// one campaign; identities with the same payloads and C2 make one, different ones none; a
// repeat tick changes nothing; merged-out identities are not candidates; when the shared
// infrastructure goes, the identities leave and the campaign is no longer listed. Events are
// checked on the bus.
#include "identity/campaign_worker.h"

#include <gtest/gtest.h>

#include "bus/inprocess_bus.h"
#include "core/uuid.h"
#include "identity_store_fixture.h"
#include "store/attacker_repository.h"
#include "store/identity_repository.h"
#include "store/session_repository.h"
#include "store/sqlite/sqlite_repository.h"
#include "store/ttp_repository.h"
#include "tests_support.h"

namespace decnet::identity {
namespace {

using namespace decnet::testing;

class CampaignWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    subscription_ = bus_.subscribe("campaign.>",
                                   [this](const bus::Event& e) {
                                     core::MutexLock lock(mu_);
                                     topics_.push_back(e.topic);
                                   },
                                   {.name = "test"});
  }
  void TearDown() override { subscription_.unsubscribe(); }
  void tag(const std::string& attacker, const std::string& decky, const std::string& tactic,
           std::int64_t at_seconds) {
    store::TtpTag t;
    t.source_kind = "command";
    t.source_id = attacker + decky + tactic;
    t.attacker_uuid = attacker;
    t.decky_id = decky;
    t.tactic = tactic;
    t.technique_id = "T1059";
    t.confidence = 0.9;
    t.rule_id = "R9999";
    t.created_at = kFixtureT0 + at_seconds * 1'000'000;
    repo_->write_now([&](store::WriteScope& w) { return repo_->ttp().insert_tags(w, {t}); });
  }
  void infrastructure(const std::string& identity, std::vector<std::string> payloads,
                      std::vector<std::string> c2) {
    store::FingerprintSummary s;
    s.payload_hashes = std::move(payloads);
    s.c2_endpoints = std::move(c2);
    repo_->write_now([&](store::WriteScope& w) {
      return repo_->identities().update_fingerprint_summary(w, identity, s);
    });
  }
  void rhythm(const std::string& identity, std::uint64_t simhash) {
    repo_->write_now([&](store::WriteScope& w) {
      return repo_->identities().set_kd_digraph_simhash(w, identity, simhash);
    });
  }
  // One session of the attacker at `ip`, `from` to `to` seconds after the fixture's start.
  void session(const std::string& ip, std::int64_t from, std::int64_t to) {
    const auto id = repo_->write_now([&](store::WriteScope& w) {
      return repo_->attackers().record_activity(w, {ip, kFixtureT0, kFixtureT0, 1, 0, {}}).id;
    });
    store::Session s;
    s.uuid = core::Uuid::v4().str();
    s.decky = "d1";
    s.service = "ssh";
    s.started_at = kFixtureT0 + from * 1'000'000;
    s.last_event_at = s.started_at;
    s.ended_at = kFixtureT0 + to * 1'000'000;
    repo_->write_now([&](store::WriteScope& w) { repo_->sessions().upsert_session(w, id, s); });
  }
  void asn(const std::string& attacker, std::int64_t n) {
    store::AttackerEnrichment e;
    e.uuid = attacker;
    e.asn = n;
    e.enriched_at = kFixtureT0;
    repo_->write_now([&](store::WriteScope& w) { return repo_->attackers().set_enrichment(w, e); });
  }
  std::optional<std::string> campaign_of(const std::string& identity) {
    return repo_->identities().get_identity_row(identity)->campaign_id;
  }
  std::size_t seen(const std::string& topic) {
    core::MutexLock lock(mu_);
    return static_cast<std::size_t>(std::count(topics_.begin(), topics_.end(), topic));
  }

  IdentityStoreFixture store_;
  std::unique_ptr<store::Repository>& repo_ = store_.repo;
  bus::InProcessBus bus_;
  bus::Subscription subscription_;
  core::Mutex mu_;
  std::vector<std::string> topics_;
  CampaignWorker worker_{*repo_, bus_};
};

TEST_F(CampaignWorkerTest, AHandOffOnOneDeckyIsOneCampaign) {
  const auto [i1, a1] = store_.identity("198.51.100.1");
  const auto [i2, a2] = store_.identity("198.51.100.2");
  const auto [i3, a3] = store_.identity("198.51.100.3");
  tag(a1, "d1", "TA0002", 900);   // execution
  tag(a1, "d1", "TA0011", 1000);  // ...left at command and control
  tag(a2, "d1", "TA0007", 1600);  // discovery on the same decky, 10 minutes later
  tag(a3, "d2", "TA0007", 1600);  // another decky: no hand-off
  const auto t = worker_.tick();
  EXPECT_EQ(t.formed, 1u);
  ASSERT_TRUE(campaign_of(i1));
  EXPECT_EQ(campaign_of(i1), campaign_of(i2));
  EXPECT_FALSE(campaign_of(i3));
  ASSERT_TRUE(wait_until([&] { return seen("campaign.formed") == 1; }));
  const auto again = worker_.tick();
  EXPECT_EQ(again.formed + again.merged + again.unmerged + again.assigned, 0u);
  const auto listed = repo_->campaigns().list_campaigns({});
  ASSERT_EQ(listed.total, 1);
  EXPECT_EQ(repo_->campaigns().identity_uuids_for_campaign(listed.data[0].uuid),
            (std::vector<std::string>{std::min(i1, i2), std::max(i1, i2)}));
}

TEST_F(CampaignWorkerTest, SharedInfrastructureJoinsAndItsDepartureParts) {
  const auto [i1, a1] = store_.identity("198.51.100.11");
  const auto [i2, a2] = store_.identity("198.51.100.12");
  const auto [i3, a3] = store_.identity("198.51.100.13");
  const auto [i4, a4] = store_.identity("198.51.100.14");
  infrastructure(i1, {"p1"}, {"c2.example:443"});
  infrastructure(i2, {"p1"}, {"c2.example:443"});
  infrastructure(i3, {"p9"}, {});
  // A merged-out identity is not a candidate, whatever it holds.
  repo_->write_now(
      [&](store::WriteScope& w) { return repo_->identities().merge_identity(w, i4, i3); });
  infrastructure(i4, {"p1"}, {"c2.example:443"});
  EXPECT_EQ(worker_.tick().formed, 1u);
  ASSERT_TRUE(campaign_of(i1));
  EXPECT_EQ(campaign_of(i1), campaign_of(i2));
  EXPECT_FALSE(campaign_of(i3));
  EXPECT_FALSE(campaign_of(i4));
  // i2 moves to other infrastructure: both leave, and the campaign is not listed any more.
  infrastructure(i2, {"p2"}, {"other.example:80"});
  const auto t = worker_.tick();
  EXPECT_EQ(t.assigned, 2u);
  EXPECT_FALSE(campaign_of(i1));
  EXPECT_FALSE(campaign_of(i2));
  EXPECT_EQ(repo_->campaigns().list_campaigns({}).total, 0);
}

// The same typing rhythm alone (0.6) joins nobody; with sessions at the same time (0.4) it
// does, read from the sessions of the identities' attackers. Their ASN adds to the edge's cohort.
TEST_F(CampaignWorkerTest, RhythmJoinsWhenTheirSessionsOverlap) {
  const auto [i1, a1] = store_.identity("198.51.100.31");
  const auto [i2, a2] = store_.identity("198.51.100.32");
  rhythm(i1, 0xdead'beef'0000'0001ULL);
  rhythm(i2, 0xdead'beef'0000'0001ULL);
  asn(a1, 64500);
  asn(a2, 64500);
  session("198.51.100.31", 0, 600);
  session("198.51.100.32", 3600, 4200);  // an hour later
  EXPECT_EQ(worker_.tick().formed, 0u);
  EXPECT_FALSE(campaign_of(i1));
  session("198.51.100.32", 100, 700);  // and now also during the first one's
  EXPECT_EQ(worker_.tick().formed, 1u);
  ASSERT_TRUE(campaign_of(i1));
  EXPECT_EQ(campaign_of(i1), campaign_of(i2));
  const auto candidates = repo_->campaigns().campaign_candidates({i1});
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0].asns, (std::vector<std::int64_t>{64500}));
  EXPECT_EQ(candidates[0].session_windows.size(), 1u);
}

TEST_F(CampaignWorkerTest, ABridgeMergesTwoCampaignsIntoTheOlder) {
  const auto [i1, a1] = store_.identity("198.51.100.21");
  const auto [i2, a2] = store_.identity("198.51.100.22");
  const auto [i3, a3] = store_.identity("198.51.100.23");
  const auto [i4, a4] = store_.identity("198.51.100.24");
  infrastructure(i1, {"pa"}, {});
  infrastructure(i2, {"pa"}, {});
  worker_.tick();
  infrastructure(i3, {"pb"}, {});
  infrastructure(i4, {"pb"}, {});
  worker_.tick();
  const auto older = *campaign_of(i1);
  const auto newer = *campaign_of(i3);
  ASSERT_NE(older, newer);
  // i2 hands d7 over to i3: the two campaigns are one, the older surviving.
  tag(a2, "d7", "TA0003", 100);  // persistence
  tag(a3, "d7", "TA0008", 200);  // lateral movement
  EXPECT_EQ(worker_.tick().merged, 1u);
  EXPECT_EQ(repo_->campaigns().get_campaign_by_uuid(newer)->uuid, older);
  EXPECT_EQ(repo_->campaigns().list_campaigns({}).total, 1);
  ASSERT_TRUE(wait_until([&] { return seen("campaign.merged") == 1; }));
}

}  // namespace
}  // namespace decnet::identity
