// smtp_targets: the per-attacker running counts and the gossip-shaped per-domain aggregate.
#include <gtest/gtest.h>

#include "store/attacker_repository.h"
#include "store/smtp_target_repository.h"
#include "store/sqlite/domains.h"
#include "store/store_error.h"
#include "store_fixture.h"

namespace decnet::store {
namespace {

class SmtpTargetStoreTest : public DomainStoreTest {
 protected:
  std::int64_t increment(const std::string& uuid, const std::string& domain, std::int64_t at,
                         std::int64_t count = 1) {
    return engine_.write_now(
        [&](WriteScope& w) { return targets_->increment_smtp_target(w, uuid, domain, count, at); });
  }

  std::unique_ptr<SmtpTargetRepository> targets_ = sqlite::make_smtp_target_repository(engine_);
};

TEST_F(SmtpTargetStoreTest, NothingRecordedAnswersEmptyAndUnseen) {
  EXPECT_TRUE(targets_->list_smtp_targets("nobody").empty());
  const auto seen = targets_->smtp_target_seen("corp1.com");
  EXPECT_FALSE(seen.seen);
  EXPECT_EQ(seen.count, 0);
  EXPECT_FALSE(seen.first_seen.has_value());
  EXPECT_FALSE(seen.last_seen.has_value());
}

TEST_F(SmtpTargetStoreTest, IncrementCreatesThenBumpsKeepingFirstSeen) {
  const auto a = attacker("203.0.113.1");
  EXPECT_EQ(increment(a, "corp1.com", kT0), 1);
  EXPECT_EQ(increment(a, "corp1.com", kT0 + 10), 2);
  const auto rows = targets_->list_smtp_targets(a);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].attacker_uuid, a);
  EXPECT_EQ(rows[0].domain, "corp1.com");
  EXPECT_EQ(rows[0].count, 2);
  EXPECT_EQ(rows[0].first_seen, kT0);
  EXPECT_EQ(rows[0].last_seen, kT0 + 10);
  increment(a, "corp1.com", kT0 - 5);  // late, older sighting widens the window only backwards
  EXPECT_EQ(targets_->list_smtp_targets(a)[0].first_seen, kT0 - 5);
  EXPECT_EQ(targets_->list_smtp_targets(a)[0].last_seen, kT0 + 10);
}

// QUIRK (reference §7.1): the profiler re-added 1 per active tick for every domain ever
// targeted, so count measured ticks. The increment now adds the caller's recipient count.
TEST_F(SmtpTargetStoreTest, QuirkFixedCountAddsRecipientsNotCalls) {
  const auto a = attacker("203.0.113.1");
  EXPECT_EQ(increment(a, "corp1.com", kT0, 3), 3);
  EXPECT_EQ(increment(a, "corp1.com", kT0 + 1, 2), 5);
  EXPECT_EQ(targets_->smtp_target_seen("corp1.com").count, 5);
}

TEST_F(SmtpTargetStoreTest, ListIsPerAttackerMostRecentFirst) {
  const auto a = attacker("203.0.113.1");
  const auto b = attacker("203.0.113.2");
  increment(a, "old.example.org", kT0);
  increment(a, "new.example.org", kT0 + 20);
  increment(a, "mid.example.org", kT0 + 10);
  increment(b, "other.org", kT0 + 30);
  const auto rows = targets_->list_smtp_targets(a);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].domain, "new.example.org");
  EXPECT_EQ(rows[1].domain, "mid.example.org");
  EXPECT_EQ(rows[2].domain, "old.example.org");
  ASSERT_EQ(targets_->list_smtp_targets(b).size(), 1u);
}

TEST_F(SmtpTargetStoreTest, SeenAggregatesAcrossAttackersExactly) {
  const auto a = attacker("203.0.113.1");
  const auto b = attacker("203.0.113.2");
  increment(a, "corp1.com", kT0 + 5, 2);
  increment(b, "corp1.com", kT0 + 1);
  increment(b, "Corp1.com", kT0 + 99);  // the caller normalises; matching is exact
  const auto seen = targets_->smtp_target_seen("corp1.com");
  EXPECT_TRUE(seen.seen);
  EXPECT_EQ(seen.count, 3);
  EXPECT_EQ(seen.first_seen, kT0 + 1);
  EXPECT_EQ(seen.last_seen, kT0 + 5);
  EXPECT_FALSE(targets_->smtp_target_seen("corp2.com").seen);
}

TEST_F(SmtpTargetStoreTest, BadArgumentsAndUnknownAttackerAreRefused) {
  const auto a = attacker("203.0.113.1");
  expect_store_error(StoreError::Kind::kInvalid, [&] { increment(a, "corp1.com", kT0, 0); });
  expect_store_error(StoreError::Kind::kInvalid, [&] { increment(a, "", kT0); });
  expect_store_error(StoreError::Kind::kConstraint,
                     [&] { increment("no-such-attacker", "corp1.com", kT0); });
  EXPECT_FALSE(targets_->smtp_target_seen("corp1.com").seen);
}

TEST_F(SmtpTargetStoreTest, HostileDomainsRoundTrip) {
  const auto a = attacker("203.0.113.1");
  std::int64_t at = kT0;
  for (const auto& s : hostile_strings()) {
    EXPECT_EQ(increment(a, s, ++at), 1);
    EXPECT_EQ(increment(a, s, ++at), 2);
    const auto seen = targets_->smtp_target_seen(s);
    EXPECT_TRUE(seen.seen);
    EXPECT_EQ(seen.count, 2);
    EXPECT_EQ(targets_->list_smtp_targets(a).front().domain, s);
    EXPECT_TRUE(targets_->list_smtp_targets(s).empty());
  }
  EXPECT_EQ(targets_->list_smtp_targets(a).size(), hostile_strings().size());
}

}  // namespace
}  // namespace decnet::store
