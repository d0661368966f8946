// `decnet serve` under the faults a honeypot master meets: killed with -9 in the middle of a
// flood, stopped with SIGTERM while senders are still writing, fed frames that are not frames.
// Each test reads the database with the sqlite3 shell afterwards, as an operator would.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <regex>
#include <thread>

#include "rsyslog_support.h"
#include "serve_support.h"

namespace decnet::app {
namespace {

using namespace decnet::testing;

// Octet-counted lines from `attackers` addresses, round robin, until told to stop or the
// connection fails; counts what it managed to write.
class Flood {
 public:
  Flood(int port, int attackers) : client_(port) {
    thread_ = std::thread([this, attackers] {
      std::string chunk;
      for (int i = 0; !stop_.load(); ++i) {
        chunk.clear();
        for (int k = 0; k < 100; ++k, ++i) {
          const int a = i % attackers;
          chunk += octet_frame(
              "<38>1 2026-05-02T06:22:48Z decky-0" + std::to_string(a % 5) +
              " ssh - auth_attempt [relay@55555 src_ip=\"10." + std::to_string(a / 65536 % 256) +
              "." + std::to_string(a / 256 % 256) + "." + std::to_string(a % 256) +
              "\" username=\"root\" secret_b64=\"aHVudGVyMg==\"] attempt " + std::to_string(i));
        }
        if (!client_.send(chunk)) return;
        sent_ += 100;
      }
    });
  }
  ~Flood() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::int64_t sent() const { return sent_.load(); }

