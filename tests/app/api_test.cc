// The API as `decnet serve` runs it: first-start admin, login with curl, the forced password
// change, health, OpenAPI and metrics.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests_support.h"

namespace decnet::app {
namespace {

using namespace decnet::testing;

TEST(ServeApi, FirstAdminMustChangePasswordThenWorks) {
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
  std::smatch m;
  const auto out = serve.output();
  ASSERT_TRUE(std::regex_search(out, m, std::regex("admin user 'admin' with password: (\\S+)")))
      << out;
  const std::string password = m[1];
  // The generated password is shown once, in the banner, and in no log line.
  EXPECT_EQ(out.find(password), out.rfind(password));

  EXPECT_EQ(curl_json(api, "GET", "/api/v1/health").status, 200);
  const auto bad = curl_json(api, "POST", "/api/v1/auth/login", "",
                             R"({"username":"admin","password":"wrong-password-123"})");
  EXPECT_EQ(bad.status, 401);
  auto login = curl_json(api, "POST", "/api/v1/auth/login", "",
                         nlohmann::json{{"username", "admin"}, {"password", password}}.dump());
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_TRUE(login.body["must_change_password"].get<bool>());
  const auto first = login.body["access_token"].get<std::string>();
  EXPECT_EQ(curl_json(api, "POST", "/api/v1/auth/sse-ticket", first).status, 403);
  EXPECT_EQ(curl_json(api, "GET", "/api/v1/auth/me", first).status, 200);
  const auto changed = curl_json(
      api, "POST", "/api/v1/auth/change-password", first,
      nlohmann::json{{"old_password", password}, {"new_password", "a-new-long-passphrase"}}.dump());
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(curl_json(api, "GET", "/api/v1/auth/me", first).status, 401);  // earlier token is dead
  const auto second = changed.body["access_token"].get<std::string>();
  EXPECT_EQ(curl_json(api, "POST", "/api/v1/auth/sse-ticket", second).status, 200);
  // Workers: every component's heartbeat is visible, and the API can ask one to stop.
  const auto workers = curl_json(api, "GET", "/api/v1/workers", second);
  ASSERT_EQ(workers.status, 200) << workers.body;
  bool ingest_ok = false;
  for (const auto& w : workers.body["workers"]) {
    ingest_ok |= w["name"] == "ingest" && w["status"] == "ok";
  }
  EXPECT_TRUE(ingest_ok) << workers.body;
  EXPECT_EQ(curl_json(api, "POST", "/api/v1/workers/nope/stop", second).status, 404);
  const auto config = curl_json(api, "GET", "/api/v1/config", second);
  ASSERT_EQ(config.status, 200);
  for (const auto& setting : config.body["settings"]) {
    if (setting["name"] == "DECNET_JWT_SECRET") {
      EXPECT_EQ(setting["value"], "(unset)");
    }
  }

  // Live stream: a ticket, then an event published by ingest arrives over SSE.
  const auto ticket = curl_json(api, "POST", "/api/v1/auth/sse-ticket", second);
  ASSERT_EQ(ticket.status, 200);
  ChildProcess stream(
      {"curl", "-s", "-N",
       "http://127.0.0.1:" + std::to_string(api) +
           "/api/v1/stream?topics=system.log&ticket=" + ticket.body["ticket"].get<std::string>()});
  ASSERT_TRUE(wait_until([&] { return stream.output().find(": connected") != std::string::npos; }))
      << stream.output();
  // The ticket is single use.
  EXPECT_EQ(
      curl_json(api, "GET", "/api/v1/stream?ticket=" + ticket.body["ticket"].get<std::string>())
          .status,
      401);
  ASSERT_TRUE(wait_until([&] {
    run_command({"logger", "--rfc5424", "--tcp", "--octet-count", "-n", "127.0.0.1", "-P",
                 std::to_string(syslog_port), "-t", "ssh", "--msgid", "connect", "--sd-id",
                 "relay@55555", "--sd-param", "src_ip=\"203.0.113.77\"", "hello"});
    return stream.output().find("203.0.113.77") != std::string::npos;
  })) << stream.output();
  EXPECT_NE(stream.output().find("event: system.log"), std::string::npos);
  stream.stop(SIGTERM);

  EXPECT_EQ(curl_json(api, "POST", "/api/v1/auth/logout", second).status, 200);
  EXPECT_EQ(curl_json(api, "GET", "/api/v1/auth/me", second).status, 401);
  const auto openapi = curl_json(api, "GET", "/api/v1/openapi.json");
  ASSERT_EQ(openapi.status, 200);
  EXPECT_EQ(openapi.body["openapi"], "3.1.0");
  EXPECT_TRUE(openapi.body["paths"].contains("/api/v1/auth/login"));
  EXPECT_EQ(serve.stop(SIGTERM), 0) << serve.output();
}

}  // namespace
}  // namespace decnet::app
