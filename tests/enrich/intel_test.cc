// Threat-intel providers against local HTTP servers answering in each service's real response
// format — including errors, 429 with Retry-After, malformed JSON, slow and oversized answers —
// and the intel worker storing, merging and announcing what they say.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "bus/inprocess_bus.h"
#include "bus/topics.h"
#include "core/time.h"
#include "enrich/intel_provider.h"
#include "enrich/intel_worker.h"
#include "store/attacker_repository.h"
#include "store/sqlite/sqlite_repository.h"
#include "tests_support.h"
#include "webhook_receiver.h"

namespace decnet::enrich {
namespace {

using namespace decnet::testing;
using nlohmann::json;
using std::chrono::milliseconds;

constexpr const char* kIp = "45.83.64.1";

std::string base(const WebhookReceiver& r) {
  return "http://127.0.0.1:" + std::to_string(r.port());
}

IntelConfig config_for(const std::string& provider, const std::string& url) {
  IntelConfig c;
  c.providers = {provider};
  c.greynoise_key = "gn-key";
  c.abuseipdb_key = "abuse-key";
  c.threatfox_key = "tf-key";
  c.greynoise_url = c.abuseipdb_url = c.threatfox_url = c.feodo_url = url;
  c.backoff = milliseconds(20);
  c.timeout = milliseconds(500);
  c.pacing = false;
  return c;
}

std::unique_ptr<IntelProvider> only(const std::string& provider, const WebhookReceiver& r) {
  auto list = make_intel_providers(config_for(provider, base(r)));
  EXPECT_EQ(list.size(), 1u);
  return std::move(list.front());
}

TEST(IntelProviders, GreyNoiseCommunity) {
  WebhookReceiver server({{.body = R"({"ip":"45.83.64.1","noise":true,"riot":false,
      "classification":"malicious","name":"Mirai-like","link":"https://viz.greynoise.io/ip/x",
      "last_seen":"2026-11-30","message":"Success"})"},
                          {.status = 404, .body = R"({"ip":"1.1.1.2","noise":false,"riot":false,
      "message":"IP not observed scanning the internet or contained in RIOT data set."})"},
                          {.body = R"({"classification":"Scanner"})"}});
  auto gn = only("greynoise", server);
  auto r = gn->lookup(kIp);
  EXPECT_EQ(r.verdict, "malicious");
  EXPECT_FALSE(r.error);
  EXPECT_EQ(json::parse(r.raw)["name"], "Mirai-like");
  const auto req = server.requests().front();
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target, std::string("/v3/community/") + kIp);
  EXPECT_EQ(req.headers.at("key"), "gn-key");
  EXPECT_EQ(req.headers.at("user-agent").find("decnet"), std::string::npos);
  r = gn->lookup("1.1.1.2");
  EXPECT_EQ(r.verdict, "unknown");  // 404 is "not seen", not an error
  EXPECT_FALSE(r.error);
  r = gn->lookup(kIp);
  EXPECT_EQ(r.verdict, "unknown");  // an unknown classification gives no opinion beyond unknown
  EXPECT_EQ(json::parse(r.raw)["classification"], "Scanner");
}

TEST(IntelProviders, AbuseIpDbAsksVerboseAndMapsScores) {
  WebhookReceiver server(
      {{.body = R"({"data":{"ipAddress":"45.83.64.1","isPublic":true,"abuseConfidenceScore":100,
         "countryCode":"DE","totalReports":12,"reports":[{"categories":[18,22],"comment":"ssh"},
         {"categories":[14,"x"]},"junk"]}})"},
       {.body = R"({"data":{"abuseConfidenceScore":30}})"},
       {.body = R"({"data":{"abuseConfidenceScore":0}})"},
       {.body = R"({"data":{"abuseConfidenceScore":"high"}})"}});
  auto provider = only("abuseipdb", server);
  auto r = provider->lookup(kIp);
  EXPECT_EQ(r.verdict, "malicious");
  EXPECT_EQ(json::parse(r.raw)["categories"], json({14, 18, 22}));
  const auto req = server.requests().front();
  EXPECT_NE(req.target.find("ipAddress=45.83.64.1"), std::string::npos);
  EXPECT_NE(req.target.find("maxAgeInDays=30"), std::string::npos);
  EXPECT_NE(req.target.find("verbose"), std::string::npos);  // categories need it
  EXPECT_EQ(req.headers.at("key"), "abuse-key");
  EXPECT_EQ(provider->lookup(kIp).verdict, "suspicious");
  EXPECT_EQ(provider->lookup(kIp).verdict, "benign");
  r = provider->lookup(kIp);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->rfind("parse:", 0), 0u);
}

