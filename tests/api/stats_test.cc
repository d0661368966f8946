// GET /api/v1/stats and the store's overview behind it, over a real SQLite repository filled
// through the repositories the ingest writer uses. Counts and rankings are checked exactly:
// what falls inside and outside the 24-hour window (including a window that cuts an hour, which
// the hourly counters must correct from the rows), ties ordered by name, plaintext passwords
// only and shown printable, and counters backfilled by the migration from existing rows.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "api/auth/login_service.h"
#include "api/auth/sse_tickets.h"
#include "api/auth/token_service.h"
#include "api/http/route_table.h"
#include "api/routes/routes.h"
#include "bus/inprocess_bus.h"
#include "core/hash.h"
#include "core/time.h"
#include "store/attacker_repository.h"
#include "store/credential_repository.h"
#include "store/decky_repository.h"
#include "store/log_repository.h"
#include "store/sqlite/engine.h"
#include "store/sqlite/sqlite_repository.h"
#include "store/stats_repository.h"
#include "tests_support.h"

namespace decnet::api {
namespace {

using nlohmann::json;

const std::string kSecret = "stats-test-secret-0123456789abcdef-0123456789";
constexpr std::int64_t kMinute = 60'000'000;
constexpr std::int64_t kHour = 60 * kMinute;

class StatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::sqlite::EngineOptions options;
    options.path = dir_ / "decnet.db";
    repo_ = store::sqlite::open_sqlite_repository(options);
    tokens_ = std::make_unique<TokenService>(*repo_, kSecret, TokenServiceOptions{});
    logins_ = std::make_unique<LoginService>(*repo_, *tokens_, LoginServiceOptions{});
    context_ = std::make_unique<ApiContext>(ApiContext{*repo_, bus_, *tokens_, *logins_, tickets_});
    router_ = std::make_unique<Router>(tokens_.get());
    add_stats_routes(*router_, *context_);
    auto viewer = logins_->create_user("eve", "correct horse battery", Role::kViewer, false);
    ASSERT_TRUE(viewer.ok()) << viewer.message;
    viewer_ = tokens_->issue(*viewer.user).token;
  }

  void TearDown() override {
    router_.reset();
    logins_.reset();
    tokens_.reset();
    repo_->close();
    bus_.close();
  }

  std::pair<int, json> get_stats(const std::string& token) {
    Request req;
    req.method = "GET";
    req.set_target("/api/v1/stats");
    req.peer_address = "127.0.0.1";
    if (!token.empty()) req.headers["Authorization"] = "Bearer " + token;
    const auto outcome = router_->handle(req);
    return {outcome.response.status, json::parse(outcome.response.body, nullptr, false)};
  }

  // `count` events at `at` on decky/service.
  void events(std::int64_t at, const std::string& decky, const std::string& service,
              int count = 1) {
    std::vector<store::LogRecord> rows(static_cast<std::size_t>(count));
    for (auto& r : rows) {
      r.timestamp = r.received_at = at;
      r.decky = decky;
      r.service = service;
      r.event_type = "connect";
      r.raw_line = "<134>1 - " + decky + " " + service + " - connect -";
    }
    repo_->write_now([&](store::WriteScope& w) { return repo_->logs().insert(w, rows); });
  }

  std::string attacker(const std::string& ip, std::int64_t first_seen,
                       const std::optional<std::string>& country) {
    store::AttackerActivity a{ip, first_seen, first_seen,
                              1,  0,          {{"decky-a", "ssh", first_seen, first_seen, 1}}};
    const auto uuid = repo_
                          ->write_now([&](store::WriteScope& w) {
                            return repo_->attackers().record_activity(w, a);
                          })
                          .uuid;
    store::AttackerEnrichment e;
    e.uuid = uuid;
    e.country_code = country;
    e.enriched_at = first_seen;
    repo_->write_now([&](store::WriteScope& w) { return repo_->attackers().set_enrichment(w, e); });
    return uuid;
  }

  // One attempt of `secret` as `principal` from `ip`; repeats of the same key add attempts.
  void attempt(const std::string& ip, const std::optional<std::string>& principal,
               const std::string& secret, std::int64_t at, const std::string& kind = "plaintext",
               const std::string& printable = {}) {
    store::CredentialAttempt a;
    a.attacker_ip = ip;
    a.decky_name = "decky-a";
    a.service = "ssh";
    a.principal = principal;
    a.secret_kind = kind;
    a.secret_sha256 = core::sha256_hex(secret);
    a.secret_printable = printable.empty() ? secret : printable;
    a.seen_at = at;
    repo_->write_now([&](store::WriteScope& w) { return repo_->credentials().upsert(w, a); });
  }

