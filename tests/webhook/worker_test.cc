// The worker end to end: a real SQLite store, the in-process bus and real HTTP receivers on
// loopback. Routing per subscription, the circuit breaker, dead letters and their redelivery,
// batching, and isolation from a hanging receiver.
#include "webhook/webhook_worker.h"

#include <gtest/gtest.h>

#include "bus/inprocess_bus.h"
#include "bus/topics.h"
#include "store/sqlite/engine.h"
#include "store/sqlite/sqlite_repository.h"
#include "store/webhook_repository.h"
#include "tests_support.h"
#include "webhook/webhook_admin.h"
#include "webhook/webhook_error.h"
#include "webhook_receiver.h"

namespace decnet::webhook {
namespace {

using namespace decnet::testing;
using std::chrono::milliseconds;

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = store::sqlite::open_sqlite_repository({.path = dir / "decnet.db"});
    RetryPolicy policy;
    policy.schedule = {milliseconds(10), milliseconds(10), milliseconds(10)};
    policy.timeout = milliseconds(5000);
    deliverer = std::make_unique<Deliverer>(guard, policy);
  }
  void TearDown() override {
    if (worker) worker->stop();
    repo->close();
  }
  void start(WorkerOptions options = {}) {
    worker = std::make_unique<WebhookWorker>(*repo, bus, *deliverer, box, options);
    worker->start();
  }
  store::WebhookSubscription subscribe(const std::string& name, const std::string& url,
                                       std::vector<std::string> patterns,
                                       std::int64_t batch_events = 1, std::int64_t batch_ms = 0) {
    store::NewWebhookSubscription spec;
    spec.name = name;
    spec.url = url;
    spec.secret_ciphertext = box.seal("secret-for-" + name);
    spec.topic_patterns = std::move(patterns);
    spec.batch_max_events = batch_events;
    spec.batch_max_wait_ms = batch_ms;
    auto sub = repo->write_now([&](store::WriteScope& scope) {
      return repo->webhooks().create_webhook_subscription(scope, spec);
    });
    if (worker) worker->reload();
    return sub;
  }
  store::WebhookSubscription row(const std::string& uuid) {
    return *repo->webhooks().get_webhook_subscription(uuid);
  }
  std::int64_t dead_letters(const std::string& uuid) {
    return repo->webhooks().list_webhook_dead_letters(uuid, {100, 0}, false).total;
  }

  TempDir dir;
  bus::InProcessBus bus;
  std::unique_ptr<store::Repository> repo;
  NoDnsResolver resolver;
  SsrfGuard guard{resolver, true};
  SecretBox box{"test key material, not secret"};
  std::unique_ptr<Deliverer> deliverer;
  std::unique_ptr<WebhookWorker> worker;
};

TEST_F(WorkerTest, AnEventMatchingTwoPatternsIsDeliveredOnce) {
  WebhookReceiver receiver;
  start();
  subscribe("siem", receiver.url(), {"attacker.>", "attacker.observed"});
  bus.publish("attacker.observed", {{"attacker_ip", "203.0.113.7"}}, "observed");
  ASSERT_TRUE(wait_until([&] { return receiver.count() == 1; }));
  bus.publish("attacker.scored", {{"score", 3}}, "scored");
  ASSERT_TRUE(wait_until([&] { return receiver.count() >= 2; }));
  const auto reqs = receiver.requests();
  ASSERT_EQ(reqs.size(), 2u);  // delivery is in order, so a duplicate would have come second
  EXPECT_EQ(reqs[0].headers.at("x-decnet-event-topic"), "attacker.observed");
  EXPECT_EQ(reqs[1].headers.at("x-decnet-event-topic"), "attacker.scored");
  const auto sub = repo->webhooks().list_webhook_subscriptions(false).front();
  EXPECT_TRUE(wait_until([&] { return row(sub.uuid).last_success_at.has_value(); }));
  EXPECT_TRUE(wait_until([&] {
    return repo->webhooks().list_webhook_deliveries(sub.uuid, {10, 0}).total == 2;
  }));
}

