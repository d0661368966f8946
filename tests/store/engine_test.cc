#include "store/sqlite/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <latch>
#include <map>
#include <thread>

#include "core/hash.h"
#include "store/attacker_repository.h"
#include "store/credential_repository.h"
#include "store/log_repository.h"
#include "store/query_deadline.h"
#include "store/sqlite/domains.h"
#include "store/sqlite/migrations/migrations.h"
#include "store/state_repository.h"
#include "store/store_error.h"
#include "store_fixture.h"

namespace decnet::store {
namespace {

using decnet::testing::TempDir;
using decnet::testing::wait_until;

LogRecord log_record(std::string decky, std::int64_t ts = 1'700'000'000'000'000) {
  LogRecord r;
  r.timestamp = ts;
  r.received_at = ts;
  r.decky = std::move(decky);
  r.service = "ssh";
  r.event_type = "login_attempt";
  r.attacker_ip = "203.0.113.7";
  r.raw_line = "<13>1 raw";
  return r;
}

// The schema as SQLite describes it, independent of creation order.
std::vector<std::string> schema_of(const std::filesystem::path& path) {
  sqlite::Connection conn(path, sqlite::Connection::Mode::kReadOnly);
  auto stmt = conn.prepare(
      "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master "
      "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
  std::vector<std::string> out;
  while (stmt.step()) out.push_back(stmt.text(0));
  return out;
}

TEST(Migrations, FreshDatabaseIsAtLatestVersion) {
  TempDir dir;
  const auto path = dir / "db.sqlite";
  const auto applied = sqlite::Engine::migrate(path);
  ASSERT_EQ(applied.size(), sqlite::migrations().size());
  const auto status = sqlite::Engine::schema_status(path);
  EXPECT_EQ(status.current, status.latest);
  EXPECT_TRUE(status.pending.empty());
  EXPECT_TRUE(sqlite::Engine::migrate(path).empty());  // idempotent
}

TEST(Migrations, EveryEarlierVersionMigratesToTheFreshSchema) {
  TempDir dir;
  const auto fresh = dir / "fresh.sqlite";
  sqlite::Engine::migrate(fresh);
  const auto expected = schema_of(fresh);
  ASSERT_FALSE(expected.empty());
  for (const auto& m : sqlite::migrations()) {
    const int from = m.version - 1;
    SCOPED_TRACE("from version " + std::to_string(from));
    const auto path = dir / ("from-" + std::to_string(from) + ".sqlite");
    sqlite::Engine::migrate(path, from);
    EXPECT_EQ(sqlite::Engine::schema_status(path).current, from);
    sqlite::Engine::migrate(path);
    EXPECT_EQ(schema_of(path), expected);
  }
}

// Migration 9 rebuilds attackers around an integer key and moves logs onto it: a version-8
// database keeps every attacker (ids are the old rowids), its dependent rows, its counters and
// triggers, and each log row points at the same attacker as before.
TEST(Migrations, IntegerAttackerKeysCarryAnExistingDatabaseOver) {
  TempDir dir;
  const auto path = dir / "v8.sqlite";
  sqlite::Engine::migrate(path, 8);
  {
    sqlite::Connection conn(path, sqlite::Connection::Mode::kReadWrite);
    conn.exec(
        "INSERT INTO attackers(uuid, ip, first_seen, last_seen, event_count, updated_at) VALUES "
        "('u-a', '203.0.113.1', 1, 2, 2, 0), ('u-b', '203.0.113.2', 1, 3, 1, 0);"
        "DELETE FROM attackers WHERE uuid = 'u-a';"
        "INSERT INTO attackers(uuid, ip, first_seen, last_seen, event_count, updated_at) VALUES "
        "('u-c', '203.0.113.3', 1, 4, 1, 0);"
        "INSERT INTO attacker_targets VALUES ('u-b', 'd1', 'ssh', 1, 3, 1);"
        "INSERT INTO logs(timestamp, received_at, decky, service, event_type, attacker_ip, "
        "attacker_uuid, raw_line) VALUES (1, 1, 'd1', 'ssh', 'x', '203.0.113.2', 'u-b', 'l1'), "
        "(2, 2, 'd1', 'ssh', 'x', '203.0.113.3', 'u-c', 'l2'), (3, 3, 'd1', 'ssh', 'x', NULL, "
        "NULL, 'l3');");
  }
  std::map<std::string, std::int64_t> rowids;
  {
    sqlite::Connection conn(path, sqlite::Connection::Mode::kReadOnly);
    auto stmt = conn.prepare("SELECT uuid, rowid FROM attackers");
    while (stmt.step()) rowids[stmt.text(0)] = stmt.int64(1);
  }
  ASSERT_EQ(rowids.size(), 2u);
  EXPECT_EQ(sqlite::Engine::migrate(path).front(), 9);

  sqlite::Connection conn(path, sqlite::Connection::Mode::kReadWrite);
  for (const auto& [uuid, rowid] : rowids) {
    EXPECT_EQ(query_int64(conn, "SELECT id FROM attackers WHERE uuid = '" + uuid + "'"), rowid);
  }
  auto logs = conn.prepare(
      "SELECT l.raw_line, a.uuid FROM logs l LEFT JOIN attackers a ON a.id = l.attacker_id "
      "ORDER BY l.id");
  std::vector<std::pair<std::string, std::string>> pairs;
  while (logs.step()) pairs.emplace_back(logs.text(0), logs.optional_text(1).value_or("-"));
  EXPECT_EQ(pairs, (std::vector<std::pair<std::string, std::string>>{
                       {"l1", "u-b"}, {"l2", "u-c"}, {"l3", "-"}}));
  EXPECT_EQ(query_int64(conn, "SELECT COUNT(*) FROM attacker_targets"), 1);
  EXPECT_EQ(query_int64(conn, "SELECT attacker_id FROM attacker_targets"), rowids["u-b"]);
  EXPECT_EQ(query_int64(conn, "SELECT n FROM row_counts WHERE name = 'attackers'"), 2);
  conn.exec(
      "INSERT INTO attackers(uuid, ip, first_seen, last_seen, updated_at) VALUES "
      "('u-d', '203.0.113.4', 1, 1, 0)");
  EXPECT_EQ(query_int64(conn, "SELECT n FROM row_counts WHERE name = 'attackers'"), 3);
  EXPECT_GT(query_int64(conn, "SELECT id FROM attackers WHERE uuid = 'u-d'"), rowids["u-c"]);
  EXPECT_EQ(query_int64(conn, "PRAGMA foreign_keys"), 1);
  // The dependent rows still cascade from the rebuilt table.
  conn.exec("DELETE FROM attackers WHERE uuid = 'u-b'");
  EXPECT_EQ(query_int64(conn, "SELECT COUNT(*) FROM attacker_targets"), 0);
}

// Migration 12 keys credentials by one integer: a version-11 database keeps every credential
// (same ids, counts and values), each gets a distinct key and its attacker's id, and a later
// attempt of the same tuple counts on the carried-over row instead of creating another.
TEST(Migrations, CredentialKeysCarryAnExistingDatabaseOver) {
  TempDir dir;
  const auto path = dir / "v11.sqlite";
  sqlite::Engine::migrate(path, 11);
  const auto sha = core::sha256_hex("toor");
  {
    sqlite::Connection conn(path, sqlite::Connection::Mode::kReadWrite);
    conn.exec(
        "INSERT INTO attackers(uuid, ip, first_seen, last_seen, event_count, updated_at) VALUES "
        "('u-a', '203.0.113.1', 1, 2, 2, 0)");
    auto insert = conn.prepare(
        "INSERT INTO credentials(id, attacker_ip, attacker_ip_key, attacker_uuid, decky_name, "
        "service, principal, principal_key, secret_sha256, secret_printable, first_seen, "
        "last_seen, attempt_count) VALUES (?, ?, ?, ?, 'd1', 'ssh', 'root', 'root', ?, 'toor', "
        "1, 2, ?)");
    insert.bind_all(7, "203.0.113.1", "203.0.113.1", "u-a", sha, 5).run();
    insert.rewind();
    insert.bind_all(9, nullptr, "", nullptr, sha, 1).run();
  }
  EXPECT_EQ(sqlite::Engine::migrate(path).front(), 12);
  {
    sqlite::Connection conn(path, sqlite::Connection::Mode::kReadOnly);
    EXPECT_EQ(query_int64(conn, "SELECT COUNT(DISTINCT dedup_key) FROM credentials"), 2);
    EXPECT_EQ(query_int64(conn, "SELECT attacker_id FROM credentials WHERE id = 7"),
              query_int64(conn, "SELECT id FROM attackers WHERE uuid = 'u-a'"));
    EXPECT_EQ(query_int64(conn,
                          "SELECT COUNT(*) FROM credentials WHERE id = 9 AND "
                          "attacker_id IS NULL"),
              1);
  }
  sqlite::Engine engine({.path = path});
  const auto credentials = sqlite::make_credential_repository(engine);
  CredentialAttempt again;
  again.attacker_ip = "203.0.113.1";
  again.decky_name = "d1";
  again.service = "ssh";
  again.principal = "root";
  again.secret_sha256 = sha;
  again.seen_at = 3;
  const auto stored =
      engine.write_now([&](WriteScope& w) { return credentials->upsert(w, again); });
  EXPECT_EQ(stored.id, 7);
  EXPECT_FALSE(stored.inserted);
  EXPECT_EQ(stored.attempt_count, 6);
  EXPECT_EQ(credentials->get_credential_attempts_for_secret(sha).size(), 2u);
  CredentialQuery by_attacker;
  by_attacker.attacker_uuid = "u-a";
  EXPECT_EQ(credentials->list(by_attacker).total, 1);
  engine.close();
}

// Migration 13 moves "attackers that touched this service / decky" into two tables of their
// own: a version-12 database keeps answering the same filters, and an attacker touching a new
// service afterwards is found by it too.
TEST(Migrations, ServiceAndDeckySetsCarryAnExistingDatabaseOver) {
  TempDir dir;
  const auto path = dir / "v12.sqlite";
  sqlite::Engine::migrate(path, 12);
  {
    sqlite::Connection conn(path, sqlite::Connection::Mode::kReadWrite);
    conn.exec(
        "INSERT INTO attackers(uuid, ip, first_seen, last_seen, event_count, services, deckies, "
        "service_count, decky_count, updated_at) VALUES ('u-a', '203.0.113.1', 1, 2, 3, "
        "'[\"ftp\",\"ssh\"]', '[\"d1\",\"d2\"]', 2, 2, 0), ('u-b', '203.0.113.2', 1, 2, 1, "
        "'[\"ssh\"]', '[\"d2\"]', 1, 1, 0);"
        "INSERT INTO attacker_targets SELECT id, 'd1', 'ssh', 1, 2, 1 FROM attackers WHERE uuid "
        "= 'u-a';"
        "INSERT INTO attacker_targets SELECT id, 'd2', 'ssh', 1, 2, 1 FROM attackers WHERE uuid "
        "= 'u-a';"
        "INSERT INTO attacker_targets SELECT id, 'd2', 'ftp', 1, 2, 1 FROM attackers WHERE uuid "
        "= 'u-a';"
        "INSERT INTO attacker_targets SELECT id, 'd2', 'ssh', 1, 2, 1 FROM attackers WHERE uuid "
        "= 'u-b';");
  }
  EXPECT_EQ(sqlite::Engine::migrate(path).front(), 13);
  sqlite::Engine engine({.path = path});
  const auto attackers = sqlite::make_attacker_repository(engine);
  const auto uuids = [&](std::optional<std::string> service, std::optional<std::string> decky) {
    AttackerQuery q;
    q.service = std::move(service);
    q.decky = std::move(decky);
    const auto page = attackers->list(q);
    std::vector<std::string> out;
    for (const auto& a : page.data) out.push_back(a.uuid);
    std::sort(out.begin(), out.end());
    EXPECT_EQ(page.total, static_cast<std::int64_t>(out.size()));
    return out;
  };
  EXPECT_EQ(uuids("ssh", std::nullopt), (std::vector<std::string>{"u-a", "u-b"}));
  EXPECT_EQ(uuids("ftp", std::nullopt), (std::vector<std::string>{"u-a"}));
  EXPECT_EQ(uuids(std::nullopt, "d1"), (std::vector<std::string>{"u-a"}));
  EXPECT_EQ(uuids(std::nullopt, "d2"), (std::vector<std::string>{"u-a", "u-b"}));
  EXPECT_TRUE(uuids("smtp", std::nullopt).empty());
  engine.write_now([&](WriteScope& w) {
    attackers->record_activity(w, {"203.0.113.2", 3, 3, 1, 0, {{"d3", "smtp", 3, 3, 1}}});
  });
  EXPECT_EQ(uuids("smtp", "d3"), (std::vector<std::string>{"u-b"}));
  const auto b = attackers->get("u-b");
  EXPECT_EQ(b->service_count, 2);
  EXPECT_EQ(b->decky_count, 2);
  engine.close();
}

// DECNET_DB_MAX_MB caps the file through SQLite's page limit: a write past it fails as on a
// full disk (kFull), and the transaction is undone.
TEST(EngineSizeCap, WritesPastTheCapFailAsOnAFullDisk) {
  TempDir dir;
  const auto path = dir / "db.sqlite";
  sqlite::Engine::migrate(path);
  const auto size = std::filesystem::file_size(path);
  sqlite::Engine engine({.path = path, .max_bytes = size + 64 * 1024});
  auto logs = sqlite::make_log_repository(engine);
  std::vector<LogRecord> batch(200, log_record("decky-1"));
  for (auto& r : batch) r.raw_line = std::string(4096, 'x');
  try {
    engine.write_now([&](WriteScope& w) { return logs->insert(w, batch); });
    ADD_FAILURE() << "a write past the cap succeeded";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreError::Kind::kFull) << e.what();
  }
  EXPECT_EQ(logs->count(), 0);
  engine.close();
}

TEST(Migrations, NewerDatabaseIsRefused) {
  TempDir dir;
  const auto path = dir / "db.sqlite";
  sqlite::Engine::migrate(path);
  {
    sqlite::Connection conn(path, sqlite::Connection::Mode::kReadWrite);
    conn.exec("INSERT INTO schema_migrations VALUES (9999, 'future', 0)");
  }
  try {
    sqlite::Engine engine({.path = path});
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreError::Kind::kMigration);
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos);
  }
}

