// /api/v1/webhooks through Router::handle over a real SQLite repository, with the reference's
// status codes, the secret shown once and sealed at rest, the SSRF guard at create and at URL
// change, the breaker reset, the change announcements, and the test ping against a real
// receiver on loopback.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/auth/login_service.h"
#include "api/auth/sse_tickets.h"
#include "api/auth/token_service.h"
#include "api/http/route_table.h"
#include "api/routes/routes.h"
#include "bus/inprocess_bus.h"
#include "bus/topics.h"
#include "core/time.h"
#include "store/sqlite/sqlite_repository.h"
#include "store/webhook_repository.h"
#include "tests_support.h"
#include "webhook/webhook_admin.h"
#include "webhook/webhook_error.h"
#include "webhook_receiver.h"

namespace decnet::api {
namespace {

using nlohmann::json;
using namespace decnet::testing;

const std::string kWebhooksSecret = "webhook-routes-secret-0123456789abcdef";
const std::string kPassword = "correct horse battery";

struct WebhookReply {
  int status = 0;
  json body;
  HeaderMap headers;
};

class ApiWebhooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = store::sqlite::open_sqlite_repository({.path = dir_ / "decnet.db"});
    TokenServiceOptions token_options;
    token_options.cache_seconds = 0;
    tokens_ = std::make_unique<TokenService>(*repo_, kWebhooksSecret, token_options);
    LoginServiceOptions login_options;
    login_options.limiter_enabled = false;
    logins_ = std::make_unique<LoginService>(*repo_, *tokens_, login_options);
    guard_ = std::make_unique<webhook::SsrfGuard>(resolver_, allow_private());
    deliverer_ = std::make_unique<webhook::Deliverer>(*guard_, webhook::RetryPolicy{});
    admin_service_ =
        std::make_unique<webhook::WebhookAdmin>(*repo_, bus_, *guard_, *deliverer_, box_);
    context_ = std::make_unique<ApiContext>(ApiContext{*repo_, bus_, *tokens_, *logins_, tickets_});
    context_->webhooks = admin_service_.get();
    router_ = std::make_unique<Router>(tokens_.get());
    add_webhook_routes(*router_, *context_);
    changes_ = bus_.subscribe(bus::topics::kWebhookSubscriptionsChanged,
                              [this](const bus::Event& e) {
                                std::lock_guard lock(mu_);
                                reasons_.push_back(e.payload.value("reason", ""));
                              },
                              {});
    auto admin = logins_->create_user("root", kPassword, Role::kAdmin, false).user.value();
    auto viewer = logins_->create_user("eve", kPassword, Role::kViewer, false).user.value();
    admin_ = tokens_->issue(admin).token;
    viewer_ = tokens_->issue(viewer).token;
  }
  void TearDown() override {
    changes_.unsubscribe();
    router_.reset();
    repo_->close();
    bus_.close();
  }
  virtual bool allow_private() const { return false; }

  WebhookReply call(const std::string& method, const std::string& target,
                    const json& body = nullptr, const std::string& token = {},
                    const std::string& peer = "127.0.0.1") {
    Request req;
    req.method = method;
    req.set_target(target);
    req.peer_address = peer;
    req.headers["Authorization"] = "Bearer " + (token.empty() ? admin_ : token);
    if (!body.is_null()) {
      req.body = body.dump();
      req.headers["Content-Type"] = "application/json";
    }
    const auto outcome = router_->handle(req);
    return {outcome.response.status, json::parse(outcome.response.body, nullptr, false),
            outcome.response.headers};
  }
  std::vector<std::string> reasons() {
    std::lock_guard lock(mu_);
    return reasons_;
  }

  TempDir dir_;
  bus::InProcessBus bus_;
  std::unique_ptr<store::Repository> repo_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<LoginService> logins_;
  SseTicketStore tickets_;
  NoDnsResolver resolver_;
  webhook::SecretBox box_{"api webhook test key"};
  std::unique_ptr<webhook::SsrfGuard> guard_;
  std::unique_ptr<webhook::Deliverer> deliverer_;
  std::unique_ptr<webhook::WebhookAdmin> admin_service_;
  std::unique_ptr<ApiContext> context_;
  std::unique_ptr<Router> router_;
  bus::Subscription changes_;
  std::mutex mu_;
  std::vector<std::string> reasons_;
  std::string admin_;
  std::string viewer_;
};

