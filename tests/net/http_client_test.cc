// The one outbound HTTP client against a real loopback HTTP server: bodies and their cap,
// Retry-After, redirects left alone, and a pinned address that keeps the URL's host name.
#include <gtest/gtest.h>

#include "net/http_client.h"
#include "webhook_receiver.h"

namespace decnet::net {
namespace {

using decnet::testing::ScriptedReply;
using decnet::testing::WebhookReceiver;

TEST(RetryAfter, DelaySecondsAndHttpDatesOnly) {
  const std::time_t now = 1'445'412'480;  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(parse_retry_after("120", now), std::chrono::seconds(120));
  EXPECT_EQ(parse_retry_after("  7 \r\n", now), std::chrono::seconds(7));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now), std::chrono::seconds(120));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), std::chrono::seconds(0));
  for (const char* bad : {"", "-5", "12abc", "9999999999", "soon", "1.5"}) {
    EXPECT_FALSE(parse_retry_after(bad, now)) << bad;
  }
}

TEST(HttpClient, PostsAndReadsTheAnswerWithItsRetryAfter) {
  WebhookReceiver receiver({ScriptedReply{.status = 429, .headers = {{"Retry-After", "3"}}}});
  HttpRequest request;
  request.method = "POST";
  request.url = receiver.url();
  request.headers = {{"Content-Type", "application/json"}, {"X-Test", "1"}};
  request.body = R"({"a":1})";
  const auto response = http_request(request);
  ASSERT_TRUE(response.status) << response.error;
  EXPECT_EQ(*response.status, 429);
  EXPECT_EQ(response.retry_after, std::chrono::seconds(3));
  const auto got = receiver.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, R"({"a":1})");
  EXPECT_EQ(got[0].headers.at("x-test"), "1");
}

TEST(HttpClient, TheAnswerIsCappedOrRefusedPastItsLimit) {
  WebhookReceiver receiver({ScriptedReply{.body = std::string(5000, 'b')}});
  HttpRequest request;
  request.url = receiver.url();
  request.max_body = 100;
  auto response = http_request(request);
  EXPECT_FALSE(response.status);
  EXPECT_TRUE(response.too_large);
  request.truncate_body = true;
  response = http_request(request);
  ASSERT_TRUE(response.status) << response.error;
  EXPECT_EQ(response.body, std::string(100, 'b'));
  EXPECT_TRUE(response.body_truncated);
}

TEST(HttpClient, RedirectsAreNotFollowed) {
  WebhookReceiver target;
  WebhookReceiver receiver(
      {ScriptedReply{.status = 302, .headers = {{"Location", target.url()}}, .body = ""}});
  HttpRequest request;
  request.url = receiver.url();
  const auto response = http_request(request);
  ASSERT_TRUE(response.status) << response.error;
  EXPECT_EQ(*response.status, 302);
  EXPECT_TRUE(target.requests().empty());
}

TEST(HttpClient, APinnedAddressIsWhereItConnectsWhileTheHostNameStays) {
  WebhookReceiver receiver;
  const auto port = static_cast<std::uint16_t>(receiver.port());
  HttpRequest request;
  request.url = "http://siem.invalid:" + std::to_string(port) + "/hook";
  request.pinned = PinnedAddress{"siem.invalid", port, "127.0.0.1"};
  request.use_environment_proxy = false;
  const auto response = http_request(request);
  ASSERT_TRUE(response.status) << response.error;
  const auto got = receiver.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].headers.at("host"), "siem.invalid:" + std::to_string(port));
  EXPECT_EQ(got[0].target, "/hook");
}

}  // namespace
}  // namespace decnet::net