TEST(Migrations, OutdatedSchemaWithoutAutoMigrateNamesTheCommand) {
  TempDir dir;
  try {
    sqlite::Engine engine({.path = dir / "db.sqlite", .migrate = false});
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("decnet db migrate"), std::string::npos);
  }
}

// Commits never copy the WAL back themselves: the checkpointer thread does, so the rows reach
// the database file while the writer carries on.
TEST(Checkpointer, CopiesTheWalIntoTheDatabaseOffTheWriterThread) {
  TempDir dir;
  sqlite::EngineOptions options;
  options.path = dir / "decnet.db";
  options.checkpoint.wake_at_pages = 8;
  sqlite::Engine engine(options);
  auto logs = sqlite::make_log_repository(engine);
  const auto empty_size = std::filesystem::file_size(options.path);
  std::vector<LogRecord> rows(2000, log_record("web1"));
  engine.write_now([&](WriteScope& w) { return logs->insert(w, rows); });
  ASSERT_TRUE(wait_until([&] { return engine.checkpoints() > 0; }));
  EXPECT_GT(std::filesystem::file_size(options.path), empty_size + 8 * 4096);
  EXPECT_EQ(logs->count(), 2000);
  engine.close();
}

class EngineTest : public StoreTest {};

TEST_F(EngineTest, WriteFutureResolvesAfterCommitWithTheResult) {
  auto id = repo().write([&](WriteScope& w) {
    const LogRecord r = log_record("web1");
    return repo().logs().insert(w, std::span(&r, 1));
  });
  const auto first = id.get();
  EXPECT_GT(first, 0);
  // Visible to a reader as soon as the future is ready.
  ASSERT_TRUE(repo().logs().get(first).has_value());
  EXPECT_EQ(repo().logs().get(first)->decky, "web1");
}

