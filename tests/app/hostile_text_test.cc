// Attacker-chosen text that is not UTF-8, sent as a real sensor would send it, must never break
// a response: every route that returns attacker data answers, with valid UTF-8 JSON, and so do
// the live stream and the overview. One such login used to turn GET /stats into a 500 for good.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/base64.h"
#include "core/utf8.h"
#include "serve_support.h"

namespace decnet::app {
namespace {

using namespace decnet::testing;

// Byte sequences no UTF-8 decoder may accept.
const std::vector<std::string> kInvalidSequences = {
    "\xff",                  // never valid
    "\xfe\xff",              // a UTF-16 byte-order mark
    "\xc0\xaf",              // overlong '/'
    "\xe0\x80\xaf",          // overlong, three bytes
    "\xed\xa0\x80",          // a UTF-16 surrogate
    "\xf4\x90\x80\x80",      // above U+10FFFF
    "\xe2\x82",              // truncated sequence
    "\x80\xbf",              // lone continuation bytes
    "\xf8\x88\x80\x80\x80",  // five-byte form
    "\xc3",                  // truncated at the very end
};

std::string sensor_line(const std::string& host, const std::string& app, const std::string& msgid,
                        const std::string& params, const std::string& message) {
  return "<38>1 2026-05-02T06:22:48.089309Z " + host + " " + app + " - " + msgid +
         " [relay@55555 " + params + "] " + message;
}

TEST(HostileText, InvalidUtf8InEveryFieldNeverBreaksAResponse) {
  ServeProcess serve;
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  const auto ticket = serve.api("POST", "/api/v1/auth/sse-ticket");
  ASSERT_EQ(ticket.status, 200);
  ChildProcess stream(
      {"curl", "-s", "-N",
       "http://127.0.0.1:" + std::to_string(serve.api_port()) +
           "/api/v1/stream?topics=%3E&ticket=" + ticket.body["ticket"].get<std::string>()});
  ASSERT_TRUE(wait_until([&] { return stream.output().find(": connected") != std::string::npos; }));

  std::string payload;
  int n = 0;
  for (const auto& bad : kInvalidSequences) {
    const std::string ip = "203.0.113." + std::to_string(10 + n++);
    const auto src = "src_ip=\"" + ip + "\"";
    // Five attempts each, so the username and password enter the all-time top ten.
    for (int i = 0; i < 5; ++i) {
      payload += octet_frame(sensor_line("decky-01", "ssh", "auth_attempt",
                                         src + " username=\"r" + bad + "ot\" secret_b64=\"" +
                                             core::base64_encode("pa" + bad + "ss") +
                                             "\" outcome=\"failure\"",
                                         "login " + bad));
    }
    payload += octet_frame(sensor_line(
        "decky-" + bad, "http" + bad, "request" + bad,
        src + " command=\"cat " + bad + "\" user_agent=\"curl" + bad + "\" path=\"/" + bad + "\"",
        "GET /" + bad));
    payload += octet_frame(sensor_line("decky-02", "smtp", "rcpt_to",
                                       src + " recipient=\"a" + bad + "@ex" + bad + ".test\"",
                                       "RCPT " + bad));
    payload += octet_frame("garbage " + bad + " not syslog");
  }
  {
    TcpClient sensor(serve.tcp_port());
    ASSERT_TRUE(sensor.connected());
    ASSERT_TRUE(sensor.send(payload));
  }
  const auto expected_attackers = static_cast<int>(kInvalidSequences.size());
  ASSERT_TRUE(wait_until([&] {
    const auto page = serve.api("GET", "/api/v1/attackers?limit=100");
    return page.status == 200 && page.body["total"].get<int>() >= expected_attackers;
  })) << serve.output();
  ASSERT_TRUE(wait_until([&] {
    const auto dead = serve.api("GET", "/api/v1/dead-letters?limit=100");
    return dead.status == 200 && dead.body["total"].get<int>() >= expected_attackers;
  }));

  // Every GET route, with path parameters filled from the data just stored.
  const auto attackers = serve.api("GET", "/api/v1/attackers?limit=1");
  const auto uuid = attackers.body["data"][0]["uuid"].get<std::string>();
  const auto creds = serve.api("GET", "/api/v1/credentials?limit=1");
  ASSERT_EQ(creds.status, 200) << creds.raw;
  ASSERT_FALSE(creds.body["data"].empty()) << creds.raw;
  const auto secret = creds.body["data"][0]["secret_sha256"].get<std::string>();
  const auto openapi = serve.api("GET", "/api/v1/openapi.json");
  ASSERT_EQ(openapi.status, 200);
  int checked = 0;
  for (const auto& [path, ops] : openapi.body["paths"].items()) {
    if (!ops.contains("get") || path == "/api/v1/stream") continue;
    std::string target = std::regex_replace(path, std::regex("\\{uuid\\}"), uuid);
    target = std::regex_replace(target, std::regex("\\{sha256\\}"), secret);
    if (target.find('{') != std::string::npos) continue;  // ids of things not made here
    const auto reply = serve.api("GET", target);
    SCOPED_TRACE(target);
    EXPECT_LT(reply.status, 500) << reply.raw;
    EXPECT_TRUE(core::is_valid_utf8(reply.raw));
    if (path != "/metrics") {
      EXPECT_FALSE(reply.body.is_discarded()) << reply.raw.substr(0, 300);
    }
    ++checked;
  }
  EXPECT_GE(checked, 12);
  const auto stats = serve.api("GET", "/api/v1/stats");
  ASSERT_EQ(stats.status, 200) << stats.raw;
  EXPECT_NE(stats.raw.find("r\xEF\xBF\xBDot"), std::string::npos) << stats.raw.substr(0, 2000);

  ASSERT_TRUE(wait_until([&] {
    return stream.output().find("credential.captured") != std::string::npos;
  })) << stream.output().substr(0, 2000);
  EXPECT_TRUE(core::is_valid_utf8(stream.output()));
  stream.stop(SIGTERM);
  EXPECT_EQ(serve.child().stop(SIGTERM), 0) << serve.output();
}

}  // namespace
}  // namespace decnet::app