TEST(IntelProviders, ThreatFoxSearchesTheIoc) {
  WebhookReceiver server(
      {{.body = R"({"query_status":"ok","data":[{"id":"1","ioc":"45.83.64.1:443",
         "threat_type":"botnet_cc","ioc_type":"ip:port","malware":"win.cobalt_strike",
         "malware_printable":"Cobalt Strike"},{"threat_type":"payload_delivery",
         "ioc_type":"ip:port","malware":"","malware_printable":"Mirai"}]})"},
       {.body = R"({"query_status":"no_result","data":"Your search did not yield any results"})"},
       {.body = R"({"query_status":"illegal_search_term"})"}});
  auto provider = only("threatfox", server);
  auto r = provider->lookup(kIp);
  EXPECT_EQ(r.verdict, "malicious");
  const auto raw = json::parse(r.raw);
  EXPECT_EQ(raw["malware_families"], json({"Mirai", "win.cobalt_strike"}));
  EXPECT_EQ(raw["threat_types"], json({"botnet_cc", "payload_delivery"}));
  const auto req = server.requests().front();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/api/v1/");
  EXPECT_EQ(json::parse(req.body), json({{"query", "search_ioc"}, {"search_term", kIp}}));
  EXPECT_EQ(req.headers.at("auth-key"), "tf-key");
  r = provider->lookup(kIp);
  EXPECT_FALSE(r.verdict);  // absence is no opinion, not benign
  EXPECT_FALSE(r.error);
  EXPECT_EQ(provider->lookup(kIp).error, "query_status=illegal_search_term");
}

TEST(IntelProviders, FeodoDownloadsTheListOnce) {
  WebhookReceiver server({{.body = R"([{"ip_address":"45.83.64.1","port":443,"status":"online",
      "hostname":null,"as_number":1,"as_name":"X","country":"DE","first_seen":"2026-01-01",
      "last_online":"2026-11-30","malware":"QakBot"}])"}});
  auto provider = only("feodo", server);
  auto r = provider->lookup(kIp);
  EXPECT_EQ(r.verdict, "malicious");
  EXPECT_EQ(json::parse(r.raw)["entry"]["malware"], "QakBot");
  r = provider->lookup("8.8.8.8");
  EXPECT_FALSE(r.verdict);
  EXPECT_FALSE(r.error);
  EXPECT_EQ(server.count(), 1u);
  EXPECT_EQ(server.requests().front().target, "/downloads/ipblocklist.json");

  WebhookReceiver broken({{.body = R"({"not":"a list"})"}});
  EXPECT_EQ(only("feodo", broken)->lookup(kIp).error, "feed: not a list");
}

TEST(IntelProviders, RetriesRateLimitsAndServerErrorsHonouringRetryAfter) {
  WebhookReceiver server({{.status = 429, .headers = {{"Retry-After", "1"}}},
                          {.status = 503},
                          {.body = R"({"classification":"benign"})"}});
  auto provider = only("greynoise", server);
  const auto r = provider->lookup(kIp);
  EXPECT_EQ(r.verdict, "benign") << r.error.value_or("");
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_GE(reqs[1].at - reqs[0].at, milliseconds(950));

  WebhookReceiver down({{.status = 500}});
  EXPECT_EQ(only("greynoise", down)->lookup(kIp).error, "HTTP 500");
  EXPECT_EQ(down.count(), 3u);
  WebhookReceiver denied({{.status = 401, .body = R"({"message":"bad key"})"}});
  EXPECT_EQ(only("greynoise", denied)->lookup(kIp).error, "HTTP 401");
  EXPECT_EQ(denied.count(), 1u);  // not retried
}

TEST(IntelProviders, MalformedSlowAndOversizedAnswersAreErrors) {
  WebhookReceiver malformed({{.body = "{not json"}});
  EXPECT_EQ(only("greynoise", malformed)->lookup(kIp).error->rfind("parse:", 0), 0u);
  WebhookReceiver slow({{.hang = true}});
  const auto start = std::chrono::steady_clock::now();
  const auto r = only("greynoise", slow)->lookup(kIp);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->rfind("network:", 0), 0u) << *r.error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  slow.release_hangs();
  WebhookReceiver huge({{.body = std::string(5 << 20, 'x')}});
  EXPECT_EQ(only("greynoise", huge)->lookup(kIp).error->rfind("parse: response larger", 0), 0u);
}