TEST_F(EngineTest, FailedTaskIsRolledBackAloneAndOthersInTheBatchCommit) {
  WriterHold writer(repo());  // the next three tasks queue up and commit as one batch
  auto ok1 = repo().write([&](WriteScope& w) { repo().state().put(w, "a", 1); });
  auto bad = repo().write([&](WriteScope& w) {
    repo().state().put(w, "b", 2);
    throw StoreError(StoreError::Kind::kInvalid, "caller failure");
  });
  auto ok2 = repo().write([&](WriteScope& w) { repo().state().put(w, "c", 3); });
  writer.release();
  EXPECT_NO_THROW(ok1.get());
  EXPECT_THROW(bad.get(), StoreError);
  EXPECT_NO_THROW(ok2.get());
  EXPECT_EQ(repo().state().get("a"), nlohmann::json(1));
  EXPECT_FALSE(repo().state().get("b").has_value());
  EXPECT_EQ(repo().state().get("c"), nlohmann::json(3));
  EXPECT_LT(repo().health().committed_batches, repo().health().committed_writes);
}

TEST_F(EngineTest, ConstraintViolationIsATypedErrorNotACrash) {
  auto bad = repo().write([&](WriteScope& w) {
    auto& conn = sqlite::connection_of(w);
    conn.exec(
        "INSERT INTO users(uuid, username, password_hash, created_at, updated_at) "
        "VALUES ('u1', 'alice', 'h', 0, 0)");
    conn.exec(
        "INSERT INTO users(uuid, username, password_hash, created_at, updated_at) "
        "VALUES ('u2', 'alice', 'h', 0, 0)");
  });
  try {
    bad.get();
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreError::Kind::kConstraint);
    EXPECT_NE(std::string(e.what()).find("UNIQUE"), std::string::npos) << e.what();
  }
  // The writer is still alive.
  EXPECT_NO_THROW(repo().write_now([&](WriteScope& w) { repo().state().put(w, "ok", true); }));
}