TEST_F(WorkerTest, ConsecutiveFailuresTripTheCircuitAndKeepDeadLetters) {
  // Three events fail all four attempts each; the receiver recovers afterwards.
  std::vector<ScriptedReply> script(12, ScriptedReply{.status = 500});
  script.push_back({.status = 200});
  WebhookReceiver receiver(script);
  std::atomic<int> announcements{0};
  auto changed = bus.subscribe(bus::topics::kWebhookSubscriptionsChanged,
                               [&](const bus::Event& e) {
                                 if (e.payload.value("reason", "") == "circuit_tripped") {
                                   ++announcements;
                                 }
                               },
                               {});
  start({.circuit_threshold = 3});
  const auto sub = subscribe("flaky", receiver.url(), {"credential.>"});
  for (int i = 0; i < 3; ++i) bus.publish("credential.captured", {{"n", i}}, "captured");
  ASSERT_TRUE(wait_until([&] { return row(sub.uuid).state() == store::WebhookState::kTripped; }));
  EXPECT_EQ(row(sub.uuid).consecutive_failures, 3);
  EXPECT_EQ(row(sub.uuid).last_error, "http 500");
  EXPECT_EQ(dead_letters(sub.uuid), 3);
  EXPECT_EQ(receiver.count(), 12u);
  EXPECT_TRUE(wait_until([&] { return announcements.load() == 1; }));
  // The worker drops the tripped subscription: its health no longer lists it.
  EXPECT_TRUE(wait_until([&] { return worker->health()["subscriptions"].empty(); }));

  // An admin re-enables it: the counter resets and deliveries resume.
  repo->write_now([&](store::WriteScope& scope) {
    repo->webhooks().reset_webhook_circuit(scope, sub.uuid, 1);
  });
  worker->reload();
  bus.publish("credential.captured", {{"n", 3}}, "captured");
  ASSERT_TRUE(wait_until([&] { return row(sub.uuid).last_success_at.has_value(); }));
  EXPECT_EQ(row(sub.uuid).consecutive_failures, 0);
  EXPECT_EQ(receiver.count(), 13u);

  // A dead letter is redelivered byte for byte.
  WebhookAdmin admin(*repo, bus, guard, *deliverer, box);
  const auto letter = repo->webhooks().list_webhook_dead_letters(sub.uuid, {1, 0}, true).data.at(0);
  const auto out = admin.redeliver(row(sub.uuid), letter);
  EXPECT_TRUE(out.delivered) << out.error;
  EXPECT_EQ(receiver.requests().back().body, letter.body);
  EXPECT_TRUE(repo->webhooks().get_webhook_dead_letter(letter.id)->redelivered_at.has_value());
  EXPECT_EQ(repo->webhooks().list_webhook_dead_letters(sub.uuid, {10, 0}, true).total, 2);
}

TEST_F(WorkerTest, AHangingReceiverDelaysOnlyItsOwnSubscription) {
  WebhookReceiver hanging({{.hang = true}});
  WebhookReceiver healthy;
  start();
  subscribe("stuck", hanging.url(), {"attacker.>"});
  subscribe("fine", healthy.url(), {"attacker.>"});
  for (int i = 0; i < 3; ++i) bus.publish("attacker.observed", {{"n", i}}, "observed");
  // All three reach the healthy receiver while the first request to the other still hangs.
  ASSERT_TRUE(wait_until([&] { return healthy.count() == 3; }, milliseconds(4000)));
  EXPECT_EQ(hanging.hanging(), 1);
  hanging.release_hangs();
}

TEST_F(WorkerTest, BatchingSendsSeveralEventsPerRequest) {
  WebhookReceiver receiver;
  start();
  subscribe("batched", receiver.url(), {"system.log"}, 3, 10'000);
  for (int i = 0; i < 3; ++i) bus.publish("system.log", {{"n", i}}, "batch_committed");
  ASSERT_TRUE(wait_until([&] { return receiver.count() == 1; }, milliseconds(5000)));
  const auto body = nlohmann::json::parse(receiver.requests().front().body);
  EXPECT_EQ(body["count"], 3);
  EXPECT_EQ(body["events"][2]["payload"]["n"], 2);
}

TEST_F(WorkerTest, PausingKeepsQueuedEventsAsDeadLetters) {
  WebhookReceiver hanging({{.hang = true}});
  start();
  const auto sub = subscribe("paused", hanging.url(), {"attacker.>"});
  for (int i = 0; i < 4; ++i) bus.publish("attacker.observed", {{"n", i}}, "observed");
  ASSERT_TRUE(wait_until([&] { return hanging.hanging() == 1; }));
  ASSERT_TRUE(wait_until([&] { return worker->health()["subscriptions"][0]["queued"] == 3; }));
  repo->write_now([&](store::WriteScope& scope) {
    store::WebhookPatch patch;
    patch.enabled = false;
    repo->webhooks().update_webhook_subscription(scope, sub.uuid, patch);
  });
  hanging.release_hangs();  // the request in flight ends (as a failure), then the sender stops
  worker->reload();
  // The three queued events plus the failed one are all kept.
  EXPECT_TRUE(wait_until([&] { return dead_letters(sub.uuid) == 4; }));
}

}  // namespace
}  // namespace decnet::webhook