TEST(IntelProviders, PacingAndDailyCapsAreEnforced) {
  WebhookReceiver server({{.body = R"({"data":{"abuseConfidenceScore":10}})"}});
  auto c = config_for("abuseipdb", base(server));
  c.abuseipdb_daily_cap = 2;
  c.pacing = true;  // AbuseIPDB: at most one request per 500 ms
  auto provider = std::move(make_intel_providers(c).front());
  EXPECT_EQ(provider->lookup(kIp).verdict, "benign");
  EXPECT_EQ(provider->lookup(kIp).verdict, "benign");
  const auto r = provider->lookup(kIp);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->rfind("rate: daily cap of 2", 0), 0u) << *r.error;
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);  // the capped lookup sent nothing
  EXPECT_GE(reqs[1].at - reqs[0].at, milliseconds(450));
}

TEST(IntelProviders, AProviderWithoutItsKeyIsOffAndUnknownNamesAreRefused) {
  IntelConfig c;
  c.providers = {"GreyNoise", "abuseipdb", "threatfox", "feodo"};
  const auto list = make_intel_providers(c);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list.front()->name(), "feodo");
  c.providers = {"shodan"};
  EXPECT_THROW(make_intel_providers(c), std::invalid_argument);
  EXPECT_EQ(strongest_verdict({"benign", std::nullopt, "malicious"}), "malicious");
  EXPECT_EQ(strongest_verdict({"benign", "suspicious"}), "suspicious");
  EXPECT_EQ(strongest_verdict({std::nullopt}), std::nullopt);
}

TEST(IntelWorker, StoresMergesAndAnnouncesAndRetriesFailuresSooner) {
  TempDir dir;
  bus::InProcessBus bus;
  auto repo = store::sqlite::open_sqlite_repository({.path = dir / "decnet.db"});
  store::AttackerActivity a;
  a.ip = kIp;
  a.first_seen = a.last_seen = core::now_micros();
  a.event_count = 1;
  a.targets = {{"decky-1", "ssh", a.first_seen, a.last_seen, 1}};
  const auto uuid = repo->write_now(
      [&](store::WriteScope& scope) { return repo->attackers().record_activity(scope, a).uuid; });
  a.ip = "10.0.0.9";
  const auto inside = repo->write_now(
      [&](store::WriteScope& scope) { return repo->attackers().record_activity(scope, a).uuid; });

  WebhookReceiver greynoise({{.body = R"({"classification":"benign","name":"Googlebot"})"}});
  WebhookReceiver abuse({{.status = 500},
                         {.status = 500},
                         {.status = 500},
                         {.body = R"({"data":{"abuseConfidenceScore":90}})"}});
  auto c = config_for("greynoise", base(greynoise));
  c.providers = {"greynoise", "abuseipdb"};
  c.abuseipdb_url = base(abuse);
  std::vector<json> events;
  std::mutex mu;
  auto sub = bus.subscribe(bus::topics::kAttackerIntelEnrichedTopic,
                           [&](const bus::Event& e) {
                             std::lock_guard lock(mu);
                             events.push_back(e.payload);
                           },
                           {});
  IntelWorker worker(*repo, bus, make_intel_providers(c),
                     {.retry_failed = milliseconds(0), .poll = std::chrono::seconds(60)});
  EXPECT_EQ(worker.run_once(), 2u);
  auto intel = repo->intel().get_attacker_intel_by_uuid(uuid);
  ASSERT_TRUE(intel);
  EXPECT_EQ(intel->aggregate_verdict, "benign");
  EXPECT_TRUE(intel->providers.at("abuseipdb").error);
  EXPECT_TRUE(intel->retry_at);
  EXPECT_EQ(greynoise.count(), 1u);  // the private address was never sent out
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mu);
    return events.size() == 2;
  }));
  {
    std::lock_guard lock(mu);
    const auto it = std::find_if(events.begin(), events.end(),
                                 [&](const json& e) { return e["attacker_uuid"] == uuid; });
    ASSERT_NE(it, events.end());
    EXPECT_EQ((*it)["attacker_ip"], kIp);
    EXPECT_EQ((*it)["verdict"], "benign");
    EXPECT_EQ((*it)["providers"]["abuseipdb"]["error"], "HTTP 500");
    EXPECT_EQ((*it)["providers"]["greynoise"]["verdict"], "benign");
  }
  // The failed provider is due again before the TTL; the pass merges its answer.
  EXPECT_GE(worker.run_once(), 1u);
  intel = repo->intel().get_attacker_intel_by_uuid(uuid);
  EXPECT_EQ(intel->aggregate_verdict, "malicious");
  EXPECT_EQ(intel->providers.at("greynoise").verdict, "benign");
  EXPECT_FALSE(intel->retry_at);
  EXPECT_TRUE(repo->intel().get_attacker_intel_by_uuid(inside));
  repo->close();
}

}  // namespace
}  // namespace decnet::enrich