  void finding(const std::string& secret, std::int64_t first_seen) {
    store::CredentialReuse f;
    f.secret_sha256 = core::sha256_hex(secret);
    f.secret_kind = "plaintext";
    f.principal = "root";
    f.targets = {"decky-a:ssh", "decky-b:ssh"};
    f.target_count = 2;
    f.first_seen = f.last_seen = first_seen;
    repo_->write_now([&](store::WriteScope& w) {
      return repo_->credential_reuse().upsert_credential_reuse(w, f);
    });
  }

  void decky(const std::string& name, const std::string& state) {
    store::FleetDecky d;
    d.name = name;
    d.services = {"ssh"};
    d.state = state;
    repo_->write_now(
        [&](store::WriteScope& w) { return repo_->deckies().upsert_fleet_decky(w, d); });
  }

  static json named(std::initializer_list<std::pair<std::string, std::int64_t>> items) {
    auto out = json::array();
    for (const auto& [name, count] : items) out.push_back({{"name", name}, {"count", count}});
    return out;
  }

  testing::TempDir dir_;
  bus::InProcessBus bus_;
  std::unique_ptr<store::Repository> repo_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<LoginService> logins_;
  SseTicketStore tickets_;
  std::unique_ptr<ApiContext> context_;
  std::unique_ptr<Router> router_;
  std::string viewer_;
};

TEST_F(StatsTest, OverviewCountsWindowsAndRanks) {
  const auto now = core::now_micros();
  events(now - 1 * kHour, "decky-a", "ssh", 3);
  events(now - 2 * kHour, "decky-b", "http", 2);
  events(now - 23 * kHour, "decky-a", "ftp");
  events(now - 25 * kHour, "decky-c", "ssh", 4);  // outside the window
  events(now - 48 * kHour, "decky-c", "smtp", 2);

  attacker("203.0.113.1", now - kHour, "CN");
  attacker("203.0.113.2", now - 2 * kHour, "CN");
  attacker("203.0.113.3", now - 3 * kHour, "US");
  attacker("203.0.113.4", now - 4 * kHour, std::nullopt);
  attacker("203.0.113.5", now - 30 * kHour, "BR");  // old, but countries are all time

  attempt("203.0.113.1", "root", "123456", now - kHour);
  attempt("203.0.113.1", "root", "123456", now - kHour + kMinute);  // same row: 2 attempts
  attempt("203.0.113.1", "root", "123456", now - kHour + 2 * kMinute);
  attempt("203.0.113.2", "admin", "123456", now - 2 * kHour);
  attempt("203.0.113.2", "admin", "123456", now - 2 * kHour + kMinute);
  attempt("203.0.113.2", "root", "admin", now - 2 * kHour);
  attempt("203.0.113.5", "oracle", "oracle", now - 30 * kHour);   // first seen before the window
  attempt("203.0.113.3", std::nullopt, "vnc-pass", now - kHour);  // no principal
  for (int i = 0; i < 5; ++i) {
    // Not a password: counted for the username, never listed as a password.
    attempt("203.0.113.4", "bob", "ntlm-response", now - kHour + i * kMinute, "ntlmv2");
  }

  finding("123456", now - 2 * kHour);
  finding("oracle", now - 30 * kHour);
  decky("decky-a", "running");
  decky("decky-b", "running");
  decky("decky-c", "failed");

  const auto [status, body] = get_stats(viewer_);
  ASSERT_EQ(status, 200) << body.dump();
  const auto generated = core::parse_rfc3339(body["generated_at"].get<std::string>());
  ASSERT_TRUE(generated);
  EXPECT_EQ(body["generated_at"].get<std::string>().back(), 'Z');
  EXPECT_LE(std::abs(generated->micros_utc - now), 60'000'000);

  EXPECT_EQ(body["events"], (json{{"total", 12}, {"last_24h", 6}}));
  EXPECT_EQ(body["attackers"], (json{{"total", 5}, {"last_24h", 4}}));
  // Rows: root/123456, admin/123456, root/admin, oracle/oracle, (none)/vnc-pass, bob/ntlm.
  EXPECT_EQ(body["credentials"], (json{{"total", 6}, {"last_24h", 5}}));
  EXPECT_EQ(body["reuse_findings"], (json{{"total", 2}, {"last_24h", 1}}));

  EXPECT_EQ(body["top_services"], named({{"ssh", 3}, {"http", 2}, {"ftp", 1}}));
  EXPECT_EQ(body["top_deckies"], named({{"decky-a", 4}, {"decky-b", 2}}));
  EXPECT_EQ(body["top_countries"], named({{"CN", 2}, {"BR", 1}, {"US", 1}}));
  EXPECT_EQ(body["top_usernames"], named({{"bob", 5}, {"root", 4}, {"admin", 2}, {"oracle", 1}}));
  EXPECT_EQ(body["top_passwords"],
            named({{"123456", 5}, {"admin", 1}, {"oracle", 1}, {"vnc-pass", 1}}));

  // The reference's figures, for scripts written against its /stats.
  EXPECT_EQ(body["total_logs"], 12);
  EXPECT_EQ(body["unique_attackers"], 5);
  EXPECT_EQ(body["deployed_deckies"], 3);
  EXPECT_EQ(body["active_deckies"], 2);
}