TEST_F(ApiWebhooksTest, CreateShowsTheSecretOnceAndSealsIt) {
  auto r = call("POST", "/api/v1/webhooks",
                {{"name", "splunk"},
                 {"url", "HTTPS://93.184.216.34/collector"},
                 {"simple_events", {"AttackerDetail", "SystemStatus"}},
                 {"topic_patterns", {"attacker.observed", "credential.>"}}});
  ASSERT_EQ(r.status, 201) << r.body.dump();
  const auto secret = r.body["secret"].get<std::string>();
  EXPECT_EQ(secret.size(), 43u);
  EXPECT_EQ(r.headers["Cache-Control"], "no-store");
  EXPECT_EQ(r.body["url"], "https://93.184.216.34/collector");
  EXPECT_EQ(r.body["topic_patterns"],
            json({"attacker.>", "system.>", "attacker.observed", "credential.>"}));
  EXPECT_EQ(r.body["state"], "active");
  EXPECT_TRUE(r.body["warnings"].empty());
  const auto uuid = r.body["uuid"].get<std::string>();
  const auto stored = repo_->webhooks().get_webhook_subscription(uuid);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->secret_ciphertext.find(secret), std::string::npos);
  EXPECT_EQ(box_.open(stored->secret_ciphertext), secret);
  for (const auto& read :
       {call("GET", "/api/v1/webhooks"), call("GET", "/api/v1/webhooks/" + uuid)}) {
    EXPECT_EQ(read.status, 200);
    EXPECT_EQ(read.body.dump().find(secret), std::string::npos);
    EXPECT_EQ(read.body.dump().find("\"secret\""), std::string::npos);
  }
  EXPECT_TRUE(wait_until([&] { return reasons() == std::vector<std::string>{"created"}; }));
}

TEST_F(ApiWebhooksTest, StatusCodesFollowTheReferenceOrder) {
  EXPECT_EQ(call("POST", "/api/v1/webhooks", {{"name", "x"}}).status, 422);
  auto r = call("POST", "/api/v1/webhooks", {{"name", "x"}, {"url", "https://93.184.216.34/"}});
  EXPECT_EQ(r.status, 400);
  r = call("POST", "/api/v1/webhooks",
           {{"name", "x"}, {"url", "https://93.184.216.34/"}, {"simple_events", {"Bogus"}}});
  EXPECT_EQ(r.status, 422);
  r = call("POST", "/api/v1/webhooks",
           {{"name", "x"}, {"url", "https://93.184.216.34/"}, {"topic_patterns", {"a.>.c"}}});
  EXPECT_EQ(r.status, 422);
  r = call("POST", "/api/v1/webhooks",
           {{"name", "x"},
            {"url", "https://93.184.216.34/"},
            {"secret", "short"},
            {"topic_patterns", {"a.b"}}});
  EXPECT_EQ(r.status, 422);
  const json good = {{"name", "x"}, {"url", "http://93.184.216.34/"}, {"topic_patterns", {"a.b"}}};
  r = call("POST", "/api/v1/webhooks", good);
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.body["warnings"].size(), 1u);
  EXPECT_EQ(r.body["warnings"][0].get<std::string>().rfind("insecure_url:", 0), 0u);
  EXPECT_EQ(call("POST", "/api/v1/webhooks", good).status, 409);
  for (const char* url : {"http://127.0.0.1/", "http://169.254.169.254/", "http://[::ffff:a00:1]/",
                          "http://2130706433/", "http://unresolvable.test/"}) {
    r = call("POST", "/api/v1/webhooks",
             {{"name", std::string("n") + url}, {"url", url}, {"topic_patterns", {"a.b"}}});
    EXPECT_EQ(r.status, 422) << url;
  }
  EXPECT_EQ(call("GET", "/api/v1/webhooks", nullptr, viewer_).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/webhooks/00000000-0000-4000-8000-000000000000").status, 404);
}

