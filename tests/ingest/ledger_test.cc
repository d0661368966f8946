#include <gtest/gtest.h>

#include "ingest/attacker_ledger.h"
#include "store/sqlite/sqlite_repository.h"
#include "tests_support.h"

namespace decnet::ingest {
namespace {

store::AttackerActivity activity(std::int64_t ts, std::string decky, std::int64_t n) {
  return {"203.0.113.5", ts, ts, n, 0, {{std::move(decky), "ssh", ts, ts, n}}};
}

TEST(AttackerLedger, NewAttackersAreWrittenAtOnceKnownOnesWhenDue) {
  decnet::testing::TempDir dir;
  auto repo = store::sqlite::open_sqlite_repository({.path = dir / "db.sqlite"});
  AttackerLedger ledger({.flush_after_us = 60'000'000});
  const auto first = repo->write_now(
      [&](store::WriteScope& w) { return ledger.record(*repo, w, activity(100, "web1", 2)); });
  EXPECT_TRUE(first.created);
  EXPECT_EQ(repo->attackers().get(first.uuid)->event_count, 2);
  const auto again = repo->write_now([&](store::WriteScope& w) {
    auto r = ledger.record(*repo, w, activity(50, "db1", 3));
    ledger.record(*repo, w, activity(300, "web1", 4));
    ledger.flush_due(*repo, w, 100);  // not due yet: nothing written
    return r;
  });
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.uuid, first.uuid);
  EXPECT_EQ(repo->attackers().get(first.uuid)->event_count, 2);
  EXPECT_EQ(ledger.pending(), 1u);
  repo->write_now([&](store::WriteScope& w) { ledger.flush_all(*repo, w); });
  const auto a = repo->attackers().get(first.uuid);
  EXPECT_EQ(a->event_count, 9);
  EXPECT_EQ(a->first_seen, 50);
  EXPECT_EQ(a->last_seen, 300);
  EXPECT_EQ(a->deckies, (std::vector<std::string>{"web1", "db1"}));
  EXPECT_EQ(ledger.pending(), 0u);
  repo->close();
}

TEST(AttackerLedger, DueActivityIsWrittenByARegularFlush) {
  decnet::testing::TempDir dir;
  auto repo = store::sqlite::open_sqlite_repository({.path = dir / "db.sqlite"});
  AttackerLedger ledger({.flush_after_us = 0});
  const auto r = repo->write_now([&](store::WriteScope& w) {
    ledger.record(*repo, w, activity(100, "web1", 1));
    ledger.record(*repo, w, activity(200, "web1", 1));
    ledger.flush_due(*repo, w, 100);
    return ledger.record(*repo, w, activity(300, "web1", 0));
  });
  EXPECT_EQ(repo->attackers().get(r.uuid)->event_count, 2);
  repo->close();
}

TEST(AttackerLedger, ARegularFlushWritesAtMostItsLimitOldestFirst) {
  decnet::testing::TempDir dir;
  auto repo = store::sqlite::open_sqlite_repository({.path = dir / "db.sqlite"});
  AttackerLedger ledger({.flush_after_us = 0});
  auto other = activity(100, "web1", 1);
  other.ip = "198.51.100.7";
  repo->write_now([&](store::WriteScope& w) {
    ledger.record(*repo, w, activity(100, "web1", 1));
    ledger.record(*repo, w, other);
  });
  repo->write_now([&](store::WriteScope& w) {
    ledger.record(*repo, w, activity(200, "web1", 5));
    ledger.record(*repo, w, other);
    ledger.flush_due(*repo, w, 1);
  });
  EXPECT_EQ(repo->attackers().get_by_ip("203.0.113.5")->event_count, 6);
  EXPECT_EQ(repo->attackers().get_by_ip("198.51.100.7")->event_count, 1);
  EXPECT_EQ(ledger.pending(), 1u);
  repo->close();
}

// An attacker stored before the ledger met it (an earlier run): the ledger learns its targets,
// so a new target with a service the attacker already had adds a decky but no service, and the
// stored lists and counts come out as a scan of the target rows would make them.
TEST(AttackerLedger, TargetsOfAnAttackerFromAnEarlierRunAreLearned) {
  decnet::testing::TempDir dir;
  auto repo = store::sqlite::open_sqlite_repository({.path = dir / "db.sqlite"});
  store::AttackerActivity earlier{
      "203.0.113.5", 100, 100, 2, 0, {{"web1", "ssh", 100, 100, 1}, {"web1", "ftp", 100, 100, 1}}};
  const auto stored = repo->write_now(
      [&](store::WriteScope& w) { return repo->attackers().record_activity(w, earlier); });
  AttackerLedger ledger({.flush_after_us = 0});
  repo->write_now([&](store::WriteScope& w) {
    const auto r = ledger.record(*repo, w, activity(200, "web1", 1));  // known target
    EXPECT_FALSE(r.created);
    EXPECT_EQ(r.id, stored.id);
  });
  repo->write_now([&](store::WriteScope& w) {
    store::AttackerActivity more{"203.0.113.5",
                                 300,
                                 300,
                                 3,
                                 0,
                                 {{"db1", "ftp", 300, 300, 1},     // new decky, known service
                                  {"web1", "ssh", 300, 300, 1},    // known target
                                  {"db1", "smtp", 300, 300, 1}}};  // new service
    ledger.record(*repo, w, more);
    ledger.flush_all(*repo, w);
  });
  const auto a = repo->attackers().get(stored.uuid);
  EXPECT_EQ(a->event_count, 6);
  EXPECT_EQ(a->services, (std::vector<std::string>{"ftp", "smtp", "ssh"}));
  EXPECT_EQ(a->service_count, 3);
  EXPECT_EQ(a->deckies, (std::vector<std::string>{"web1", "db1"}));
  EXPECT_EQ(a->decky_count, 2);
  EXPECT_TRUE(a->is_traversal);
  const auto targets = repo->attackers().targets(stored.uuid);
  ASSERT_EQ(targets.size(), 4u);
  std::int64_t events = 0;
  for (const auto& t : targets) events += t.event_count;
  EXPECT_EQ(events, 6);
  repo->close();
}

}  // namespace
}  // namespace decnet::ingest