TEST_F(StatsTest, EventWindowCutsAnHourExactly) {
  // Events spread over two hours; the window start is moved across them, on a bucket boundary
  // and on either side of a bucket's middle (the correction adds or subtracts rows).
  const std::int64_t base = 1'780'000'000'000'000 / kHour * kHour;
  const std::vector<std::int64_t> offsets = {0, 10, 20, 29, 30, 31, 40, 50, 59, 60, 70, 95};
  for (const auto m : offsets) events(base + m * kMinute, "decky-" + std::to_string(m % 3), "ssh");
  events(base - 1, "decky-0", "ssh");  // the microsecond before the first bucket

  for (const std::int64_t since :
       {base, base - 1, base + 1, base + 15 * kMinute, base + 20 * kMinute, base + 20 * kMinute + 1,
        base + 30 * kMinute, base + 45 * kMinute, base + 59 * kMinute, base + 60 * kMinute,
        base + 65 * kMinute, base + 3 * kHour}) {
    std::int64_t expected = since <= base - 1 ? 1 : 0;
    std::map<std::string, std::int64_t> per_decky;
    if (since <= base - 1) per_decky["decky-0"] = 1;
    for (const auto m : offsets) {
      if (base + m * kMinute >= since) {
        ++expected;
        ++per_decky["decky-" + std::to_string(m % 3)];
      }
    }
    const auto s = repo_->stats().overview(since, 10);
    EXPECT_EQ(s.events.recent, expected) << "since base+" << (since - base) << "us";
    EXPECT_EQ(s.events.total, static_cast<std::int64_t>(offsets.size()) + 1);
    std::map<std::string, std::int64_t> got;
    for (const auto& d : s.top_deckies) got[d.name] = d.count;
    std::erase_if(per_decky, [](const auto& kv) { return kv.second == 0; });
    EXPECT_EQ(got, per_decky) << "since base+" << (since - base) << "us";
  }
}

TEST_F(StatsTest, PasswordsArePrintableAndRankedByName) {
  const auto now = core::now_micros();
  // A secret with control bytes is listed by its printable form only.
  attempt("192.0.2.1", "root", std::string("pa\x01ss", 5), now, "plaintext", "pa?ss");
  attempt("192.0.2.2", "root", "zeta", now);
  attempt("192.0.2.3", "root", "alpha", now);
  for (int i = 0; i < 12; ++i) {
    // Past the threshold of the frequent-password index, so that path is taken too.
    attempt("192.0.2." + std::to_string(10 + i), "admin", "hunter2", now + i);
  }
  const auto s = repo_->stats().overview(now - 24 * kHour, 3);
  ASSERT_EQ(s.top_passwords.size(), 3u);
  EXPECT_EQ(s.top_passwords[0].name, "hunter2");
  EXPECT_EQ(s.top_passwords[0].count, 12);
  EXPECT_EQ(s.top_passwords[1].name, "alpha");
  EXPECT_EQ(s.top_passwords[2].name, "pa?ss");
  ASSERT_EQ(s.top_usernames.size(), 2u);
  EXPECT_EQ(s.top_usernames[0].name, "admin");
  EXPECT_EQ(s.top_usernames[0].count, 12);
  EXPECT_EQ(s.top_usernames[1].name, "root");
  EXPECT_EQ(s.top_usernames[1].count, 3);

  const auto all = repo_->stats().overview(now - 24 * kHour, 10);
  ASSERT_EQ(all.top_passwords.size(), 4u);
  EXPECT_EQ(all.top_passwords[3].name, "zeta");
}

TEST_F(StatsTest, EmptyDatabase) {
  const auto [status, body] = get_stats(viewer_);
  ASSERT_EQ(status, 200);
  for (const char* key : {"events", "attackers", "credentials", "reuse_findings"}) {
    EXPECT_EQ(body[key], (json{{"total", 0}, {"last_24h", 0}})) << key;
  }
  for (const char* key :
       {"top_services", "top_deckies", "top_countries", "top_usernames", "top_passwords"}) {
    EXPECT_EQ(body[key], json::array()) << key;
  }
}

TEST_F(StatsTest, NeedsAToken) {
  EXPECT_EQ(get_stats("").first, 401);
  EXPECT_EQ(get_stats("not-a-token").first, 401);
}

