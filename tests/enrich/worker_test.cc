// The enrichment worker against a real SQLite store, the in-process bus, fixture files in the
// RIR and iptoasn formats, and dnsmasq on loopback answering PTR queries: new attackers get a
// country, an AS and a PTR name; attackers that existed before the worker started are picked up
// by the backfill; private addresses get nothing and are never looked up.
#include <gtest/gtest.h>

#include <fstream>

#include "bus/inprocess_bus.h"
#include "bus/topics.h"
#include "core/time.h"
#include "enrich/enrichment_worker.h"
#include "enrich/table_files.h"
#include "store/sqlite/sqlite_repository.h"
#include "tests_support.h"
#include "webhook_receiver.h"

namespace decnet::enrich {
namespace {

using namespace decnet::testing;

class EnrichWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir / "geoip");
    std::filesystem::create_directories(dir / "asn");
    std::ofstream(dir / "geoip" / "ripe.txt")
        << "ripencc|NL|ipv4|93.184.216.0|256|20080101|allocated\n"
           "ripencc|DE|ipv6|2a01:4f8::|29|20080101|allocated\n";
    std::ofstream(dir / "geoip" / "arin.txt") << "arin|US|ipv4|8.8.8.0|256|1992|allocated\n";
    std::ofstream(dir / "asn" / "ip2asn-v4.tsv")
        << "93.184.216.0\t93.184.216.255\t15133\tUS\tEDGECAST\n"
           "8.8.8.0\t8.8.8.255\t15169\tUS\tGOOGLE\n";
    // A lookup sent before dnsmasq has bound its socket would be answered by nobody. The port
    // was free a moment ago; another test (or an outgoing socket) may have taken it since, so a
    // dnsmasq that cannot bind is started again on another.
    const char* user = std::getenv("USER");
    for (int attempt = 0; attempt < 5; ++attempt) {
      dns_port = free_port(true);
      dnsmasq = std::make_unique<ChildProcess>(std::vector<std::string>{
          "/usr/sbin/dnsmasq", "--no-daemon", "--conf-file=/dev/null",
          "--port=" + std::to_string(dns_port), "--listen-address=127.0.0.1", "--bind-interfaces",
          "--no-resolv", "--no-hosts",
          "--pid-file=", "--user=" + std::string(user && *user ? user : "root"),
          "--ptr-record=34.216.184.93.in-addr.arpa,edge.example.net"});
      wait_until([&] {
        const auto out = dnsmasq->output();
        return out.find("started") != std::string::npos || !dnsmasq->running();
      });
      if (dnsmasq->output().find("started") != std::string::npos) break;
    }
    ASSERT_NE(dnsmasq->output().find("started"), std::string::npos) << dnsmasq->output();
    repo = store::sqlite::open_sqlite_repository({.path = dir / "decnet.db"});
  }
  void TearDown() override {
    if (worker) worker->stop();
    if (repo) repo->close();
  }
  EnrichmentOptions options() {
    EnrichmentOptions o;
    o.geoip_root = dir / "geoip";
    o.asn_root = dir / "asn";
    o.dns.servers = "127.0.0.1:" + std::to_string(dns_port);
    o.dns.timeout = std::chrono::milliseconds(5000);  // generous: CI machines stall
    o.rpki = false;
    return o;
  }
  std::string add_attacker(const std::string& ip) {
    store::AttackerActivity a;
    a.ip = ip;
    a.first_seen = a.last_seen = core::now_micros();
    a.event_count = 1;
    a.targets = {{"decky-1", "ssh", a.first_seen, a.last_seen, 1}};
    return repo->write_now(
        [&](store::WriteScope& scope) { return repo->attackers().record_activity(scope, a).uuid; });
  }
  store::Attacker attacker(const std::string& uuid) { return *repo->attackers().get(uuid); }

  TempDir dir;
  int dns_port = 0;
  std::unique_ptr<ChildProcess> dnsmasq;
  bus::InProcessBus bus;
  std::unique_ptr<store::Repository> repo;
  std::unique_ptr<EnrichmentWorker> worker;
};

