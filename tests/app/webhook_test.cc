// Webhooks as `decnet serve` runs them: an admin creates a subscription over HTTP, a syslog line
// from a new attacker arrives through `logger`, and the local receiver gets attacker.observed
// with a signature that openssl verifies using the secret shown at creation. The secret never
// appears in the database file.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests_support.h"
#include "webhook_receiver.h"

namespace decnet::app {
namespace {

using namespace decnet::testing;
using nlohmann::json;

TEST(ServeWebhooks, NewAttackerReachesTheSiemSigned) {
  TempDir dir;
  WebhookReceiver receiver;
  const int api = free_port();
  const int syslog_port = free_port();
  const std::string first_password = "first-admin-passphrase";
  ChildProcess serve({decnet_binary(), "serve"},
                     {{"DECNET_DATA_DIR", (dir / "var").string()},
                      {"DECNET_CONFIG", (dir / "none.ini").string()},
                      {"DECNET_ADMIN_PASSWORD", first_password},
                      {"DECNET_WEBHOOK_ALLOW_PRIVATE", "true"},
                      {"DECNET_SYSLOG_TCP_PORT", std::to_string(syslog_port)},
                      {"DECNET_SYSLOG_UDP_PORT", std::to_string(free_port(true))},
                      {"DECNET_API_PORT", std::to_string(api)}});
  ASSERT_TRUE(wait_until([&] { return serve.output().find("ready") != std::string::npos; }))
      << serve.output();
  auto login = curl_json(api, "POST", "/api/v1/auth/login", "",
                         json{{"username", "admin"}, {"password", first_password}}.dump());
  ASSERT_EQ(login.status, 200) << login.body;
  const auto changed = curl_json(
      api, "POST", "/api/v1/auth/change-password", login.body["access_token"],
      json{{"old_password", first_password}, {"new_password", "a-new-long-passphrase"}}.dump());
  ASSERT_EQ(changed.status, 200) << changed.body;
  const auto token = changed.body["access_token"].get<std::string>();

  const auto created = curl_json(
      api, "POST", "/api/v1/webhooks", token,
      json{{"name", "siem"}, {"url", receiver.url()}, {"simple_events", {"AttackerDetail"}}}
          .dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const auto secret = created.body["secret"].get<std::string>();
  ASSERT_EQ(created.body["warnings"].size(), 1u);  // http:// is accepted with a warning

  const auto attacker_seen = [&] {
    for (const auto& r : receiver.requests()) {
      if (r.headers.count("x-decnet-event-topic") &&
          r.headers.at("x-decnet-event-topic") == "attacker.observed" &&
          r.body.find("198.51.100.23") != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  // The worker reloads on the change announcement; resend until the subscription is live.
  ASSERT_TRUE(wait_until([&] {
    run_command({"logger", "--rfc5424", "--tcp", "--octet-count", "-n", "127.0.0.1", "-P",
                 std::to_string(syslog_port), "-t", "ssh", "--msgid", "connect", "--sd-id",
                 "relay@55555", "--sd-param", "src_ip=\"198.51.100.23\"", "hello"});
    return attacker_seen();
  })) << serve.output();
  ReceivedRequest hit;
  for (const auto& r : receiver.requests()) {
    if (r.headers.at("x-decnet-event-topic") == "attacker.observed") hit = r;
  }
  const auto body_file = dir / "body.json";
  std::ofstream(body_file, std::ios::binary) << hit.body;
  const auto mac = run_command({"openssl", "dgst", "-sha256", "-hmac", secret, body_file.string()});
  ASSERT_EQ(mac.status, 0) << mac.output;
  EXPECT_EQ("sha256=" + mac.output.substr(mac.output.rfind("= ") + 2, 64),
            hit.headers.at("x-decnet-signature"));
  const auto delivered = json::parse(hit.body);
  EXPECT_EQ(delivered["v"], 1);
  EXPECT_EQ(delivered["payload"]["attacker_ip"], "198.51.100.23");

  const auto list = curl_json(api, "GET", "/api/v1/webhooks", token);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.dump().find(secret), std::string::npos);
  const auto uuid = created.body["uuid"].get<std::string>();
  EXPECT_TRUE(wait_until([&] {
    const auto log = curl_json(api, "GET", "/api/v1/webhooks/" + uuid + "/deliveries", token);
    return log.status == 200 && log.body["total"].get<int>() >= 1;
  }));

  EXPECT_EQ(serve.stop(SIGTERM), 0) << serve.output();
  std::ifstream db(dir / "var" / "decnet.db", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(db)), std::istreambuf_iterator<char>());
  EXPECT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.find(secret), std::string::npos);
  EXPECT_EQ(serve.output().find(secret), std::string::npos);  // never logged
}

}  // namespace
}  // namespace decnet::app
