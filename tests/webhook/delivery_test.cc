// Delivery against a real HTTP receiver on loopback: what is retried and how often, Retry-After,
// redirects, timeouts and what reaches the wire.
#include <gtest/gtest.h>

#include "tests_support.h"
#include "webhook/delivery.h"
#include "webhook/webhook_error.h"
#include "webhook_receiver.h"

namespace decnet::webhook {
namespace {

using namespace decnet::testing;
using std::chrono::milliseconds;

RetryPolicy fast_policy() {
  RetryPolicy p;
  p.schedule = {milliseconds(20), milliseconds(40), milliseconds(80)};
  p.timeout = milliseconds(2000);
  return p;
}

WebhookMessage message() {
  bus::Event e;
  e.id = "00112233445566778899aabbccddeeff";
  e.topic = "credential.reuse.detected";
  e.type = "detected";
  e.ts = 1767323045;
  e.payload = {{"target_count", 2}};
  return event_message(e);
}

struct Fixture : ::testing::Test {
  NoDnsResolver resolver;
  SsrfGuard guard{resolver, true};
};

TEST_F(Fixture, DeliversSignedBodyOnce) {
  WebhookReceiver receiver;
  Deliverer deliverer(guard, fast_policy());
  const auto out = deliverer.deliver(receiver.url(), "secret-0123456789", message());
  EXPECT_TRUE(out.delivered) << out.error;
  ASSERT_EQ(receiver.count(), 1u);
  const auto req = receiver.requests().front();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/hook");
  EXPECT_EQ(req.body, message().body);
  EXPECT_EQ(req.headers.at("content-type"), "application/json");
  EXPECT_EQ(req.headers.at("x-decnet-event-id"), "00112233445566778899aabbccddeeff");
  EXPECT_EQ(req.headers.at("host"), "127.0.0.1:" + std::to_string(receiver.port()));
  EXPECT_EQ(req.headers.at("x-decnet-signature").substr(0, 7), "sha256=");
}

TEST_F(Fixture, RetriesServerErrorsAndRateLimitsThenSucceeds) {
  WebhookReceiver receiver({{.status = 500}, {.status = 429}, {.status = 503}, {.status = 204}});
  Deliverer deliverer(guard, fast_policy());
  const auto out = deliverer.deliver(receiver.url(), "secret-0123456789", message());
  EXPECT_TRUE(out.delivered);
  ASSERT_EQ(out.attempts.size(), 4u);
  EXPECT_EQ(out.attempts[0].error, "http 500");
  EXPECT_EQ(out.attempts[1].error, "http 429");
  EXPECT_EQ(*out.attempts[3].status, 204);
  // Identical bytes and signature on every attempt.
  const auto reqs = receiver.requests();
  for (const auto& r : reqs) {
    EXPECT_EQ(r.body, reqs.front().body);
    EXPECT_EQ(r.headers.at("x-decnet-signature"), reqs.front().headers.at("x-decnet-signature"));
  }
}

TEST_F(Fixture, GivesUpAfterFourAttemptsWithTheLastError) {
  WebhookReceiver receiver({{.status = 502}});
  Deliverer deliverer(guard, fast_policy());
  const auto out = deliverer.deliver(receiver.url(), "secret-0123456789", message());
  EXPECT_FALSE(out.delivered);
  EXPECT_EQ(out.attempts.size(), 4u);
  EXPECT_EQ(receiver.count(), 4u);
  EXPECT_EQ(out.error, "http 502");
  EXPECT_EQ(*out.status, 502);
}

TEST_F(Fixture, ClientErrorsAndRedirectsAreFinal) {
  WebhookReceiver target;
  WebhookReceiver redirecting({{.status = 302, .headers = {{"Location", target.url("/moved")}}}});
  Deliverer deliverer(guard, fast_policy());
  auto out = deliverer.deliver(redirecting.url(), "secret-0123456789", message());
  EXPECT_FALSE(out.delivered);
  EXPECT_EQ(out.attempts.size(), 1u);
  EXPECT_EQ(out.error, "non-retryable 302");
  EXPECT_EQ(target.count(), 0u);  // the redirect was not followed
  WebhookReceiver refusing({{.status = 401}});
  out = deliverer.deliver(refusing.url(), "secret-0123456789", message());
  EXPECT_EQ(out.attempts.size(), 1u);
  EXPECT_EQ(out.error, "non-retryable 401");
}

TEST_F(Fixture, HonoursRetryAfter) {
  WebhookReceiver receiver({{.status = 429, .headers = {{"Retry-After", "1"}}}, {.status = 200}});
  Deliverer deliverer(guard, fast_policy());
  const auto out = deliverer.deliver(receiver.url(), "secret-0123456789", message());
  EXPECT_TRUE(out.delivered);
  const auto reqs = receiver.requests();
  ASSERT_EQ(reqs.size(), 2u);
  // The schedule alone would wait about 20 ms; the receiver asked for a second.
  EXPECT_GE(reqs[1].at - reqs[0].at, milliseconds(950));
}

TEST_F(Fixture, AHangingReceiverTimesOutAndIsRetried) {
  WebhookReceiver receiver({{.hang = true}, {.status = 200}});
  auto policy = fast_policy();
  policy.timeout = milliseconds(300);
  Deliverer deliverer(guard, policy);
  const auto out = deliverer.deliver(receiver.url(), "secret-0123456789", message());
  EXPECT_TRUE(out.delivered);
  ASSERT_EQ(out.attempts.size(), 2u);
  EXPECT_FALSE(out.attempts[0].status);
  EXPECT_NE(out.attempts[0].error.find("imeout"), std::string::npos) << out.attempts[0].error;
}

TEST_F(Fixture, AForbiddenDestinationIsNeverContacted) {
  WebhookReceiver receiver;
  SsrfGuard strict(resolver, false);
  Deliverer deliverer(strict, fast_policy());
  const auto out = deliverer.deliver(receiver.url(), "secret-0123456789", message());
  EXPECT_FALSE(out.delivered);
  EXPECT_TRUE(out.attempts.empty());
  EXPECT_NE(out.error.find("forbidden address 127.0.0.1"), std::string::npos) << out.error;
  EXPECT_EQ(receiver.count(), 0u);
}

TEST_F(Fixture, ShutdownInterruptsTheWaitBetweenAttempts) {
  WebhookReceiver receiver({{.status = 500}});
  auto policy = fast_policy();
  policy.schedule = {std::chrono::seconds(30)};
  Deliverer deliverer(guard, policy);
  const auto out = deliverer.deliver(receiver.url(), "secret-0123456789", message(),
                                     [](milliseconds) { return false; });
  EXPECT_FALSE(out.delivered);
  EXPECT_EQ(receiver.count(), 1u);
  EXPECT_NE(out.error.find("shutdown"), std::string::npos);
}

}  // namespace
}  // namespace decnet::webhook