 private:
  TcpClient client_;
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> sent_{0};
  std::thread thread_;
};

std::int64_t rows(const ServeProcess& serve, const std::string& table) {
  return sqlite_int(serve.db(), "SELECT COUNT(*) FROM " + table).value_or(-1);
}

TEST(IngestResilience, AttackerCountersAreRightAfterAKill9) {
  ServeProcess serve;
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  {
    Flood flood(serve.tcp_port(), 5000);
    ASSERT_TRUE(wait_until([&] { return rows(serve, "logs") > 20000; }, std::chrono::seconds(60)));
    EXPECT_EQ(serve.child().stop(SIGKILL), 128 + SIGKILL);
  }
  // Whether the kill left rows past the counters' mark (then the start must recount them) or
  // landed just after a batch whose counters were complete (then there is nothing to recount).
  const auto mark = sqlite_int(serve.db(),
                               "SELECT json_extract(value, '$.log_id') FROM state WHERE key = "
                               "'ingest:attackers_counted_through'")
                        .value_or(0);
  const bool behind = rows(serve, "logs") > 0 &&
                      sqlite_int(serve.db(), "SELECT MAX(id) FROM logs").value_or(0) > mark;
  serve.restart();
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  // Every attacker's event count is its number of rows, and so is the sum over its targets.
  const auto wrong = sqlite_int(
      serve.db(),
      "SELECT COUNT(*) FROM attackers a LEFT JOIN (SELECT attacker_id, COUNT(*) AS n FROM logs "
      "GROUP BY attacker_id) l ON l.attacker_id = a.id LEFT JOIN (SELECT attacker_id, "
      "SUM(event_count) AS n FROM attacker_targets GROUP BY attacker_id) t ON t.attacker_id = "
      "a.id WHERE a.event_count != IFNULL(l.n, 0) OR a.event_count != IFNULL(t.n, 0)");
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(sqlite_int(serve.db(), "SELECT SUM(event_count) FROM attackers"), rows(serve, "logs"));
  EXPECT_EQ(serve.output().find("recounted") != std::string::npos, behind) << serve.output();
  EXPECT_EQ(serve.child().stop(SIGTERM), 0);
}

// The tailed file's position is stored in the same transaction as the lines it covers, so
// killing the server at any moment and starting it again neither loses nor repeats a line.
TEST(IngestResilience, ATailedFileLosesAndRepeatsNothingAcrossKill9s) {
  TempDir dir;
  const auto file = dir / "sensor.log";
  { std::ofstream create(file); }
  ServeProcess serve({{"DECNET_SYSLOG_FILE", file.string()}});
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  constexpr int kLines = 300'000;
  {
    std::ofstream out(file, std::ios::app | std::ios::binary);
    for (int i = 0; i < kLines; ++i) {
      out << "<38>1 2026-05-02T06:22:48Z decky-0" << i % 5 << " ssh - auth_attempt [relay@55555 "
          << "src_ip=\"10.1." << i / 256 % 256 << "." << i % 256 << "\"] line " << i << "\n";
    }
  }
  for (const std::int64_t kill_after : {40'000, 140'000, 230'000}) {
    ASSERT_TRUE(
        wait_until([&] { return rows(serve, "logs") > kill_after; }, std::chrono::seconds(90)))
        << serve.output();
    EXPECT_EQ(serve.child().stop(SIGKILL), 128 + SIGKILL);
    serve.restart();
    ASSERT_TRUE(serve.wait_ready()) << serve.output();
  }
  ASSERT_TRUE(wait_until([&] { return rows(serve, "logs") >= kLines; }, std::chrono::seconds(120)))
      << rows(serve, "logs");
  EXPECT_EQ(serve.child().stop(SIGTERM, std::chrono::seconds(60)), 0);
  EXPECT_EQ(rows(serve, "logs"), kLines);
  EXPECT_EQ(sqlite_int(serve.db(), "SELECT COUNT(DISTINCT raw_line) FROM logs"), kLines);
  EXPECT_EQ(rows(serve, "dead_letters"), 0);
}

// The database on a real, small file system (a tmpfs mounted in a mount namespace of the test's
// own) that fills up mid-flood: ingest holds the sender back instead of losing lines, and once
// the file system is grown again every line is stored once and the database is intact.
TEST(IngestResilience, AFullDiskHoldsSendersBackAndLosesNothing) {
  if (::unshare(CLONE_NEWNS) != 0 ||
      ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    GTEST_SKIP() << "mount namespaces are not available: " << std::strerror(errno);
  }
  TempDir dir;
  const auto disk = dir / "disk";
  std::filesystem::create_directories(disk);
  ASSERT_EQ(::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=12m"), 0) << std::strerror(errno);
  // A small queue, so that what the server holds is well below what the sender has to send.
  ServeProcess serve({{"DECNET_DB_PATH", (disk / "decnet.db").string()},
                      {"DECNET_INGEST_QUEUE_BYTES", "1048576"},
                      {"DECNET_INGEST_BATCH_BYTES", "262144"}});
  ASSERT_TRUE(serve.wait_ready()) << serve.output();

  constexpr int kLines = 12'000;  // about 24 MB of lines, twice the file system
  std::atomic<int> sent{0};
  std::thread sender([&] {
    TcpClient client(serve.tcp_port());
    for (int i = 0; i < kLines; i += 100) {
      std::string chunk;
      for (int k = i; k < i + 100; ++k) {
        chunk += octet_frame("<38>1 2026-05-02T06:22:48Z decky-0" + std::to_string(k % 5) +
                             " http - request [relay@55555 src_ip=\"10.3." +
                             std::to_string(k / 256 % 256) + "." + std::to_string(k % 256) +
                             "\"] request " + std::to_string(k) + " " + std::string(2000, 'x'));
      }
      if (!client.send(chunk)) return;
      sent += 100;
    }
  });
  const bool full = wait_until(
      [&] { return serve.output().find("the database refuses writes") != std::string::npos; },
      std::chrono::seconds(90));
  if (!full) sender.join();
  ASSERT_TRUE(full) << serve.output();
  EXPECT_LT(sent.load(), kLines);  // held back by TCP flow control

  ASSERT_EQ(::mount("tmpfs", disk.c_str(), "tmpfs", MS_REMOUNT, "size=256m"), 0)
      << std::strerror(errno);
  sender.join();
  ASSERT_EQ(sent.load(), kLines);
  const auto db = disk / "decnet.db";
  const auto logs = [&] { return sqlite_int(db, "SELECT COUNT(*) FROM logs").value_or(-1); };
  ASSERT_TRUE(wait_until([&] { return logs() >= kLines; }, std::chrono::seconds(120)))
      << logs() << serve.output();
  EXPECT_EQ(serve.child().stop(SIGTERM, std::chrono::seconds(60)), 0);
  EXPECT_EQ(sqlite_int(db, "SELECT COUNT(*) FROM logs"), kLines);
  EXPECT_EQ(sqlite_int(db, "SELECT COUNT(DISTINCT raw_line) FROM logs"), kLines);
  EXPECT_EQ(sqlite_int(db, "SELECT COUNT(*) FROM dead_letters"), 0);
  EXPECT_EQ(sqlite_value(db, "PRAGMA integrity_check"), "ok");
}

// RELP answers a line only once it is committed, so rsyslog (omrelp, the way a decky or relay
// forwards) keeps every line it was not told about and sends it again after a reconnect. The
// server is killed with -9 twice mid-stream: every line ends up stored, and stored once (the
// lines committed but not yet answered come back and are recognised).
TEST(IngestResilience, RsyslogOverRelpLosesAndRepeatsNothingAcrossKill9s) {
  TempDir dir;
  const int relp_port = free_port();
  ServeProcess serve({{"DECNET_SYSLOG_RELP_ENABLED", "true"},
                      {"DECNET_SYSLOG_RELP_PORT", std::to_string(relp_port)}});
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  constexpr int kLines = 200'000;
  const auto input = dir / "sensor.log";
  {
    std::ofstream out(input, std::ios::binary);
    for (int i = 0; i < kLines; ++i) {
      out << "<38>1 2026-05-02T06:22:48Z decky-0" << i % 5 << " ssh - auth_attempt [relay@55555 "
          << "src_ip=\"10.4." << i / 256 % 256 << "." << i % 256
          << "\" username=\"root\" secret_b64=\"aHVudGVyMg==\"] relp line " << i << "\n";
    }
  }
  testing::Rsyslog rsyslog(dir.path(),
                           "module(load=\"imfile\" mode=\"polling\" PollingInterval=\"1\")\n"
                           "input(type=\"imfile\" File=\"" +
                               input.string() +
                               "\" Tag=\"decky\")\n"
                               "module(load=\"omrelp\")\n"
                               "template(name=\"raw\" type=\"string\" string=\"%rawmsg%\")\n"
                               "action(type=\"omrelp\" target=\"127.0.0.1\" port=\"" +
                               std::to_string(relp_port) +
                               "\" template=\"raw\" windowSize=\"1024\" "
                               "action.resumeRetryCount=\"-1\" action.resumeInterval=\"1\" "
                               "queue.type=\"LinkedList\" queue.size=\"400000\")\n");
  for (const std::int64_t kill_after : {30'000, 110'000}) {
    ASSERT_TRUE(
        wait_until([&] { return rows(serve, "logs") > kill_after; }, std::chrono::seconds(120)))
        << rows(serve, "logs") << "\n"
        << rsyslog.output() << serve.output();
    EXPECT_EQ(serve.child().stop(SIGKILL), 128 + SIGKILL);
    serve.restart();
    ASSERT_TRUE(serve.wait_ready()) << serve.output();
  }
  ASSERT_TRUE(wait_until([&] { return rows(serve, "logs") >= kLines; }, std::chrono::seconds(180)))
      << rows(serve, "logs") << "\n"
      << rsyslog.output();
  const auto metrics = run_command(
      {"curl", "-s", "http://127.0.0.1:" + std::to_string(serve.api_port()) + "/metrics"});
  std::smatch resent;  // how many came back differs from run to run; the figure must be there
  ASSERT_TRUE(std::regex_search(metrics.output, resent,
                                std::regex("decnet_ingest_resent_lines_total (\\d+)")));
  EXPECT_EQ(serve.child().stop(SIGTERM, std::chrono::seconds(60)), 0);
  EXPECT_EQ(rows(serve, "logs"), kLines);
  EXPECT_EQ(sqlite_int(serve.db(), "SELECT COUNT(DISTINCT raw_line) FROM logs"), kLines);
  EXPECT_EQ(rows(serve, "dead_letters"), 0);
  EXPECT_EQ(sqlite_int(serve.db(), "SELECT SUM(attempt_count) FROM credentials"), kLines);
}

// The case a kill -9 makes likely but not certain: lines committed whose answers the sender
// never read. A RELP sender (played here by a raw client that ignores every answer) sends them
// again as the first frames of its next connection, to the restarted server: they are answered
// and counted, not stored again.
TEST(IngestResilience, RelpLinesCommittedButNeverAnsweredAreStoredOnce) {
  const int relp_port = free_port();
  ServeProcess serve({{"DECNET_SYSLOG_RELP_ENABLED", "true"},
                      {"DECNET_SYSLOG_RELP_PORT", std::to_string(relp_port)}});
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  const std::string offers = "relp_version=0\nrelp_software=test\ncommands=syslog";
  const auto session = [&](int first_txnr) {
    std::string out = "1 open " + std::to_string(offers.size()) + " " + offers + "\n";
    for (int i = 0; i < 50; ++i) {
      const std::string line =
          "<38>1 2026-05-02T06:22:48Z decky-01 ssh - auth_attempt "
          "[relay@55555 src_ip=\"10.5.0." +
          std::to_string(i) + "\"] resent line " + std::to_string(i);
      out += std::to_string(first_txnr + i) + " syslog " + std::to_string(line.size()) + " " +
             line + "\n";
    }
    return out;
  };
  {
    TcpClient sender(relp_port);
    ASSERT_TRUE(sender.send(session(2)));
    ASSERT_TRUE(wait_until([&] { return rows(serve, "logs") == 50; })) << serve.output();
    EXPECT_EQ(serve.child().stop(SIGKILL), 128 + SIGKILL);
  }
  serve.restart();
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  TcpClient again(relp_port);
  ASSERT_TRUE(again.send(session(2) + "52 close 0\n"));
  const auto answers = again.receive_all();  // until the server closes after "close"
  EXPECT_NE(answers.find("51 rsp 6 200 OK\n52 rsp 6 200 OK\n"), std::string::npos) << answers;
  EXPECT_EQ(rows(serve, "logs"), 50);
  const auto metrics = run_command(
      {"curl", "-s", "http://127.0.0.1:" + std::to_string(serve.api_port()) + "/metrics"});
  EXPECT_NE(metrics.output.find("decnet_ingest_resent_lines_total 50"), std::string::npos)
      << metrics.output.substr(0, 3000);
  EXPECT_EQ(serve.child().stop(SIGTERM), 0);
}

TEST(IngestResilience, SigtermCommitsEveryLineReadFromTheSockets) {
  ServeProcess serve;
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  Flood flood(serve.tcp_port(), 300);
  ASSERT_TRUE(wait_until([&] { return rows(serve, "logs") > 5000; }, std::chrono::seconds(60)));
  ASSERT_EQ(serve.child().stop(SIGTERM, std::chrono::seconds(60)), 0) << serve.output();
  flood.stop();
  const auto out = serve.output();
  std::smatch received;
  ASSERT_TRUE(
      std::regex_search(out, received, std::regex("syslog-tcp: stopped after (\\d+) lines")))
      << out;
  const auto stored = rows(serve, "logs") + rows(serve, "dead_letters");
  EXPECT_EQ(stored, std::stoll(received[1])) << out;
  EXPECT_GT(stored, 5000);
  EXPECT_LE(stored, flood.sent());
  // The receivers stopped before the pipeline, which stopped before the workers it feeds.
  const auto pos = [&](const std::string& text) { return out.find(text); };
  EXPECT_LT(pos("component syslog-tcp stopped"), pos("component ingest stopped"));
  EXPECT_LT(pos("component ingest stopped"), pos("component webhook stopped"));
  EXPECT_LT(pos("component ingest stopped"), pos("component enrich stopped"));
}

TEST(IngestResilience, FramesThatAreNotFramesBecomeDeadLettersAndTheStreamGoesOn) {
  ServeProcess serve(std::map<std::string, std::string>{{"DECNET_INGEST_QUEUE_BYTES", "3000000"}});
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  const std::string good =
      "<38>1 2026-05-02T06:22:48Z decky-01 ssh - connect [relay@55555 "
      "src_ip=\"203.0.113.40\"] after";
  {
    TcpClient sensor(serve.tcp_port());
    ASSERT_TRUE(sensor.send(octet_frame(good) + "12x garbage\n" + "012 <13>1 zero\n" +
                            "99999999999 eleven digits\n" + octet_frame(good) + "500 <13>1 cut"));
  }  // closed in the middle of the last frame
  ASSERT_TRUE(wait_until([&] { return rows(serve, "dead_letters") == 4; })) << serve.output();
  EXPECT_EQ(rows(serve, "logs"), 2);
  EXPECT_EQ(
      sqlite_int(
          serve.db(),
          "SELECT COUNT(*) FROM dead_letters WHERE reason LIKE 'invalid octet-count prefix%'"),
      3);
  EXPECT_EQ(sqlite_value(
                serve.db(),
                "SELECT CAST(raw AS TEXT) FROM dead_letters WHERE reason LIKE '%closed inside%'"),
            "<13>1 cut");
  const auto metrics = run_command(
      {"curl", "-s", "http://127.0.0.1:" + std::to_string(serve.api_port()) + "/metrics"});
  EXPECT_NE(metrics.output.find("decnet_syslog_framing_errors_total{receiver=\"syslog-tcp\"} 4"),
            std::string::npos)
      << metrics.output.substr(0, 4000);
  EXPECT_NE(metrics.output.find("decnet_ingest_queue_limit_bytes 3000000"), std::string::npos);
  EXPECT_EQ(serve.child().stop(SIGTERM), 0);
}

}  // namespace
}  // namespace decnet::app