TEST_F(ApiWebhooksTest, CreatesAreLimitedPerClientAddress) {
  // Every attempt counts, refused ones included, as in the reference (20 per minute per address).
  for (int i = 0; i < 20; ++i) {
    const auto r = call("POST", "/api/v1/webhooks",
                        {{"name", "hook-" + std::to_string(i)},
                         {"url", "https://93.184.216.34/"},
                         {"topic_patterns", {i == 0 ? "a.>.c" : "a.b"}}},
                        {}, "192.0.2.10");
    ASSERT_EQ(r.status, i == 0 ? 422 : 201) << i << r.body.dump();
  }
  const json next = {
      {"name", "one-more"}, {"url", "https://93.184.216.34/"}, {"topic_patterns", {"a.b"}}};
  const auto refused = call("POST", "/api/v1/webhooks", next, {}, "192.0.2.10");
  EXPECT_EQ(refused.status, 429);
  ASSERT_TRUE(refused.headers.contains("Retry-After"));
  const auto wait = std::stoi(refused.headers.at("Retry-After"));
  EXPECT_GE(wait, 1);
  EXPECT_LE(wait, 60);
  EXPECT_EQ(call("GET", "/api/v1/webhooks", nullptr, {}, "192.0.2.10").status, 200);
  EXPECT_EQ(call("POST", "/api/v1/webhooks", next, {}, "192.0.2.11").status, 201);
}

TEST_F(ApiWebhooksTest, PatchResetsATrippedCircuitAndRefusesEmptyPatterns) {
  auto r = call("POST", "/api/v1/webhooks",
                {{"name", "siem"}, {"url", "https://93.184.216.34/"}, {"topic_patterns", {"a.b"}}});
  const auto uuid = r.body["uuid"].get<std::string>();
  const auto path = "/api/v1/webhooks/" + uuid;
  repo_->write_now([&](store::WriteScope& scope) {
    auto& hooks = repo_->webhooks();
    for (int i = 0; i < 5; ++i)
      hooks.record_webhook_failure(scope, uuid, core::now_micros(), "http 500");
    hooks.trip_webhook_circuit(scope, uuid, core::now_micros());
  });
  r = call("GET", path);
  EXPECT_EQ(r.body["state"], "tripped");
  EXPECT_EQ(r.body["consecutive_failures"], 5);
  EXPECT_EQ(call("PATCH", path, {{"topic_patterns", json::array()}}).status, 400);
  EXPECT_EQ(call("PATCH", path, {{"url", "http://10.0.0.1/"}}).status, 422);
  r = call("PATCH", path, {{"enabled", true}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["state"], "active");
  EXPECT_EQ(r.body["consecutive_failures"], 0);
  EXPECT_TRUE(r.body["last_error"].is_null());
  EXPECT_TRUE(r.body["auto_disabled_at"].is_null());
  r = call("PATCH", path, {{"enabled", false}});
  EXPECT_EQ(r.body["state"], "paused");
  // An empty patch writes nothing and announces nothing.
  const auto before = call("GET", path).body["updated_at"];
  EXPECT_EQ(call("PATCH", path, json::object()).body["updated_at"], before);
  EXPECT_EQ(call("DELETE", path).status, 200);
  EXPECT_EQ(call("DELETE", path).status, 404);
  EXPECT_TRUE(wait_until([&] {
    return reasons() == std::vector<std::string>{"created", "updated", "updated", "deleted"};
  }));
}

class ApiWebhooksLabTest : public ApiWebhooksTest {
  bool allow_private() const override { return true; }
};

TEST_F(ApiWebhooksLabTest, TestPingReportsTheReceiversAnswer) {
  WebhookReceiver receiver({{.status = 418}});
  auto r = call("POST", "/api/v1/webhooks",
                {{"name", "lab"},
                 {"url", receiver.url()},
                 {"topic_patterns", {"a.b"}},
                 {"secret", "lab-secret-0123456789"}});
  ASSERT_EQ(r.status, 201) << r.body.dump();
  r = call("POST", "/api/v1/webhooks/" + r.body["uuid"].get<std::string>() + "/test");
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(r.body["delivered"]);
  EXPECT_EQ(r.body["status_code"], 418);
  EXPECT_EQ(r.body["attempts"], 1);
  ASSERT_EQ(receiver.count(), 1u);
  const auto ping = json::parse(receiver.requests().front().body);
  EXPECT_EQ(ping["topic"], "test.ping");
  EXPECT_EQ(ping["payload"]["triggered_by"], "root");
  const auto sub = repo_->webhooks().list_webhook_subscriptions(false).front();
  EXPECT_EQ(sub.consecutive_failures, 0);  // a test never touches the breaker
}

}  // namespace
}  // namespace decnet::api
