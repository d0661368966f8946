// The route table without a network: matching, the access gates, validation order and error
// shapes, the OpenAPI document generated from the table, the Prometheus registry and the SSE
// frame buffer. The Authenticator is a map from token to Principal (a test double of the
// interface; the real one is tested with the auth code).
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <map>
#include <sstream>
#include <thread>

#include "api/http/api_error.h"
#include "api/http/event_stream.h"
#include "api/http/metrics.h"
#include "api/http/route_table.h"
#include "store/query_deadline.h"
#include "store/store_error.h"
#include "token_authenticator.h"

namespace decnet::api {
namespace {

Principal make_principal(Role role, bool must_change = false) {
  Principal p;
  p.user_uuid = "11111111-2222-4333-8444-555555555555";
  p.username = role == Role::kAdmin ? "root" : "eve";
  p.role = role;
  p.must_change_password = must_change;
  return p;
}

Handler echo(std::string tag) {
  return [tag](const Request& req, const Principal* who) {
    nlohmann::json body = {{"route", tag}, {"params", req.path_params}};
    if (who) body["user"] = who->username;
    if (!req.json.is_null()) body["json"] = req.json;
    return api::json(200, body);
  };
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : router(&auth) {
    auth.tokens["viewer"] = make_principal(Role::kViewer);
    auth.tokens["admin"] = make_principal(Role::kAdmin);
    auth.tokens["fresh"] = make_principal(Role::kAdmin, true);
  }

  Router::Outcome call(std::string method, std::string target, std::string token = {},
                       std::string body = {}, std::string content_type = "application/json") {
    Request req;
    req.method = std::move(method);
    req.set_target(target);
    req.peer_address = "127.0.0.1";
    if (!token.empty()) req.headers["Authorization"] = "Bearer " + token;
    if (!body.empty()) {
      req.body = std::move(body);
      req.headers["content-type"] = content_type;
    }
    return router.handle(req);
  }

  static nlohmann::json body_of(const Router::Outcome& o) {
    return nlohmann::json::parse(o.response.body);
  }

  TokenAuthenticator auth;
  Router router;
};

TEST_F(RouterTest, LiteralSegmentsBeatParametersWhateverTheOrder) {
  router.add({.method = "GET", .path = "/api/v1/attackers/{uuid}", .handler = echo("one")});
  router.add({.method = "GET", .path = "/api/v1/attackers/export", .handler = echo("export")});
  router.add({.method = "GET", .path = "/api/v1/x/{a}/y", .handler = echo("a-y")});
  router.add({.method = "GET", .path = "/api/v1/x/b/{c}", .handler = echo("b-c")});

  auto o = call("GET", "/api/v1/attackers/export", "viewer");
  EXPECT_EQ(o.response.status, 200);
  EXPECT_EQ(body_of(o)["route"], "export");
  EXPECT_EQ(o.route, "/api/v1/attackers/export");

  o = call("GET", "/api/v1/attackers/AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE", "viewer");
  EXPECT_EQ(o.response.status, 200);
  EXPECT_EQ(body_of(o)["params"]["uuid"], "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
  EXPECT_EQ(body_of(o)["user"], "eve");

  // Leftmost literal decides: /x/b/y matches both patterns; /x/b/{c} is more specific.
  EXPECT_EQ(body_of(call("GET", "/api/v1/x/b/y", "viewer"))["route"], "b-c");
  EXPECT_EQ(body_of(call("GET", "/api/v1/x/q%20r/y", "viewer"))["params"]["a"], "q r");
}

TEST_F(RouterTest, UnknownPathIs404AndOtherMethodIs405WithAllow) {
  router.add({.method = "GET", .path = "/api/v1/things/{name}", .handler = echo("get")});
  router.add({.method = "DELETE", .path = "/api/v1/things/{name}", .handler = echo("del")});
  auto o = call("GET", "/api/v1/nothing", "viewer");
  EXPECT_EQ(o.response.status, 404);
  EXPECT_EQ(o.route, "");
  EXPECT_EQ(body_of(o)["detail"], "Not Found");

  o = call("PUT", "/api/v1/things/x", "viewer");
  EXPECT_EQ(o.response.status, 405);
  EXPECT_EQ(o.response.headers.at("allow"), "DELETE, GET");
  EXPECT_EQ(call("GET", "/api/v1/things/", "viewer").response.status, 404);
}

TEST_F(RouterTest, AnswersAreNeverStoredByCachesUnlessTheRouteSaysOtherwise) {
  router.add({.method = "POST",
              .path = "/api/v1/auth/login",
              .access = Access::kPublic,
              .handler = echo("login")});
  router.add(
      {.method = "GET", .path = "/api/v1/stream", .handler = [](const Request&, const Principal*) {
         auto r = api::json(200, nlohmann::json::object());
         r.headers["Cache-Control"] = "no-cache";
         return r;
       }});
  router.set_fallback([](const Request&) {
    auto r = Response::text(200, "<html>");
    r.headers["Cache-Control"] = "public, max-age=60";
    return std::optional<Response>(r);
  });
  EXPECT_EQ(call("POST", "/api/v1/auth/login", "", "{}").response.headers.at("cache-control"),
            "no-store");
  EXPECT_EQ(call("GET", "/api/v1/users", "").response.headers.at("cache-control"),
            "public, max-age=60");  // the static fallback keeps its own
  EXPECT_EQ(call("GET", "/api/v1/stream", "").response.headers.at("cache-control"), "no-store");
  EXPECT_EQ(call("GET", "/api/v1/stream", "viewer").response.headers.at("cache-control"),
            "no-cache");
}

TEST_F(RouterTest, AQueryPastItsBudgetIs503WithRetryAfterAndFastRoutesHaveNoBudget) {
  router.set_query_timeout(std::chrono::milliseconds(30));
  bool had_deadline_on_fast = true;
  router.add({.method = "GET",
              .path = "/api/v1/logs",
              .handler = [](const Request&, const Principal*) -> Response {
                EXPECT_TRUE(store::QueryDeadline::current());
                throw store::StoreError(store::StoreError::Kind::kTimeout, "interrupted");
              }});
  router.add({.method = "GET",
              .path = "/api/v1/health",
              .access = Access::kPublic,
              .lane = Lane::kFast,
              .handler = [&](const Request&, const Principal*) {
                had_deadline_on_fast = store::QueryDeadline::current().has_value();
                return api::json(200, nlohmann::json::object());
              }});
  const auto o = call("GET", "/api/v1/logs", "viewer");
  EXPECT_EQ(o.response.status, 503);
  EXPECT_EQ(o.response.headers.at("retry-after"), "1");
  EXPECT_EQ(call("GET", "/api/v1/health").response.status, 200);
  EXPECT_FALSE(had_deadline_on_fast);
  Request req;
  req.method = "GET";
  req.set_target("/api/v1/health");
  EXPECT_EQ(router.lane_of(req), Lane::kFast);
  req.set_target("/api/v1/logs?search=x");
  EXPECT_EQ(router.lane_of(req), Lane::kQuery);
  req.set_target("/index.html");
  EXPECT_EQ(router.lane_of(req), Lane::kFast);
}

TEST_F(RouterTest, DuplicateOrMalformedRoutesAreRejectedAtRegistration) {
  router.add({.method = "GET", .path = "/api/v1/a/{uuid}", .handler = echo("a")});
  EXPECT_THROW(router.add({.method = "GET", .path = "/api/v1/a/{other}", .handler = echo("b")}),
               std::invalid_argument);
  EXPECT_NO_THROW(router.add({.method = "POST", .path = "/api/v1/a/{uuid}", .handler = echo("c")}));
  EXPECT_THROW(router.add({.method = "GET", .path = "/api/v1/b/x{y}", .handler = echo("d")}),
               std::invalid_argument);
  EXPECT_THROW(router.add({.method = "GET", .path = "/api/v1/c/{y}/{y}", .handler = echo("e")}),
               std::invalid_argument);
  EXPECT_THROW(router.add({.method = "GET", .path = "/api/v1/no-handler"}), std::invalid_argument);
}

TEST_F(RouterTest, AccessGates) {
  router.add({.method = "GET", .path = "/p", .access = Access::kPublic, .handler = echo("p")});
  router.add({.method = "GET", .path = "/v", .access = Access::kViewer, .handler = echo("v")});
  router.add({.method = "GET", .path = "/a", .access = Access::kAdmin, .handler = echo("a")});
  router.add({.method = "POST",
              .path = "/pw",
              .access = Access::kAuthenticated,
              .allowed_while_must_change_password = true,
              .handler = echo("pw")});

  EXPECT_EQ(call("GET", "/p").response.status, 200);
  auto o = call("GET", "/v");
  EXPECT_EQ(o.response.status, 401);
  EXPECT_EQ(o.response.headers.at("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(call("GET", "/v", "forged").response.status, 401);
  EXPECT_EQ(call("GET", "/v", "viewer").response.status, 200);
  EXPECT_EQ(call("GET", "/a", "viewer").response.status, 403);
  EXPECT_EQ(body_of(call("GET", "/a", "viewer"))["detail"], "Insufficient permissions");
  EXPECT_EQ(call("GET", "/a", "admin").response.status, 200);

  o = call("GET", "/v", "fresh");
  EXPECT_EQ(o.response.status, 403);
  EXPECT_EQ(body_of(o)["detail"], "password change required");
  EXPECT_EQ(call("POST", "/pw", "fresh").response.status, 200);
  EXPECT_EQ(call("POST", "/pw", "viewer").response.status, 200);
  EXPECT_EQ(call("POST", "/pw").response.status, 401);

  Request lower;
  lower.method = "GET";
  lower.set_target("/v");
  lower.headers["authorization"] = "bearer viewer";
  EXPECT_EQ(router.handle(lower).response.status, 200);
}

TEST_F(RouterTest, JsonBodyContentTypeSyntaxAndOrderOfChecks) {
  router.add({.method = "POST",
              .path = "/api/v1/things",
              .access = Access::kAdmin,
              .json_body = true,
              .handler = echo("post")});
  auto o = call("POST", "/api/v1/things", "admin", R"({"a":1})", "application/json; charset=utf-8");
  EXPECT_EQ(o.response.status, 200);
  EXPECT_EQ(body_of(o)["json"]["a"], 1);

  o = call("POST", "/api/v1/things", "admin", R"({"a":1})", "text/plain");
  EXPECT_EQ(o.response.status, 415);
  EXPECT_EQ(call("POST", "/api/v1/things", "admin", "{\"a\":", "application/json").response.status,
            400);
  EXPECT_EQ(body_of(call("POST", "/api/v1/things", "admin", "{", "application/json"))["detail"],
            "malformed JSON body");
  EXPECT_EQ(call("POST", "/api/v1/things", "admin").response.status, 400);
  // Unauthenticated callers get 401 before their body is looked at.
  EXPECT_EQ(call("POST", "/api/v1/things", "", "{", "application/json").response.status, 401);
  EXPECT_EQ(call("POST", "/api/v1/things", "viewer", "{", "application/json").response.status, 403);
}

TEST_F(RouterTest, QueryAndUuidValidationNameTheField) {
  router.add(
      {.method = "GET",
       .path = "/api/v1/attackers/{uuid}/commands",
       .query = {{.name = "limit", .type = ParamType::kInt, .min = 1, .max = 200},
                 {.name = "sort_by", .type = ParamType::kEnum, .choices = {"recent", "active"}},
                 {.name = "search", .max = 4},
                 {.name = "exact", .type = ParamType::kBool},
                 {.name = "service", .required = true}},
       .handler = [](const Request& req, const Principal*) {
         return api::json(200, {{"limit", req.query_int("limit", 50)},
                                {"exact", req.query_bool("exact", false)},
                                {"service", req.query_string("service")}});
       }});
  const std::string base = "/api/v1/attackers/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/commands";
  auto o = call("GET", base + "?service=ssh&limit=7&exact=TRUE&search=%C3%A9t%C3%A9", "viewer");
  ASSERT_EQ(o.response.status, 200) << o.response.body;
  EXPECT_EQ(body_of(o)["limit"], 7);
  EXPECT_EQ(body_of(o)["exact"], true);

  auto field_of = [&](const std::string& target) {
    const auto out = call("GET", target, "viewer");
    EXPECT_EQ(out.response.status, 422) << target;
    const auto b = body_of(out);
    EXPECT_EQ(b["detail"], "Invalid request parameters");
    return b["errors"][0]["field"].get<std::string>();
  };
  EXPECT_EQ(field_of(base + "?service=ssh&limit=abc"), "limit");
  EXPECT_EQ(field_of(base + "?service=ssh&limit=0"), "limit");
  EXPECT_EQ(field_of(base + "?service=ssh&limit=201"), "limit");
  EXPECT_EQ(field_of(base + "?service=ssh&limit=5x"), "limit");
  EXPECT_EQ(field_of(base + "?service=ssh&sort_by=oldest"), "sort_by");
  EXPECT_EQ(field_of(base + "?service=ssh&search=abcde"), "search");
  EXPECT_EQ(field_of(base + "?service=ssh&exact=maybe"), "exact");
  EXPECT_EQ(field_of(base), "service");
  EXPECT_EQ(field_of("/api/v1/attackers/not-a-uuid/commands?service=ssh"), "uuid");
  // Authentication still comes first.
  EXPECT_EQ(call("GET", "/api/v1/attackers/not-a-uuid/commands").response.status, 401);
}

TEST_F(RouterTest, HandlerErrorsMapToTheirStatusAndUnexpectedOnesToAnErrorId) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  router.add({.method = "GET",
              .path = "/gone",
              .access = Access::kPublic,
              .handler = [](const Request&, const Principal*) -> Response {
                throw not_found("Attacker not found");
              }});
  router.add({.method = "GET",
              .path = "/slow-down",
              .access = Access::kPublic,
              .handler = [](const Request&, const Principal*) -> Response {
                throw too_many_requests(std::chrono::seconds(42));
              }});
  router.add({.method = "GET",
              .path = "/boom",
              .access = Access::kPublic,
              .handler = [](const Request&, const Principal*) -> Response {
                throw std::runtime_error("SELECT secret FROM users at /var/lib/decnet/x.db");
              }});
  auto o = call("GET", "/gone");
  EXPECT_EQ(o.response.status, 404);
  EXPECT_EQ(body_of(o), nlohmann::json({{"detail", "Attacker not found"}}));
  o = call("GET", "/slow-down");
  EXPECT_EQ(o.response.status, 429);
  EXPECT_EQ(o.response.headers.at("Retry-After"), "42");

  o = call("GET", "/boom");
  EXPECT_EQ(o.response.status, 500);
  const auto body = body_of(o);
  EXPECT_EQ(body["detail"], "internal error");
  const std::string id = body["error_id"];
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(o.response.body.find("SELECT"), std::string::npos);
  EXPECT_EQ(o.response.body.find("/var/lib"), std::string::npos);
  spdlog::default_logger()->flush();
  EXPECT_NE(log.str().find(id), std::string::npos);
  EXPECT_NE(log.str().find("SELECT secret FROM users"), std::string::npos);
  spdlog::set_default_logger(previous);
}

TEST_F(RouterTest, OpenApiDocumentCoversEveryRoute) {
  router.add(
      {.method = "GET",
       .path = "/api/v1/attackers",
       .summary = "List attackers",
       .tag = "attackers",
       .query =
           {{.name = "limit", .type = ParamType::kInt, .min = 1, .max = 1000, .default_value = 50},
            {.name = "sort_by", .type = ParamType::kEnum, .choices = {"recent", "active"}},
            {.name = "ids", .repeated = true}},
       .handler = echo("list")});
  router.add({.method = "GET", .path = "/api/v1/attackers/{uuid}", .handler = echo("one")});
  router.add({.method = "POST",
              .path = "/api/v1/auth/login",
              .access = Access::kPublic,
              .json_body = true,
              .body_schema = {{"type", "object"}, {"required", {"username", "password"}}},
              .handler = echo("login")});
  add_openapi_route(router, {.title = "DECNET", .version = "9.9"});

  const auto o = call("GET", "/api/v1/openapi.json");
  ASSERT_EQ(o.response.status, 200);
  const auto doc = body_of(o);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"]["version"], "9.9");
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
  std::set<std::string> ids;
  for (const auto& r : router.routes()) {
    std::string m;
    for (char c : r.method) m.push_back(static_cast<char>(std::tolower(c)));
    ASSERT_TRUE(doc["paths"].contains(r.path)) << r.path;
    ASSERT_TRUE(doc["paths"][r.path].contains(m)) << r.path;
    EXPECT_TRUE(ids.insert(doc["paths"][r.path][m]["operationId"].get<std::string>()).second);
  }
  const auto& list = doc["paths"]["/api/v1/attackers"]["get"];
  EXPECT_EQ(list["parameters"][0]["schema"]["maximum"], 1000);
  EXPECT_EQ(list["parameters"][0]["schema"]["default"], 50);
  EXPECT_EQ(list["parameters"][1]["schema"]["enum"][1], "active");
  EXPECT_EQ(list["parameters"][2]["schema"]["type"], "array");
  EXPECT_TRUE(list["responses"].contains("401"));
  EXPECT_TRUE(list["responses"].contains("403"));
  EXPECT_TRUE(list["responses"].contains("422"));
  EXPECT_EQ(list["security"][0].begin().key(), "bearerAuth");
  const auto& one = doc["paths"]["/api/v1/attackers/{uuid}"]["get"];
  EXPECT_EQ(one["parameters"][0]["in"], "path");
  EXPECT_EQ(one["parameters"][0]["schema"]["format"], "uuid");
  const auto& login = doc["paths"]["/api/v1/auth/login"]["post"];
  EXPECT_TRUE(login["security"].empty());
  EXPECT_FALSE(login["responses"].contains("401"));
  EXPECT_TRUE(login["responses"].contains("415"));
  EXPECT_EQ(login["requestBody"]["content"]["application/json"]["schema"]["required"][0],
            "username");
}

TEST(ApiQuery, PercentDecodingAndRepeatedParameters) {
  Request r;
  r.set_target("/a%20b?ids=1&ids=2&q=a+b%26c&flag&bad=%zz");
  EXPECT_EQ(r.path, "/a%20b");
  EXPECT_EQ(r.query_values("ids"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(r.query_value("ids"), "2");
  EXPECT_EQ(r.query_string("q"), "a b&c");
  EXPECT_EQ(r.query_value("flag"), "");
  EXPECT_EQ(r.query_string("bad"), "%zz");
  EXPECT_FALSE(r.query_value("missing"));
  EXPECT_EQ(parse_int("-12"), -12);
  EXPECT_FALSE(parse_int("12 "));
  EXPECT_FALSE(parse_int(""));
  EXPECT_FALSE(parse_int("99999999999999999999"));
}

TEST(ApiMetrics, TextFormatWithEscapedLabelsAndCumulativeBuckets) {
  MetricsRegistry m;
  m.counter("decnet_test_total", "A counter", {{"route", "/a\"b\\c\nd"}}).inc(3);
  m.counter("decnet_test_total", "A counter", {{"route", "/a\"b\\c\nd"}}).inc();
  m.gauge("decnet_queue_depth", "A gauge").set(2.5);
  auto& h = m.histogram("decnet_latency_seconds", "A histogram", {0.1, 1}, {{"route", "/x"}});
  h.observe(0.0625);
  h.observe(0.5);
  h.observe(4);
  m.gauge_callback("decnet_store_rows", "Rows", [] { return 123.0; }, {{"table", "logs"}});
  const std::string text = m.render();
  EXPECT_NE(text.find("# TYPE decnet_test_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("decnet_test_total{route=\"/a\\\"b\\\\c\\nd\"} 4\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("decnet_queue_depth 2.5\n"), std::string::npos);
  EXPECT_NE(text.find("decnet_latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("decnet_latency_seconds_bucket{route=\"/x\",le=\"1\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("decnet_latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("decnet_latency_seconds_count{route=\"/x\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("decnet_latency_seconds_sum{route=\"/x\"} 4.5625\n"), std::string::npos);
  EXPECT_NE(text.find("decnet_store_rows{table=\"logs\"} 123\n"), std::string::npos);
  EXPECT_THROW(m.gauge("decnet_test_total", "again"), std::invalid_argument);
  EXPECT_THROW(m.counter("bad-name", "x"), std::invalid_argument);
  EXPECT_THROW(m.counter("ok_name", "x", {{"le", "1"}}), std::invalid_argument);
}

TEST(ApiMetrics, RouteAnswersLoopbackOrTheTokenOnly) {
  MetricsRegistry m;
  m.counter("decnet_x_total", "x").inc();
  Router router;
  add_metrics_route(router, m, "s3cret-token");
  auto scrape = [&](std::string peer, std::string auth) {
    Request r;
    r.method = "GET";
    r.set_target("/metrics");
    r.peer_address = std::move(peer);
    if (!auth.empty()) r.headers["Authorization"] = auth;
    return router.handle(r).response;
  };
  EXPECT_EQ(scrape("127.0.0.1", "").status, 200);
  EXPECT_EQ(scrape("::1", "").status, 200);
  EXPECT_EQ(scrape("::ffff:127.0.0.1", "").status, 200);
  EXPECT_EQ(scrape("10.1.2.3", "").status, 403);
  EXPECT_EQ(scrape("10.1.2.3", "Bearer wrong").status, 403);
  EXPECT_EQ(scrape("10.1.2.3", "Bearer s3cret-token2").status, 403);
  const auto ok = scrape("10.1.2.3", "Bearer s3cret-token");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(ok.body.find("decnet_x_total 1"), std::string::npos);

  Router no_token;
  add_metrics_route(no_token, m, "");
  Request r;
  r.method = "GET";
  r.set_target("/metrics");
  r.peer_address = "192.0.2.1";
  r.headers["Authorization"] = "Bearer ";
  EXPECT_EQ(no_token.handle(r).response.status, 403);
}

TEST(ApiEventStream, FramesAreEscapedPerLine) {
  EXPECT_EQ(EventStream::format_event("7", "log", "a\nb\r\nc"),
            "id: 7\nevent: log\ndata: a\ndata: b\ndata: c\n\n");
  EXPECT_EQ(EventStream::format_event("1\n2", "x\ry", ""), "id: 12\nevent: xy\ndata: \n\n");
  EXPECT_EQ(EventStream::format_comment("ping"), ": ping\n\n");
}

TEST(ApiEventStream, OverflowDropsTheStreamAndCallbacksRunOnceOutsideSend) {
  EventStream s({.max_buffer_bytes = 100});
  std::atomic<int> closed{0};
  std::atomic<int> wakes{0};
  s.on_close([&] { ++closed; });
  s.attach([&] { ++wakes; });
  EXPECT_TRUE(s.send("1", "e", std::string(40, 'x')));
  std::string out;
  ASSERT_TRUE(s.take(&out));
  EXPECT_FALSE(s.take(&out));
  EXPECT_TRUE(s.comment("k"));
  // 40+ bytes are in flight (not yet written), so this one does not fit.
  EXPECT_FALSE(s.send("2", "e", std::string(60, 'y')));
  EXPECT_TRUE(s.overflowed());
  EXPECT_FALSE(s.is_open());
  EXPECT_EQ(closed.load(), 0);  // the server thread runs them, not send()
  EXPECT_GE(wakes.load(), 3);
  EXPECT_TRUE(s.should_end());
  s.finish();
  s.finish();
  EXPECT_EQ(closed.load(), 1);
  int late = 0;
  s.on_close([&] { ++late; });
  EXPECT_EQ(late, 1);
  EXPECT_FALSE(s.send("3", "e", "z"));
}

TEST(ApiEventStream, ProducerCloseEndsAfterTheBufferIsTaken) {
  EventStream s;
  EXPECT_TRUE(s.send("", "", "last"));
  s.close();
  EXPECT_FALSE(s.send("", "", "after"));
  EXPECT_FALSE(s.should_end());
  std::string out;
  ASSERT_TRUE(s.take(&out));
  EXPECT_EQ(out, "data: last\n\n");
  EXPECT_TRUE(s.should_end());
}

}  // namespace
}  // namespace decnet::api