TEST_F(EngineTest, ConcurrentWritersAreGroupCommitted) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 300;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::future<std::int64_t>> futures;
      for (int i = 0; i < kPerThread; ++i) {
        futures.push_back(repo().write([&, t](WriteScope& w) {
          const LogRecord r = log_record("d" + std::to_string(t));
          return repo().logs().insert(w, std::span(&r, 1));
        }));
      }
      for (auto& f : futures) f.get();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(repo().logs().count(), kThreads * kPerThread);
  const auto health = repo().health();
  EXPECT_TRUE(health.ok);
  EXPECT_GE(health.committed_writes, static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_LT(health.committed_batches, health.committed_writes);
}

TEST_F(EngineTest, ReadersAreNotBlockedByALongWriteBatch) {
  repo().write_now([&](WriteScope& w) {
    const LogRecord r = log_record("before");
    repo().logs().insert(w, std::span(&r, 1));
  });
  std::latch inside(1);
  std::latch release(1);
  auto long_write = repo().write([&](WriteScope& w) {
    std::vector<LogRecord> rows(5000, log_record("during"));
    repo().logs().insert(w, rows);
    inside.count_down();
    release.wait();
  });
  inside.wait();
  // The uncommitted rows are invisible and the read does not wait for the writer.
  EXPECT_EQ(repo().logs().count(), 1);
  LogQuery q;
  q.decky = "during";
  EXPECT_EQ(repo().logs().list(q).total, 0);
  release.count_down();
  long_write.get();
  EXPECT_EQ(repo().logs().count(), 5001);
}