TEST_F(StatsTest, AnswerIsCachedForAFewSeconds) {
  const auto [s1, first] = get_stats(viewer_);
  events(core::now_micros(), "decky-a", "ssh", 5);
  const auto [s2, second] = get_stats(viewer_);
  ASSERT_EQ(s1, 200);
  ASSERT_EQ(s2, 200);
  const auto t1 = core::parse_rfc3339(first["generated_at"].get<std::string>())->micros_utc;
  const auto t2 = core::parse_rfc3339(second["generated_at"].get<std::string>())->micros_utc;
  if (t1 / 5'000'000 == t2 / 5'000'000) {
    // Same five-second slot: the same body, without the new events.
    EXPECT_EQ(first, second);
  } else {
    EXPECT_EQ(second["events"]["total"], 5);
  }
}

TEST(StatsMigration, CountersAreBackfilledFromExistingRows) {
  testing::TempDir dir;
  const auto path = dir / "old.db";
  store::sqlite::Engine::migrate(path, 5);
  const auto now = core::now_micros();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const auto exec = [&](const std::string& sql) {
      char* error = nullptr;
      EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
          << (error ? error : "") << "\n"
          << sql;
      sqlite3_free(error);
    };
    const auto at = [](std::int64_t t) { return std::to_string(t); };
    for (const auto& [t, decky, service] :
         std::vector<std::tuple<std::int64_t, std::string, std::string>>{
             {now - kHour, "decky-a", "ssh"},
             {now - kHour, "decky-a", "ssh"},
             {now - 2 * kHour, "decky-b", "http"},
             {now - 30 * kHour, "decky-b", "ssh"}}) {
      exec(
          "INSERT INTO logs(timestamp, received_at, decky, service, event_type, raw_line) "
          "VALUES (" +
          at(t) + ", " + at(t) + ", '" + decky + "', '" + service + "', 'x', 'x')");
    }
    const auto credential = [&](const std::string& ip, const std::string& principal,
                                const std::string& secret, int attempts, std::int64_t first) {
      exec(
          "INSERT INTO credentials(attacker_ip, attacker_ip_key, decky_name, service, principal,"
          " principal_key, secret_kind, secret_sha256, secret_printable, first_seen, last_seen,"
          " attempt_count) VALUES ('" +
          ip + "', '" + ip + "', 'decky-a', 'ssh', '" + principal + "', '" + principal +
          "', 'plaintext', '" + core::sha256_hex(secret) + "', '" + secret + "', " + at(first) +
          ", " + at(first) + ", " + std::to_string(attempts) + ")");
    };
    credential("192.0.2.1", "root", "toor", 7, now - kHour);
    credential("192.0.2.2", "root", "123456", 2, now - 30 * kHour);
    credential("192.0.2.3", "pi", "123456", 4, now - kHour);
    sqlite3_close(db);
  }
  auto repo = store::sqlite::open_sqlite_repository({.path = path});
  const auto s = repo->stats().overview(now - 24 * kHour, 10);
  EXPECT_EQ(s.events.total, 4);
  EXPECT_EQ(s.events.recent, 3);
  ASSERT_EQ(s.top_services.size(), 2u);
  EXPECT_EQ(s.top_services[0].name, "ssh");
  EXPECT_EQ(s.top_services[0].count, 2);
  EXPECT_EQ(s.credentials.total, 3);
  EXPECT_EQ(s.credentials.recent, 2);
  ASSERT_EQ(s.top_usernames.size(), 2u);
  EXPECT_EQ(s.top_usernames[0].name, "root");
  EXPECT_EQ(s.top_usernames[0].count, 9);
  ASSERT_EQ(s.top_passwords.size(), 2u);
  EXPECT_EQ(s.top_passwords[0].name, "toor");
  EXPECT_EQ(s.top_passwords[0].count, 7);
  EXPECT_EQ(s.top_passwords[1].name, "123456");
  EXPECT_EQ(s.top_passwords[1].count, 6);

  // New writes keep counting on top of the backfill.
  store::CredentialAttempt a;
  a.attacker_ip = "192.0.2.1";
  a.decky_name = "decky-a";
  a.service = "ssh";
  a.principal = "root";
  a.secret_sha256 = core::sha256_hex("toor");
  a.secret_printable = "toor";
  a.seen_at = now;
  repo->write_now([&](store::WriteScope& w) { return repo->credentials().upsert(w, a); });
  const auto after = repo->stats().overview(now - 24 * kHour, 10);
  EXPECT_EQ(after.top_passwords[0].count, 8);
  EXPECT_EQ(after.top_usernames[0].count, 10);
  EXPECT_EQ(after.credentials.total, 3);
  repo->close();
}

}  // namespace
}  // namespace decnet::api