TEST_F(EnrichWorkerTest, NewAndExistingAttackersGetCountryAsnAndPtr) {
  const auto before = add_attacker("8.8.8.8");  // existed before the worker: backfill
  worker = std::make_unique<EnrichmentWorker>(*repo, bus, options());
  worker->start();
  const auto fresh = add_attacker("93.184.216.34");
  bus.publish(bus::topics::kAttackerObservedTopic,
              {{"attacker_uuid", fresh}, {"attacker_ip", "93.184.216.34"}}, "observed");
  const auto inside = add_attacker("10.0.0.5");
  bus.publish(bus::topics::kAttackerObservedTopic,
              {{"attacker_uuid", inside}, {"attacker_ip", "10.0.0.5"}}, "observed");

  ASSERT_TRUE(wait_until([&] { return attacker(fresh).ptr_record.has_value(); }))
      << dnsmasq->output() << worker->health().dump();
  auto a = attacker(fresh);
  EXPECT_EQ(a.country_code, "NL");
  EXPECT_EQ(a.country_source, "rir");
  EXPECT_EQ(a.asn, 15133);
  EXPECT_EQ(a.as_name, "EDGECAST");
  EXPECT_EQ(a.bgp_prefix, "93.184.216.0/24");
  EXPECT_EQ(a.asn_source, "iptoasn");
  EXPECT_EQ(a.ptr_record, "edge.example.net");

  ASSERT_TRUE(wait_until([&] { return attacker(before).asn.has_value(); }));
  a = attacker(before);
  EXPECT_EQ(a.country_code, "US");
  EXPECT_EQ(a.as_name, "GOOGLE");
  // 8.8.8.8 has no PTR record here: looked up once, nothing stored.
  ASSERT_TRUE(wait_until([&] { return worker->counters().ptr_lookups.load() == 2; }));
  EXPECT_FALSE(attacker(before).ptr_record);

  ASSERT_TRUE(wait_until([&] { return repo->attackers().list_unenriched(10).empty(); }));
  a = attacker(inside);
  EXPECT_FALSE(a.country_code);
  EXPECT_FALSE(a.asn);
  EXPECT_EQ(worker->counters().ptr_lookups.load(), 2u);  // the private address was not asked
  // Counted once the row is written: the count may trail the row by a moment.
  EXPECT_TRUE(wait_until([&] { return worker->counters().enriched.load() == 3u; }))
      << worker->counters().enriched.load();
}

TEST_F(EnrichWorkerTest, SwitchedOffPartsLeaveFieldsEmptyButMarkTheAttacker) {
  auto o = options();
  o.geoip = false;
  o.ptr = false;
  worker = std::make_unique<EnrichmentWorker>(*repo, bus, o);
  worker->start();
  const auto uuid = add_attacker("93.184.216.34");
  bus.publish(bus::topics::kAttackerObservedTopic,
              {{"attacker_uuid", uuid}, {"attacker_ip", "93.184.216.34"}}, "observed");
  ASSERT_TRUE(wait_until([&] { return attacker(uuid).asn.has_value(); }));
  EXPECT_FALSE(attacker(uuid).country_code);
  EXPECT_TRUE(repo->attackers().list_unenriched(10).empty());
  EXPECT_EQ(worker->counters().ptr_lookups.load(), 0u);
}