TEST(QueryDeadlines, ARunawayReadIsInterruptedAtItsBudget) {
  TempDir dir;
  sqlite::Engine engine({.path = dir / "db.sqlite", .read_connections = 1});
  auto lease = engine.read();
  constexpr const char* kEndless =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
  {
    QueryDeadline budget(std::chrono::milliseconds(50));
    try {
      sqlite::query_int64(*lease, kEndless);
      FAIL() << "the endless query returned";
    } catch (const StoreError& e) {
      EXPECT_EQ(e.kind(), StoreError::Kind::kTimeout) << e.what();
    }
    // Waiting for a read connection counts against the same budget.
    try {
      engine.read();
      FAIL() << "got a second connection from a pool of one";
    } catch (const StoreError& e) {
      EXPECT_EQ(e.kind(), StoreError::Kind::kTimeout) << e.what();
    }
  }
  EXPECT_FALSE(QueryDeadline::current());  // the scope ended; the connection still works
  EXPECT_EQ(sqlite::query_int64(*lease, "SELECT 7"), 7);
}

TEST(QueryDeadlines, NestedBudgetsKeepTheEarlierDeadline) {
  QueryDeadline outer(std::chrono::milliseconds(100));
  const auto first = QueryDeadline::current();
  {
    QueryDeadline inner(std::chrono::hours(1));
    EXPECT_EQ(QueryDeadline::current(), first);
  }
  EXPECT_EQ(QueryDeadline::current(), first);
}

