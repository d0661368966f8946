#include <gtest/gtest.h>

#include <algorithm>

#include "store/attacker_repository.h"
#include "store/log_repository.h"
#include "store/sqlite/where_clause.h"
#include "store_fixture.h"

namespace decnet::store {
namespace {

constexpr std::int64_t kSecond = 1'000'000;

LogRecord make_log(std::string decky, std::string service, std::string event, std::int64_t ts,
                   std::optional<std::string> ip = "203.0.113.7") {
  LogRecord r;
  r.timestamp = ts;
  r.received_at = ts + 5;
  r.decky = std::move(decky);
  r.service = std::move(service);
  r.event_type = std::move(event);
  r.attacker_ip = std::move(ip);
  r.raw_line = "<13>1 - " + r.decky + " " + r.service + " - " + r.event_type;
  r.fields = R"({"username":"root","src_port":"4242"})";
  return r;
}

class LogsTest : public StoreTest {
 protected:
  void insert(const std::vector<LogRecord>& rows) {
    repo().write_now([&](WriteScope& w) { return repo().logs().insert(w, rows); });
  }
};

TEST_F(LogsTest, EmptyTableAnswersEmptyPages) {
  const auto page = repo().logs().list({});
  EXPECT_EQ(page.total, 0);
  EXPECT_TRUE(page.data.empty());
  EXPECT_EQ(page.limit, kDefaultLimit);
  EXPECT_TRUE(repo().logs().histogram({}, 60).empty());
  EXPECT_FALSE(repo().logs().get(1).has_value());
}

TEST_F(LogsTest, InsertReturnsConsecutiveIdsAndRoundTripsEveryColumn) {
  auto a = make_log("web1", "ssh", "login_attempt", kT0);
  a.timestamp_estimated = true;
  a.timestamp_offset_missing = true;
  a.msg = "hello";
  a.sd_other = R"({"meta@1":{"k":"v"}})";
  const auto attacker = repo().write_now([&](WriteScope& w) {
    return repo().attackers().record_activity(w, {*a.attacker_ip, kT0, kT0, 1, 0, {}});
  });
  a.attacker_id = attacker.id;
  const auto b = make_log("web2", "ftp", "auth", kT0 + kSecond, std::nullopt);
  const auto first = repo().write_now([&](WriteScope& w) {
    return repo().logs().insert(w, std::vector{a, b});
  });
  const auto row = repo().logs().get(first);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->timestamp, a.timestamp);
  EXPECT_EQ(row->received_at, a.received_at);
  EXPECT_TRUE(row->timestamp_estimated);
  EXPECT_TRUE(row->timestamp_offset_missing);
  EXPECT_EQ(row->msg, a.msg);
  EXPECT_EQ(row->sd_other, a.sd_other);
  EXPECT_EQ(row->attacker_id, attacker.id);
  EXPECT_EQ(row->attacker_uuid, attacker.uuid);
  EXPECT_EQ(row->fields, a.fields);
  const auto second = repo().logs().get(first + 1);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->decky, "web2");
  EXPECT_FALSE(second->attacker_ip.has_value());
  EXPECT_FALSE(second->timestamp_offset_missing);
}

TEST_F(LogsTest, FiltersSearchAndPagination) {
  std::vector<LogRecord> rows;
  for (int i = 0; i < 30; ++i) {
    rows.push_back(make_log(i % 2 ? "web1" : "db1", i % 3 ? "ssh" : "ftp",
                            i % 5 ? "login_attempt" : "command", kT0 + i * kSecond,
                            "198.51.100." + std::to_string(i % 4)));
  }
  insert(rows);
  LogQuery q;
  q.decky = "web1";
  EXPECT_EQ(repo().logs().list(q).total, 15);
  q = {};
  q.search = "decky:web1 service:ssh";
  const auto both = repo().logs().list(q);
  for (const auto& r : both.data) {
    EXPECT_EQ(r.decky, "web1");
    EXPECT_EQ(r.service, "ssh");
  }
  EXPECT_GT(both.total, 0);
  q = {};
  q.search = "event:command";
  EXPECT_EQ(repo().logs().list(q).total, 6);
  q = {};
  q.search = "username:root";  // a field of `fields`
  EXPECT_EQ(repo().logs().list(q).total, 30);
  q.search = "username:admin";
  EXPECT_EQ(repo().logs().list(q).total, 0);
  q = {};
  q.search = "198.51.100.3";  // bare term: substring of attacker_ip
  EXPECT_EQ(repo().logs().list(q).total, 7);
  q = {};
  q.search = "null";  // treated as absent
  EXPECT_EQ(repo().logs().list(q).total, 30);
  q = {};
  q.start = kT0 + 10 * kSecond;
  q.end = kT0 + 19 * kSecond;
  EXPECT_EQ(repo().logs().list(q).total, 10);

  q = {};
  q.page = {10, 25};
  auto page = repo().logs().list(q);
  EXPECT_EQ(page.total, 30);
  EXPECT_EQ(page.data.size(), 5u);
  EXPECT_GT(page.data.front().id, page.data.back().id);  // newest first
  q.newest_first = false;
  q.page = {1000, 0};
  q.after_id = page.data.front().id - 2;
  page = repo().logs().list(q);
  EXPECT_EQ(page.data.front().id, q.after_id.value() + 1);
}