TEST_F(EnrichWorkerTest, NewTableFilesAreSwappedInWhileRunning) {
  auto o = options();
  o.geoip_root = dir / "empty-geoip";
  o.ptr = false;
  o.backfill_interval = std::chrono::milliseconds(50);
  worker = std::make_unique<EnrichmentWorker>(*repo, bus, o);
  worker->start();
  const auto first = add_attacker("93.184.216.34");
  ASSERT_TRUE(wait_until([&] { return repo->attackers().list_unenriched(10).empty(); }));
  EXPECT_FALSE(attacker(first).country_code);  // no table yet
  import_rir_files({dir / "geoip" / "ripe.txt"}, o.geoip_root, {});
  const auto second = add_attacker("93.184.216.35");
  ASSERT_TRUE(wait_until([&] { return attacker(second).country_code.has_value(); }));
  EXPECT_EQ(attacker(second).country_code, "NL");
}

TEST_F(EnrichWorkerTest, MmdbDatabasesReplaceTheFileTablesWhenConfigured) {
  const auto mmdb = dir / "test.mmdb";
  const auto made =
      run_command({"perl", std::string(DECNET_SOURCE_DIR) + "/tests/fixtures/write_test_mmdb.pl",
                   mmdb.string()});
  ASSERT_EQ(made.status, 0) << made.output;
  auto o = options();
  o.ptr = false;
  o.geoip_mmdb = mmdb;
  o.asn_mmdb = mmdb;
  worker = std::make_unique<EnrichmentWorker>(*repo, bus, o);
  worker->start();
  const auto uuid = add_attacker("93.184.216.34");
  bus.publish(bus::topics::kAttackerObservedTopic,
              {{"attacker_uuid", uuid}, {"attacker_ip", "93.184.216.34"}}, "observed");
  ASSERT_TRUE(wait_until([&] { return repo->attackers().list_unenriched(10).empty(); }));
  const auto a = attacker(uuid);
  EXPECT_EQ(a.country_code, "NL");
  EXPECT_EQ(a.country_source, "mmdb");
  EXPECT_EQ(a.asn, 15133);
  EXPECT_EQ(a.asn_source, "mmdb");
  EXPECT_EQ(a.bgp_prefix, "93.184.216.0/24");
}

TEST_F(EnrichWorkerTest, RpkiStatusComesFromRipestatInItsOwnVocabulary) {
  WebhookReceiver ripestat({{.body = R"({"messages":[],"see_also":[],"version":"0.3",
      "data_call_name":"rpki-validation","data_call_status":"supported","cached":false,
      "data":{"validating_roas":[{"origin":"64496","prefix":"93.184.216.0/24","max_length":24,
      "validity":"invalid_asn"}],"status":"invalid_asn","validator":"routinator",
      "resource":"15133","prefix":"93.184.216.0/24"},"query_id":"x","process_time":5,
      "server_id":"app","build_version":"1","status":"ok","status_code":200,
      "time":"2026-12-04T10:00:00"})"}});
  auto o = options();
  o.ptr = false;
  o.rpki = true;
  o.rpki_options.base_url = "http://127.0.0.1:" + std::to_string(ripestat.port());
  worker = std::make_unique<EnrichmentWorker>(*repo, bus, o);
  worker->start();
  const auto first = add_attacker("93.184.216.34");
  const auto second = add_attacker("93.184.216.35");  // same prefix and AS: answered from cache
  for (const auto& [uuid, ip] : {std::pair{first, "93.184.216.34"}, {second, "93.184.216.35"}}) {
    bus.publish(bus::topics::kAttackerObservedTopic, {{"attacker_uuid", uuid}, {"attacker_ip", ip}},
                "observed");
  }
  ASSERT_TRUE(wait_until([&] {
    return attacker(first).rpki_status.has_value() && attacker(second).rpki_status.has_value();
  })) << worker->health().dump();
  EXPECT_EQ(attacker(first).rpki_status, "invalid_asn");
  EXPECT_EQ(attacker(first).rpki_source, "ripestat");
  ASSERT_GE(ripestat.count(), 1u);
  EXPECT_EQ(ripestat.requests().front().target,
            "/data/rpki-validation/data.json?resource=AS15133&prefix=93.184.216.0/24");
  EXPECT_EQ(ripestat.count(), 1u);
}

}  // namespace
}  // namespace decnet::enrich
