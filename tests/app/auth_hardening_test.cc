// Authentication against a running `decnet serve`, as an attacker and as an unlucky operator:
// what outlives a token (SSE tickets, open streams) dies with it, nobody can lock the admin out
// by failing on purpose, and answers carrying tokens or user records are never cached.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>

#include "serve_support.h"

namespace decnet::app {
namespace {

using namespace decnet::testing;
using nlohmann::json;

std::string login(int port, const std::string& user, const std::string& password) {
  const auto r = curl_json(port, "POST", "/api/v1/auth/login", "",
                           json{{"username", user}, {"password", password}}.dump());
  return r.status == 200 ? r.body["access_token"].get<std::string>() : std::string();
}

std::string ticket(int port, const std::string& token) {
  const auto r = curl_json(port, "POST", "/api/v1/auth/sse-ticket", token);
  return r.status == 200 ? r.body["ticket"].get<std::string>() : std::string();
}

// An open event stream, read by curl as a dashboard would.
class Stream {
 public:
  Stream(int port, const std::string& ticket)
      : curl_({"curl", "-s", "-N", "-o", "-", "-w", "\nstatus=%{http_code}\n",
               "http://127.0.0.1:" + std::to_string(port) +
                   "/api/v1/stream?topics=system.%3E&ticket=" + ticket}) {}
  bool connected() {
    return wait_until([&] { return curl_.output().find(": connected") != std::string::npos; });
  }
  // curl exits when the server ends the stream.
  bool ended() {
    return wait_until([&] { return !curl_.running(); }, std::chrono::seconds(15));
  }
  std::string output() const { return curl_.output(); }

 private:
  ChildProcess curl_;
};

TEST(AuthHardening, TicketsAndStreamsDieWithTheirToken) {
  ServeProcess serve;
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  const int port = serve.api_port();
  const auto password = std::string(ServeProcess::kAdminPassword);
  ASSERT_FALSE(serve.admin_token().empty());

  // A ticket issued before logout no longer opens a stream after it.
  auto token = login(port, "admin", password);
  const auto early = ticket(port, token);
  ASSERT_FALSE(early.empty());
  ASSERT_EQ(curl_json(port, "POST", "/api/v1/auth/logout", token).status, 200);
  Stream refused(port, early);
  ASSERT_TRUE(refused.ended());
  EXPECT_NE(refused.output().find("status=401"), std::string::npos) << refused.output();

  // An open stream ends at logout.
  token = login(port, "admin", password);
  Stream at_logout(port, ticket(port, token));
  ASSERT_TRUE(at_logout.connected()) << at_logout.output();
  ASSERT_EQ(curl_json(port, "POST", "/api/v1/auth/logout", token).status, 200);
  EXPECT_TRUE(at_logout.ended()) << at_logout.output();

  // ...and at a password change.
  token = login(port, "admin", password);
  Stream at_change(port, ticket(port, token));
  ASSERT_TRUE(at_change.connected());
  const auto changed = curl_json(
      port, "POST", "/api/v1/auth/change-password", token,
      json{{"old_password", password}, {"new_password", "yet-another-passphrase"}}.dump());
  ASSERT_EQ(changed.status, 200) << changed.raw;
  EXPECT_TRUE(at_change.ended());
  const auto admin = changed.body["access_token"].get<std::string>();

  // Another user's streams end when an admin deletes them or changes their role.
  for (const std::string action : {"role", "delete"}) {
    const auto name = "eve-" + action;
    const auto created = curl_json(port, "POST", "/api/v1/users", admin,
                                   json{{"username", name},
                                        {"password", "eve-long-passphrase"},
                                        {"role", "viewer"},
                                        {"must_change_password", false}}
                                       .dump());
    ASSERT_EQ(created.status, 201) << created.raw;
    const auto uuid = created.body["uuid"].get<std::string>();
    const auto eve = login(port, name, "eve-long-passphrase");
    Stream watching(port, ticket(port, eve));
    ASSERT_TRUE(watching.connected());
    if (action == "role") {
      ASSERT_EQ(curl_json(port, "PATCH", "/api/v1/users/" + uuid + "/role", admin,
                          json{{"role", "admin"}}.dump())
                    .status,
                200);
    } else {
      ASSERT_EQ(curl_json(port, "DELETE", "/api/v1/users/" + uuid, admin).status, 200);
    }
    EXPECT_TRUE(watching.ended()) << action;
  }
  EXPECT_EQ(serve.child().stop(SIGTERM), 0) << serve.output();
}

TEST(AuthHardening, FailingOnPurposeFromElsewhereDoesNotLockTheAdminOut) {
  ServeProcess serve;
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  ASSERT_FALSE(serve.admin_token().empty());
  const int port = serve.api_port();
  // Ten wrong passwords for admin from another address (127.0.0.2, as the API sees it)...
  for (int i = 0; i < 10; ++i) {
    SCOPED_TRACE(i);
    const auto r =
        run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--interface",
                     "127.0.0.2", "-X", "POST", "-H", "Content-Type: application/json", "--data",
                     R"({"username":"admin","password":"not-the-password"})",
                     "http://127.0.0.1:" + std::to_string(port) + "/api/v1/auth/login"});
    ASSERT_EQ(r.output, "401");
  }
  const auto again =
      run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--interface",
                   "127.0.0.2", "-X", "POST", "-H", "Content-Type: application/json", "--data",
                   R"({"username":"admin","password":"not-the-password"})",
                   "http://127.0.0.1:" + std::to_string(port) + "/api/v1/auth/login"});
  EXPECT_EQ(again.output, "429");
  // ...and the real admin, from their own address, still gets in, even after a typo of their own.
  EXPECT_TRUE(login(port, "admin", "a-mistyped-passphrase").empty());
  EXPECT_FALSE(login(port, "admin", ServeProcess::kAdminPassword).empty());
  EXPECT_EQ(serve.child().stop(SIGTERM), 0) << serve.output();
}

TEST(AuthHardening, TokensAndUserRecordsAreNeverCached) {
  ServeProcess serve;
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  const auto& token = serve.admin_token();
  const auto url = "http://127.0.0.1:" + std::to_string(serve.api_port());
  const auto head = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {"curl", "-s", "-o", "/dev/null", "-D", "-"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv).output;
  };
  const auto body = json{{"username", "admin"}, {"password", ServeProcess::kAdminPassword}}.dump();
  const auto login_head = head({"-X", "POST", "-H", "Content-Type: application/json", "--data",
                                body, url + "/api/v1/auth/login"});
  EXPECT_NE(login_head.find("Cache-Control: no-store"), std::string::npos) << login_head;
  const auto users_head = head({"-H", "Authorization: Bearer " + token, url + "/api/v1/users"});
  EXPECT_NE(users_head.find("Cache-Control: no-store"), std::string::npos) << users_head;
  const auto change_head = head(
      {"-X", "POST", "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json",
       "--data",
       json{{"old_password", "wrong-old-password"}, {"new_password", "whatever-passphrase"}}.dump(),
       url + "/api/v1/auth/change-password"});
  EXPECT_NE(change_head.find("Cache-Control: no-store"), std::string::npos) << change_head;
  EXPECT_EQ(serve.child().stop(SIGTERM), 0) << serve.output();
}

}  // namespace
}  // namespace decnet::app