// The attacker index is split into blocks of 65,536 ids; an attacker's events must read as one
// list across a block boundary, in either order, by uuid and by address.
TEST_F(LogsTest, AnAttackersEventsReadAsOneListAcrossIdBlocks) {
  std::vector<LogRecord> rows;
  std::vector<std::int64_t> mine;  // row indexes (0-based) that belong to the attacker
  constexpr int kRows = 65'536 + 100;
  for (int i = 0; i < kRows; ++i) {
    const bool is_mine = i % 9'000 == 0 || (i >= 65'530 && i < 65'540);
    auto r = make_log("web1", "ssh", "login", kT0 + i, is_mine ? "203.0.113.50" : "198.51.100.9");
    if (is_mine) mine.push_back(i);
    rows.push_back(std::move(r));
  }
  const auto recorded = repo().write_now([&](WriteScope& w) {
    return repo().attackers().record_activity(w, {"203.0.113.50", kT0, kT0, 1, 0, {}});
  });
  const auto attacker = repo().attackers().get_by_ip("203.0.113.50");
  ASSERT_TRUE(attacker);
  for (auto& r : rows) {
    if (r.attacker_ip == "203.0.113.50") r.attacker_id = recorded.id;
  }
  const auto first_id =
      repo().write_now([&](WriteScope& w) { return repo().logs().insert(w, rows); });
  ASSERT_LT(first_id, 65'536);  // the rows do span two blocks

  LogQuery q;
  q.attacker_uuid = attacker->uuid;
  q.page = {1000, 0};
  auto page = repo().logs().list(q);
  ASSERT_EQ(page.total, static_cast<std::int64_t>(mine.size()));
  ASSERT_EQ(page.data.size(), mine.size());
  for (std::size_t i = 0; i < mine.size(); ++i) {
    EXPECT_EQ(page.data[i].id, first_id + mine[mine.size() - 1 - i]);  // newest first
  }
  q.page = {3, 8};  // a page that straddles the boundary
  page = repo().logs().list(q);
  ASSERT_EQ(page.data.size(), 3u);
  EXPECT_EQ(page.data[0].id, first_id + mine[mine.size() - 9]);
  EXPECT_EQ(page.data[2].id, first_id + mine[mine.size() - 11]);

  q = {};
  q.attacker_ip = "203.0.113.50";
  q.newest_first = false;
  q.page = {1000, 0};
  page = repo().logs().list(q);
  ASSERT_EQ(page.data.size(), mine.size());
  for (std::size_t i = 0; i < mine.size(); ++i) EXPECT_EQ(page.data[i].id, first_id + mine[i]);
  q = {};
  q.search = "attacker:203.0.113.50 service:ssh";
  EXPECT_EQ(repo().logs().list(q).total, static_cast<std::int64_t>(mine.size()));
}

TEST_F(LogsTest, LimitsAreClamped) {
  insert({make_log("a", "ssh", "x", kT0)});
  LogQuery q;
  q.page = {1'000'000, -5};
  const auto page = repo().logs().list(q);
  EXPECT_EQ(page.limit, kMaxLimit);
  EXPECT_EQ(page.offset, 0);
  q.page = {0, 0};
  EXPECT_EQ(repo().logs().list(q).limit, 1);
}

TEST_F(LogsTest, LikeWildcardsInSearchMatchLiterally) {
  insert({make_log("a", "ssh", "x", kT0), make_log("100%_done", "ssh", "x", kT0)});
  LogQuery q;
  q.search = "%";
  EXPECT_EQ(repo().logs().list(q).total, 1);
  q.search = "_";
  EXPECT_EQ(repo().logs().list(q).total, 1);
}

TEST_F(LogsTest, HistogramBucketsAlignAndCount) {
  std::vector<LogRecord> rows;
  for (int i = 0; i < 10; ++i) rows.push_back(make_log("a", "ssh", "x", kT0 + i * 30 * kSecond));
  insert(rows);
  const auto buckets = repo().logs().histogram({}, 60);
  std::int64_t total = 0;
  for (const auto& b : buckets) {
    EXPECT_EQ(b.start % (60 * kSecond), 0);
    total += b.count;
  }
  EXPECT_EQ(total, 10);
  EXPECT_GE(buckets.size(), 5u);
  LogQuery only_b;
  only_b.decky = "b";
  EXPECT_TRUE(repo().logs().histogram(only_b, 60).empty());
}

TEST_F(LogsTest, HostileStringsRoundTripThroughEveryColumn) {
  for (const auto& s : hostile_strings()) {
    auto r = make_log(s, s, s, kT0, s);
    r.raw_line = s;
    r.msg = s;
    const auto id =
        repo().write_now([&](WriteScope& w) { return repo().logs().insert(w, std::span(&r, 1)); });
    const auto row = repo().logs().get(id);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->decky, s);
    EXPECT_EQ(row->raw_line, s);
    EXPECT_EQ(row->msg, s);
    EXPECT_EQ(row->attacker_ip, s);
    LogQuery q;
    q.decky = s;
    EXPECT_EQ(repo().logs().list(q).total, 1);
  }
  EXPECT_EQ(repo().logs().count(), static_cast<std::int64_t>(hostile_strings().size()));
}

