// The delivered body and its signatures. Signatures are checked with an independent
// implementation: the openssl command line over the exact bytes.
#include "webhook/webhook_message.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests_support.h"
#include "webhook/secret_box.h"
#include "webhook/webhook_error.h"

namespace decnet::webhook {
namespace {

using namespace decnet::testing;

bus::Event sample_event() {
  bus::Event e;
  e.id = "0123456789abcdef0123456789abcdef";
  e.topic = "attacker.observed";
  e.type = "observed";
  e.ts = 1767323045.5;  // 2026-01-02T03:04:05.5Z
  e.payload = {{"zeta", 1}, {"attacker_ip", "203.0.113.9"}, {"nested", {{"b", 2}, {"a", "é"}}}};
  return e;
}

std::string openssl_hmac(const TempDir& dir, const std::string& key, const std::string& data) {
  const auto file = dir / "body.bin";
  std::ofstream(file, std::ios::binary) << data;
  const auto r = run_command({"openssl", "dgst", "-sha256", "-hmac", key, file.string()});
  EXPECT_EQ(r.status, 0) << r.output;
  const auto eq = r.output.rfind("= ");
  return r.output.substr(eq + 2, 64);
}

TEST(WebhookMessage, BodyIsCompactSortedRawUtf8) {
  const auto m = event_message(sample_event());
  EXPECT_EQ(m.id, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(m.topic, "attacker.observed");
  EXPECT_EQ(m.body,
            "{\"id\":\"0123456789abcdef0123456789abcdef\",\"payload\":{\"attacker_ip\":"
            "\"203.0.113.9\",\"nested\":{\"a\":\"é\",\"b\":2},\"zeta\":1},\"topic\":"
            "\"attacker.observed\",\"ts\":\"2026-01-02T03:04:05.500000+00:00\",\"type\":"
            "\"observed\",\"v\":1}");
}

TEST(WebhookMessage, MissingIdGetsOneIdForBodyAndHeader) {
  auto e = sample_event();
  e.id.clear();
  const auto m = event_message(e);
  ASSERT_EQ(m.id.size(), 32u);
  EXPECT_NE(m.body.find("\"id\":\"" + m.id + "\""), std::string::npos);
  EXPECT_EQ(signed_headers(m, "k", 1).at("X-DECNET-Event-Id"), m.id);
}

TEST(WebhookMessage, InvalidUtf8InAPayloadDoesNotThrow) {
  auto e = sample_event();
  e.payload = {{"raw", std::string("bad\xff\xfe", 5)}};
  EXPECT_NO_THROW(event_message(e));
}

TEST(WebhookMessage, SignaturesVerifyWithOpenssl) {
  TempDir dir;
  const auto m = event_message(sample_event());
  const std::string secret = "s3cret-for-the-siem-receiver";
  const auto headers = signed_headers(m, secret, 1767323045);
  EXPECT_EQ(headers.at("X-DECNET-Signature"), "sha256=" + openssl_hmac(dir, secret, m.body));
  EXPECT_EQ(headers.at("X-DECNET-Timestamp"), "1767323045");
  EXPECT_EQ(headers.at("X-DECNET-Signature-V2"),
            "t=1767323045,sha256=" + openssl_hmac(dir, secret, "1767323045." + m.body));
  EXPECT_EQ(headers.at("User-Agent"), "decnet-webhook/1.0");
  EXPECT_EQ(headers.at("X-DECNET-Event-Topic"), "attacker.observed");
  // A different secret or a changed byte gives a different signature.
  EXPECT_NE(signed_headers(m, secret + "x", 1767323045).at("X-DECNET-Signature"),
            headers.at("X-DECNET-Signature"));
}

TEST(WebhookMessage, BatchCarriesEveryEventInTheSingleShape) {
  auto a = std::make_shared<const bus::Event>(sample_event());
  auto b_event = sample_event();
  b_event.id = "ffffffffffffffffffffffffffffffff";
  auto b = std::make_shared<const bus::Event>(b_event);
  const auto m = batch_message({a, b});
  const auto j = nlohmann::json::parse(m.body);
  EXPECT_EQ(j["count"], 2);
  EXPECT_EQ(j["type"], "batch");
  EXPECT_EQ(j["events"][0].dump(), nlohmann::json::parse(event_message(*a).body).dump());
  EXPECT_EQ(j["events"][1]["id"], "ffffffffffffffffffffffffffffffff");
  EXPECT_EQ(m.topic, "batch");
}

TEST(SecretBox, SealsAndOpensOnlyWithItsKey) {
  TempDir dir;
  const auto box = SecretBox::from_key_file(dir / "webhook.key");
  const auto sealed = box.seal("my-hmac-secret-0123456789");
  EXPECT_EQ(sealed.find("my-hmac-secret"), std::string::npos);
  EXPECT_EQ(box.open(sealed), "my-hmac-secret-0123456789");
  EXPECT_NE(box.seal("my-hmac-secret-0123456789"), sealed);  // fresh nonce each time
  // The same key file opens it again (a restart); another key does not.
  EXPECT_EQ(SecretBox::from_key_file(dir / "webhook.key").open(sealed),
            "my-hmac-secret-0123456789");
  EXPECT_THROW(SecretBox::from_key_file(dir / "other.key").open(sealed), WebhookError);
  auto tampered = sealed;
  tampered.back() = static_cast<char>(tampered.back() ^ 1);
  EXPECT_THROW(box.open(tampered), WebhookError);
  EXPECT_THROW(box.open("v1short"), WebhookError);
  EXPECT_EQ(std::filesystem::status(dir / "webhook.key").permissions() &
                std::filesystem::perms::group_all,
            std::filesystem::perms::none);
}

TEST(SecretBox, GeneratedSecretsAreLongAndDistinct) {
  const auto a = generate_secret();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, generate_secret());
}

}  // namespace
}  // namespace decnet::webhook