TEST_F(EngineTest, SearchesWithTooManyTermsAreRefused) {
  LogQuery q;
  for (std::size_t i = 0; i <= kMaxSearchTerms; ++i) q.search += "t" + std::to_string(i) + " ";
  try {
    repo().logs().list(q);
    FAIL() << "a search of " << kMaxSearchTerms + 1 << " terms ran";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreError::Kind::kInvalid);
  }
  q.search = "\"one quoted term\" two";
  EXPECT_EQ(split_search_terms(q.search), (std::vector<std::string>{"one quoted term", "two"}));
  EXPECT_EQ(repo().logs().list(q).total, 0);
}

TEST_F(EngineTest, ClosedStoreRejectsWritesWithATypedError) {
  repo().close();
  auto f = repo().write([](WriteScope&) {});
  try {
    f.get();
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreError::Kind::kClosed);
  }
}

TEST_F(EngineTest, StateDocumentsRoundTrip) {
  EXPECT_FALSE(repo().state().get("cursor").has_value());
  const nlohmann::json doc = {{"position", 4096}, {"file", "decnet.log"}, {"note", "é\"'"}};
  repo().write_now([&](WriteScope& w) { repo().state().put(w, "cursor", doc); });
  EXPECT_EQ(repo().state().get("cursor"), doc);
  repo().write_now([&](WriteScope& w) { repo().state().put(w, "cursor", 1); });
  EXPECT_EQ(repo().state().get("cursor"), nlohmann::json(1));
  EXPECT_TRUE(repo().write_now([&](WriteScope& w) { return repo().state().remove(w, "cursor"); }));
  EXPECT_FALSE(repo().write_now([&](WriteScope& w) { return repo().state().remove(w, "cursor"); }));
}

}  // namespace
}  // namespace decnet::store