TEST_F(LogsTest, DeadLettersKeepRawBytes) {
  EXPECT_EQ(repo().dead_letters().count(), 0);
  DeadLetterRecord d;
  d.received_at = kT0;
  d.source = "tcp";
  d.peer = "127.0.0.1:5555";
  d.reason = "no RFC 5424 header";
  d.raw = std::string("\x00\xff garbage \n", 12);
  d.raw_truncated = true;
  repo().write_now([&](WriteScope& w) { return repo().dead_letters().insert(w, d); });
  const auto page = repo().dead_letters().list({});
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.data[0].raw, d.raw);
  EXPECT_EQ(page.data[0].reason, d.reason);
  EXPECT_EQ(page.data[0].peer, d.peer);
  EXPECT_TRUE(page.data[0].raw_truncated);
}

class AttackersTest : public StoreTest {
 protected:
  ActivityResult record(const AttackerActivity& a) {
    return repo().write_now(
        [&](WriteScope& w) { return repo().attackers().record_activity(w, a); });
  }
  static AttackerActivity activity(std::string ip, std::int64_t ts, std::string decky,
                                   std::string service, std::int64_t n = 1) {
    return {ip, ts, ts, n, 0, {{decky, service, ts, ts, n}}};
  }
};

TEST_F(AttackersTest, FirstActivityCreatesLaterActivityAdvances) {
  EXPECT_FALSE(repo().attackers().get_by_ip("203.0.113.9"));
  const auto first = record(activity("203.0.113.9", kT0, "web1", "ssh", 3));
  EXPECT_TRUE(first.created);
  const auto second = record(activity("203.0.113.9", kT0 - kSecond, "web1", "ftp", 2));
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.uuid, first.uuid);
  record(activity("203.0.113.9", kT0 + 9 * kSecond, "db1", "ssh"));
  const auto a = repo().attackers().get(first.uuid);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ip, "203.0.113.9");
  EXPECT_EQ(a->first_seen, kT0 - kSecond);
  EXPECT_EQ(a->last_seen, kT0 + 9 * kSecond);
  EXPECT_EQ(a->event_count, 6);
  EXPECT_EQ(a->services, (std::vector<std::string>{"ftp", "ssh"}));
  EXPECT_EQ(a->deckies, (std::vector<std::string>{"web1", "db1"}));
  EXPECT_EQ(a->service_count, 2);
  EXPECT_EQ(a->decky_count, 2);
  EXPECT_TRUE(a->is_traversal);
  EXPECT_EQ(a->traversal_path, "web1 \xe2\x86\x92 db1");
  const auto targets = repo().attackers().targets(first.uuid);
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(repo().attackers().get_by_ip("203.0.113.9")->uuid, first.uuid);
}

