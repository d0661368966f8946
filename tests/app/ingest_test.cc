// End to end through the real binary: `decnet serve` receiving from util-linux logger over TCP,
// and `decnet replay` importing a file twice.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <csignal>
#include <fstream>

#include "tests_support.h"

namespace decnet::app {
namespace {

using namespace decnet::testing;

std::map<std::string, std::string> serve_env(const TempDir& dir, int tcp_port) {
  return {{"DECNET_DATA_DIR", (dir / "var").string()},
          {"DECNET_CONFIG", (dir / "none.ini").string()},
          {"DECNET_SYSLOG_TCP_PORT", std::to_string(tcp_port)},
          {"DECNET_SYSLOG_UDP_PORT", std::to_string(free_port(true))},
          {"DECNET_API_PORT", std::to_string(free_port())}};
}

// A read-only look at the database `decnet` wrote, as an operator with sqlite3 would take.
std::optional<std::int64_t> query(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* conn = nullptr;
  if (sqlite3_open_v2(db.c_str(), &conn, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(conn);
    return std::nullopt;
  }
  sqlite3_busy_timeout(conn, 2000);
  std::optional<std::int64_t> out;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(conn, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    out = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(conn);
  return out;
}

int send_with_logger(int port, const std::string& app, const std::string& msgid,
                     const std::vector<std::string>& params) {
  std::vector<std::string> argv = {"logger",  "--rfc5424",  "--tcp",   "--octet-count",
                                   "-n",      "127.0.0.1",  "-P",      std::to_string(port),
                                   "-t",      app,          "--msgid", msgid,
                                   "--sd-id", "relay@55555"};
  for (const auto& p : params) {
    argv.push_back("--sd-param");
    argv.push_back(p);
  }
  argv.push_back("credential attempt");
  return run_command(argv).status;
}

TEST(ServeIngest, ReusedPasswordSentWithLoggerIsAFindingInTheDatabase) {
  TempDir dir;
  const int port = free_port();
  ChildProcess serve({decnet_binary(), "serve"}, serve_env(dir, port));
  ASSERT_TRUE(wait_until([&] { return serve.output().find("ready") != std::string::npos; }))
      << serve.output();
  ASSERT_EQ(send_with_logger(
                port, "ftp", "auth_attempt",
                {"username=\"admin\"", "secret_b64=\"aHVudGVyMg==\"", "src_ip=\"203.0.113.9\""}),
            0);
  ASSERT_EQ(send_with_logger(
                port, "pop3", "auth",
                {"username=\"admin\"", "secret_b64=\"aHVudGVyMg==\"", "src=\"198.51.100.20\""}),
            0);
  const auto db = dir / "var" / "decnet.db";
  ASSERT_TRUE(wait_until(
      [&] { return query(db, "SELECT target_count FROM credential_reuse").value_or(0) == 2; },
      std::chrono::seconds(20)))
      << serve.output();
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM credentials"), 2);
  EXPECT_EQ(query(db, "SELECT attacker_ip_count FROM credential_reuse"), 2);
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM attackers"), 2);
  EXPECT_EQ(serve.stop(SIGTERM), 0) << serve.output();
}

TEST(Replay, ImportsAFileOnceEvenWhenRunTwice) {
  TempDir dir;
  const auto log = dir / "decnet.log";
  {
    std::ofstream out(log);
    for (int i = 0; i < 300; ++i) {
      out << "<134>1 2026-05-02T06:22:48.089309+00:00 decky-0" << i % 3
          << " ssh - connect [relay@55555 src_ip=\"203.0.113." << i % 50 << "\"]\n";
    }
    out << "garbage that is not syslog\n";
  }
  auto env = serve_env(dir, free_port());
  auto first = run_command({decnet_binary(), "replay", log.string()}, env);
  ASSERT_EQ(first.status, 0) << first.output;
  const auto db = dir / "var" / "decnet.db";
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM logs"), 300);
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM dead_letters"), 1);
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM attackers"), 50);
  auto second = run_command({decnet_binary(), "replay", log.string()}, env);
  ASSERT_EQ(second.status, 0) << second.output;
  EXPECT_NE(second.output.find("0 lines imported"), std::string::npos) << second.output;
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM logs"), 300);
  // Lines appended later are imported by the next run, and only those.
  {
    std::ofstream out(log, std::ios::app);
    out << "<134>1 2026-05-02T06:22:49.000000+00:00 decky-9 ftp - connect [relay@55555 "
           "src_ip=\"203.0.113.200\"]\n";
  }
  auto third = run_command({decnet_binary(), "replay", log.string()}, env);
  ASSERT_EQ(third.status, 0) << third.output;
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM logs"), 301);
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM attackers"), 51);
}

TEST(Replay, MissingFileIsAUsageError) {
  TempDir dir;
  auto r = run_command({decnet_binary(), "replay", (dir / "nope.log").string()},
                       serve_env(dir, free_port()));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("nope.log"), std::string::npos) << r.output;
}

TEST(Db, StatusAndMigrate) {
  TempDir dir;
  auto env = serve_env(dir, free_port());
  std::filesystem::create_directories(dir / "var");
  auto status = run_command({decnet_binary(), "db", "status"}, env);
  ASSERT_EQ(status.status, 0) << status.output;
  EXPECT_NE(status.output.find("schema version: 0"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("pending: 1 2 3"), std::string::npos) << status.output;
  auto migrate = run_command({decnet_binary(), "db", "migrate"}, env);
  ASSERT_EQ(migrate.status, 0) << migrate.output;
  EXPECT_NE(migrate.output.find("applied migration 1"), std::string::npos);
  status = run_command({decnet_binary(), "db", "status"}, env);
  EXPECT_NE(status.output.find("up to date"), std::string::npos) << status.output;
}

}  // namespace
}  // namespace decnet::app
