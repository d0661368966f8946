// GET /metrics as `decnet serve` wires it: the ingest, bus and store figures registered by the
// serve command are read at scrape time, so one syslog line sent with `logger` shows up as a
// committed row, a published event and a committed batch without any other step.
#include <gtest/gtest.h>

#include <csignal>
#include <regex>

#include "tests_support.h"

namespace decnet::app {
namespace {

using namespace decnet::testing;

std::string scrape(int port) {
  return run_command({"curl", "-s", "http://127.0.0.1:" + std::to_string(port) + "/metrics"})
      .output;
}

// The value of an unlabelled sample, or -1 when absent.
double sample(const std::string& text, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex("(^|\n)" + name + " ([0-9.e+-]+)"))) return -1;
  return std::stod(m[2]);
}

TEST(ServeMetrics, IngestBusAndStoreFiguresAreScraped) {
  TempDir dir;
  const int api = free_port();
  const int syslog_port = free_port();
  ChildProcess serve({decnet_binary(), "serve"},
                     {{"DECNET_DATA_DIR", (dir / "var").string()},
                      {"DECNET_CONFIG", (dir / "none.ini").string()},
                      {"DECNET_SYSLOG_TCP_PORT", std::to_string(syslog_port)},
                      {"DECNET_SYSLOG_UDP_PORT", std::to_string(free_port(true))},
                      {"DECNET_API_PORT", std::to_string(api)}});
  ASSERT_TRUE(wait_until([&] { return serve.output().find("ready") != std::string::npos; }))
      << serve.output();

  const auto before = scrape(api);
  for (const auto* name :
       {"decnet_bus_published_total", "decnet_bus_dropped_total", "decnet_bus_queued",
        "decnet_store_queued_writes", "decnet_store_committed_batches_total",
        "decnet_ingest_received_total", "decnet_ingest_refused_total",
        "decnet_ingest_committed_total", "decnet_ingest_dead_letters_total",
        "decnet_ingest_credentials_total", "decnet_ingest_reuse_findings_total",
        "decnet_ingest_attackers_created_total"}) {
    EXPECT_GE(sample(before, name), 0) << name << " missing from\n" << before;
  }
  EXPECT_NE(before.find("# TYPE decnet_ingest_committed_total counter"), std::string::npos);
  EXPECT_NE(before.find("# TYPE decnet_bus_queued gauge"), std::string::npos);
  EXPECT_EQ(sample(before, "decnet_ingest_committed_total"), 0);

  const auto status =
      run_command({"logger", "--rfc5424", "--tcp", "--octet-count", "-n", "127.0.0.1", "-P",
                   std::to_string(syslog_port), "-t", "ssh", "--msgid", "connect", "--sd-id",
                   "relay@55555", "--sd-param", "src_ip=\"203.0.113.88\"", "hello"})
          .status;
  ASSERT_EQ(status, 0);
  std::string after;
  ASSERT_TRUE(wait_until([&] {
    after = scrape(api);
    return after.find("\ndecnet_ingest_committed_total 1\n") != std::string::npos;
  })) << after;
  EXPECT_EQ(sample(after, "decnet_ingest_received_total"), 1);
  EXPECT_TRUE(wait_until([&] {
    after = scrape(api);
    return sample(after, "decnet_ingest_attackers_created_total") == 1;
  })) << after;
  EXPECT_EQ(sample(after, "decnet_ingest_dead_letters_total"), 0);
  EXPECT_GT(sample(after, "decnet_store_committed_batches_total"),
            sample(before, "decnet_store_committed_batches_total"));
  // system.log and attacker.observed at least (published after the commit).
  EXPECT_TRUE(wait_until([&] {
    after = scrape(api);
    return sample(after, "decnet_bus_published_total") >=
           sample(before, "decnet_bus_published_total") + 2;
  })) << after;
  EXPECT_EQ(serve.stop(SIGTERM), 0) << serve.output();
}

}  // namespace
}  // namespace decnet::app