TEST_F(AttackersTest, KnownActivityAdvancesCountersAndTargetsOnly) {
  const auto r = record(activity("203.0.113.9", kT0, "web1", "ssh", 2));
  repo().write_now([&](WriteScope& w) {
    repo().attackers().add_known_activity(
        w, r.id, {"203.0.113.9", kT0 - 5, kT0 + 9, 3, 1, {{"web1", "ssh", kT0 - 5, kT0 + 9, 3}}});
  });
  const auto a = repo().attackers().get(r.uuid);
  EXPECT_EQ(a->event_count, 5);
  EXPECT_EQ(a->credential_count, 1);
  EXPECT_EQ(a->first_seen, kT0 - 5);
  EXPECT_EQ(a->last_seen, kT0 + 9);
  const auto targets = repo().attackers().targets(r.uuid);
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].event_count, 5);
  EXPECT_EQ(targets[0].last_seen, kT0 + 9);
}

// A sender that invents deckies and services without end costs a row and a counter per new one:
// the lists on the attacker row stop at kMaxListedTargets (they used to be rewritten whole, ever
// longer, for every new target), while the counts stay exact.
TEST_F(AttackersTest, ListedTargetsAreCappedWhileCountsStayExact) {
  constexpr int kDeckies = 300;
  const auto r = record(activity("203.0.113.50", kT0, "decky-0", "svc-0"));
  for (int batch = 0; batch < 3; ++batch) {
    AttackerActivity a{"203.0.113.50", kT0, kT0 + batch, 0, 0, {}};
    for (int i = 1 + batch * 100; i <= (batch + 1) * 100 && i < kDeckies; ++i) {
      a.targets.push_back(
          {"decky-" + std::to_string(i), "svc-" + std::to_string(i % 150), kT0 + i, kT0 + i, 1});
      a.event_count += 1;
    }
    record(a);
  }
  const auto got = repo().attackers().get(r.uuid);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->decky_count, kDeckies);
  EXPECT_EQ(got->service_count, 150);
  EXPECT_EQ(got->deckies.size(), kMaxListedTargets);
  EXPECT_EQ(got->services.size(), kMaxListedTargets);
  EXPECT_EQ(got->deckies.front(), "decky-0");  // first contact first
  EXPECT_TRUE(std::is_sorted(got->services.begin(), got->services.end()));
  const auto shown = repo().attackers().targets(r.uuid);
  ASSERT_EQ(shown.size(), static_cast<std::size_t>(kMaxTargetsShown));
  EXPECT_EQ(shown.front().decky, "decky-299");  // most recent first
}

TEST_F(AttackersTest, InfrastructureDeckiesAreNotATraversal) {
  const auto r = record(activity("198.51.100.1", kT0, "web1", "ssh"));
  record(activity("198.51.100.1", kT0, "decnet-sniffer", "sniffer"));
  const auto a = repo().attackers().get(r.uuid);
  EXPECT_EQ(a->decky_count, 2);
  EXPECT_FALSE(a->is_traversal);
  EXPECT_FALSE(a->traversal_path);
}

TEST_F(AttackersTest, ObservedPublicationIsTrackedAcrossRestarts) {
  const auto a = record(activity("198.51.100.1", kT0, "web1", "ssh"));
  const auto b = record(activity("198.51.100.2", kT0 + 1, "web1", "ssh"));
  auto pending = repo().attackers().list_unpublished_observed(10);
  ASSERT_EQ(pending.size(), 2u);
  repo().write_now([&](WriteScope& w) { repo().attackers().mark_observed_published(w, {a.uuid}); });
  pending = repo().attackers().list_unpublished_observed(10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].uuid, b.uuid);
}

// Start-up looks for unpublished attackers on every boot; the answer must come from the partial
// index, not from a scan of every attacker ever seen.
TEST_F(AttackersTest, UnpublishedLookupUsesItsPartialIndex) {
  record(activity("198.51.100.1", kT0, "web1", "ssh"));
  const auto plan = decnet::testing::run_command(
      {"sqlite3", (dir_ / "decnet.db").string(),
       "EXPLAIN QUERY PLAN SELECT a.uuid FROM attackers a LEFT JOIN attacker_intel i ON "
       "i.attacker_uuid = a.uuid WHERE a.observed_published = 0 ORDER BY a.first_seen LIMIT 5"});
  ASSERT_EQ(plan.status, 0) << plan.output;
  EXPECT_NE(plan.output.find("USING INDEX ix_attackers_unpublished"), std::string::npos)
      << plan.output;
}

TEST_F(AttackersTest, AddressSearchIsAPrefixOfTheCanonicalText) {
  for (const char* ip :
       {"2001:db8::7", "2001:db8:1::9", "2001:dc8::1", "192.0.2.1", "192.0.2.10", "192.0.20.1"}) {
    record(activity(ip, kT0, "web1", "ssh"));
  }
  AttackerQuery q;
  q.search = "2001:DB8";  // operators type hex in either case
  EXPECT_EQ(repo().attackers().list(q).total, 2);
  q.search = "192.0.2.";
  EXPECT_EQ(repo().attackers().list(q).total, 2);
  q.search = "192.0.2";
  EXPECT_EQ(repo().attackers().list(q).total, 3);
  q.search = "0.2";  // a prefix, never a substring
  EXPECT_EQ(repo().attackers().list(q).total, 0);
  q.search = "192.0.2.1";
  const auto page = repo().attackers().list(q);
  ASSERT_EQ(page.total, 2);
  EXPECT_EQ(page.data.size(), 2u);
  q.search = std::string("\xff\xff");
  EXPECT_EQ(repo().attackers().list(q).total, 0);
}

TEST(PrefixRange, BoundsEveryTextWithThePrefix) {
  using sqlite::prefix_range;
  EXPECT_EQ(prefix_range("192.0.2.").low, "192.0.2.");
  EXPECT_EQ(prefix_range("192.0.2.").high, "192.0.2/");
  EXPECT_EQ(prefix_range("a\xff").high, "b");
  EXPECT_EQ(prefix_range("\xff\xff").high, "");
}

TEST_F(AttackersTest, ListFiltersSortsAndPaginates) {
  for (int i = 0; i < 12; ++i) {
    record(activity("10.0.0." + std::to_string(i), kT0 + i * kSecond, i % 2 ? "web1" : "db1",
                    i % 3 ? "ssh" : "smtp", i + 1));
  }
  AttackerQuery q;
  auto page = repo().attackers().list(q);
  EXPECT_EQ(page.total, 12);
  EXPECT_EQ(page.data.front().ip, "10.0.0.11");  // most recent first
  q.sort = AttackerSort::kActive;
  EXPECT_EQ(repo().attackers().list(q).data.front().event_count, 12);
  q = {};
  q.service = "smtp";
  EXPECT_EQ(repo().attackers().list(q).total, 4);
  q = {};
  q.decky = "web1";
  EXPECT_EQ(repo().attackers().list(q).total, 6);
  q = {};
  q.search = "10.0.0.1";  // prefix: .1, .10, .11
  EXPECT_EQ(repo().attackers().list(q).total, 3);
  q = {};
  q.search = "%";
  EXPECT_EQ(repo().attackers().list(q).total, 0);
  q = {};
  q.seen_after = kT0 + 10 * kSecond;
  EXPECT_EQ(repo().attackers().list(q).total, 2);
  q = {};
  q.page = {5, 10};
  page = repo().attackers().list(q);
  EXPECT_EQ(page.data.size(), 2u);
  q = {};
  q.country_code = "NL";
  EXPECT_EQ(repo().attackers().list(q).total, 0);
  EXPECT_EQ(repo().attackers().count(), 12);
}

TEST_F(AttackersTest, HostileAddressesAndNamesAreStoredVerbatim) {
  for (const auto& s : hostile_strings()) {
    const auto r = record(activity(s, kT0, s, s));
    const auto a = repo().attackers().get(r.uuid);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->ip, s);
    EXPECT_EQ(a->deckies, std::vector<std::string>{s});
    EXPECT_EQ(a->services, std::vector<std::string>{s});
  }
}

}  // namespace
}  // namespace decnet::store
