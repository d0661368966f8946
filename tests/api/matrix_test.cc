// Checks generated from the route table itself, so a route added to add_all_routes is covered the
// day it is added, without anyone remembering to write its access tests. The router is built by
// the same add_all_routes call ApiService makes, over a real SQLite repository and the real
// token, login and ticket services, and driven through Router::handle.
//
// - Access matrix: every route × {no token, expired, wrong audience, bad signature, viewer,
//   admin, admin who must change the password}. Public routes never answer 401/403; otherwise
//   bad tokens get 401, a viewer on an admin route 403, the password-change gate 403 unless the
//   route is allowed through it, and every authorised call gets past authentication (any other
//   status is fine: bodies and required parameters are deliberately missing).
// - Hostile query values on every GET route never produce a 500.
// - The attackers page, written without a JSON tree for speed, says exactly what the generic
//   page_json(to_api_json(...)) would, also for awkward text.
// - The login limit over HTTP (429 with Retry-After), SSE tickets used twice or too late, and
//   the OpenAPI document checked structurally against the table.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "api/auth/jwt.h"
#include "api/auth/login_service.h"
#include "api/auth/sse_tickets.h"
#include "api/auth/token_service.h"
#include "api/http/event_stream.h"
#include "api/http/metrics.h"
#include "api/http/route_table.h"
#include "api/routes/api_routes.h"
#include "api/routes/json_views.h"
#include "api/routes/routes.h"
#include "api/routes/stream_hub.h"
#include "api/routes/worker_registry.h"
#include "bus/inprocess_bus.h"
#include "core/base64.h"
#include "core/config.h"
#include "core/hash.h"
#include "core/time.h"
#include "core/uuid.h"
#include "store/attacker_repository.h"
#include "store/sqlite/sqlite_repository.h"
#include "store/user_repository.h"
#include "tests_support.h"
#include "webhook/webhook_admin.h"

namespace decnet::api {
namespace {

using nlohmann::json;
using SteadyTime = std::chrono::steady_clock::time_point;

const std::string kMatrixSecret = "matrix-test-secret-0123456789abcdef-0123456789";
const std::string kMatrixPassword = "correct horse battery staple";

// A clock the test moves by hand, shared by the login limiter and the ticket store.
struct ManualClock {
  SteadyTime now = std::chrono::steady_clock::now();
  MonotonicClock fn() {
    return [this] { return now; };
  }
};

enum class Caller {
  kNone,
  kExpired,
  kWrongAudience,
  kBadSignature,
  kViewer,
  kAdmin,
  kAdminMustChange,
};

const char* name_of(Caller c) {
  switch (c) {
    case Caller::kNone:
      return "no token";
    case Caller::kExpired:
      return "expired token";
    case Caller::kWrongAudience:
      return "wrong audience";
    case Caller::kBadSignature:
      return "tampered signature";
    case Caller::kViewer:
      return "viewer";
    case Caller::kAdmin:
      return "admin";
    case Caller::kAdminMustChange:
      return "admin who must change password";
  }
  return "?";
}

std::string percent_encode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// A JWT signed with `secret` whose payload is exactly `claims` (encode_jwt always writes the
// right audience, so a wrong one has to be built by hand).
std::string handmade_jwt(const json& claims, std::string_view secret) {
  const std::string input = core::base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                            core::base64url_encode(claims.dump());
  const auto mac = core::hmac_sha256(secret, input);
  return input + "." +
         core::base64url_encode(
             std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

class ApiMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = store::sqlite::open_sqlite_repository({.path = dir_ / "decnet.db"});
    tokens_ = std::make_unique<TokenService>(*repo_, kMatrixSecret);
    LoginServiceOptions login_options;  // the production limits: 10 per 5 minutes
    login_options.clock = clock_.fn();
    logins_ = std::make_unique<LoginService>(*repo_, *tokens_, login_options);
    tickets_ = std::make_unique<SseTicketStore>(SseTicketStore::Options{.clock = clock_.fn()});
    workers_ = std::make_unique<WorkerRegistry>(bus_, std::vector<std::string>{"ingest", "api"});
    hub_ = std::make_unique<StreamHub>(bus_, StreamHub::Options{});
    webhook_guard_ = std::make_unique<webhook::SsrfGuard>(*resolver_, false);
    deliverer_ = std::make_unique<webhook::Deliverer>(*webhook_guard_, webhook::RetryPolicy{});
    webhooks_ = std::make_unique<webhook::WebhookAdmin>(*repo_, bus_, *webhook_guard_, *deliverer_,
                                                        secrets_);
    context_ = std::make_unique<ApiContext>(ApiContext{*repo_, bus_, *tokens_, *logins_, *tickets_,
                                                       workers_.get(), hub_.get(), &config_,
                                                       &metrics_, webhooks_.get()});
    router_ = std::make_unique<Router>(tokens_.get());
    add_all_routes(*router_, *context_);

    admin_ = make_user("root", Role::kAdmin, false);
    viewer_ = make_user("eve", Role::kViewer, false);
    must_change_ = make_user("newadmin", Role::kAdmin, true);
  }

  void TearDown() override {
    for (auto& s : streams_) s->finish();
    streams_.clear();
    router_.reset();
    hub_.reset();
    workers_.reset();
    logins_.reset();
    tokens_.reset();
    repo_->close();
    bus_.close();
  }

  store::User make_user(const std::string& name, Role role, bool must_change) {
    auto r = logins_->create_user(name, kMatrixPassword, role, must_change);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.user.value_or(store::User{});
  }

  // A fresh token per call: POST /auth/logout revokes the token it is called with.
  std::string token_for(Caller caller) {
    const auto now = static_cast<std::int64_t>(core::now_epoch_seconds());
    switch (caller) {
      case Caller::kNone:
        return {};
      case Caller::kExpired: {
        const auto t = encode_jwt(
            {.uuid = admin_.uuid, .jti = core::random_hex_id(), .iat = now - 7200, .exp = now - 1},
            kMatrixSecret);
        expect_refused(t, JwtError::kExpired);
        return t;
      }
      case Caller::kWrongAudience: {
        const auto t = handmade_jwt({{"uuid", admin_.uuid},
                                     {"jti", core::random_hex_id()},
                                     {"iat", now},
                                     {"exp", now + 3600},
                                     {"iss", kJwtIssuer},
                                     {"aud", "some-other-service"},
                                     {"typ", kJwtAccessType}},
                                    kMatrixSecret);
        expect_refused(t, JwtError::kWrongAudience);
        return t;
      }
      case Caller::kBadSignature: {
        // Valid claims for a real admin, signed with a key that differs in one byte.
        std::string tampered = kMatrixSecret;
        tampered.back() ^= 1;
        const auto t = encode_jwt(
            {.uuid = admin_.uuid, .jti = core::random_hex_id(), .iat = now, .exp = now + 3600},
            tampered);
        expect_refused(t, JwtError::kBadSignature);
        return t;
      }
      case Caller::kViewer:
        return tokens_->issue(viewer_).token;
      case Caller::kAdmin:
        return tokens_->issue(admin_).token;
      case Caller::kAdminMustChange:
        return tokens_->issue(must_change_).token;
    }
    return {};
  }

  // Crafted tokens must fail for the reason the case is named after, not an accidental one.
  static void expect_refused(const std::string& token, JwtError expected) {
    JwtError error{};
    EXPECT_FALSE(verify_jwt(token, kMatrixSecret,
                            static_cast<std::int64_t>(core::now_epoch_seconds()), &error));
    EXPECT_EQ(error, expected) << to_string(error);
  }

  static std::string fill_path(const std::string& pattern) {
    std::string out;
    std::size_t pos = 0;
    while (true) {
      const auto open = pattern.find('{', pos);
      if (open == std::string::npos) break;
      const auto close = pattern.find('}', open);
      out += pattern.substr(pos, open - pos);
      const auto name = pattern.substr(open + 1, close - open - 1);
      if (is_uuid_param(name) || name == "id") {
        out += core::Uuid::v4().str();
      } else if (name == "name") {
        out += "ingest";
      } else if (name == "sha256") {
        out += core::sha256_hex(core::random_hex_id());
      } else if (name == "technique_id") {
        out += "T1059";
      } else if (name == "rule_id") {
        out += "R0010";
      } else {
        ADD_FAILURE() << "no sample value for path parameter {" << name << "} of " << pattern
                      << "; add one to fill_path";
        out += "x";
      }
      pos = close + 1;
    }
    return out + pattern.substr(pos);
  }

  Response call(const std::string& method, const std::string& target, const std::string& token,
                const std::string& peer = "127.0.0.1", const std::string& body = {}) {
    Request req;
    req.method = method;
    req.set_target(target);
    req.peer_address = peer;
    if (!token.empty()) req.headers["Authorization"] = "Bearer " + token;
    if (!body.empty()) {
      req.body = body;
      req.headers["Content-Type"] = "application/json";
    }
    auto outcome = router_->handle(req);
    if (outcome.response.event_stream) streams_.push_back(outcome.response.event_stream);
    return std::move(outcome.response);
  }

  const Route* find_route(const std::string& method, const std::string& path) const {
    for (const auto& r : router_->routes()) {
      if (r.method == method && r.path == path) return &r;
    }
    return nullptr;
  }

  testing::TempDir dir_;
  ManualClock clock_;
  core::Config config_ = core::Config::with({});
  MetricsRegistry metrics_;
  bus::InProcessBus bus_;
  std::unique_ptr<store::Repository> repo_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<LoginService> logins_;
  std::unique_ptr<SseTicketStore> tickets_;
  std::unique_ptr<WorkerRegistry> workers_;
  std::unique_ptr<StreamHub> hub_;
  // Names never resolve here: the matrix sends no valid webhook URL.
  std::unique_ptr<webhook::HostResolver> resolver_ = webhook::make_dns_resolver(
      {.servers = "127.0.0.1:9", .timeout = std::chrono::milliseconds(50)});
  webhook::SecretBox secrets_{"matrix test key"};
  std::unique_ptr<webhook::SsrfGuard> webhook_guard_;
  std::unique_ptr<webhook::Deliverer> deliverer_;
  std::unique_ptr<webhook::WebhookAdmin> webhooks_;
  std::unique_ptr<ApiContext> context_;
  std::unique_ptr<Router> router_;
  std::vector<std::shared_ptr<EventStream>> streams_;
  store::User admin_, viewer_, must_change_;
};

TEST_F(ApiMatrixTest, TableHasEveryGroup) {
  // The matrix is only as good as the table it walks: make sure the service's groups are there.
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/api/v1/auth/login"},
                                                        {"GET", "/api/v1/attackers"},
                                                        {"GET", "/api/v1/logs"},
                                                        {"GET", "/api/v1/credentials"},
                                                        {"GET", "/api/v1/stats"},
                                                        {"GET", "/api/v1/users"},
                                                        {"GET", "/api/v1/workers"},
                                                        {"GET", "/api/v1/config"},
                                                        {"GET", "/api/v1/stream"},
                                                        {"GET", "/api/v1/openapi.json"},
                                                        {"GET", "/api/v1/webhooks"},
                                                        {"GET", "/metrics"}}) {
    EXPECT_NE(find_route(method, path), nullptr) << method << " " << path;
  }
  EXPECT_GE(router_->routes().size(), 25u);
}

TEST_F(ApiMatrixTest, EveryRouteEveryCaller) {
  const Caller callers[] = {Caller::kNone,           Caller::kExpired, Caller::kWrongAudience,
                            Caller::kBadSignature,   Caller::kViewer,  Caller::kAdmin,
                            Caller::kAdminMustChange};
  std::size_t checked = 0;
  for (const auto& route : router_->routes()) {
    for (const Caller caller : callers) {
      const auto target = fill_path(route.path);
      const auto r = call(route.method, target, token_for(caller));
      const std::string what = route.method + " " + target + " as " + name_of(caller) + " -> " +
                               std::to_string(r.status) + " " + r.body;
      ++checked;
      EXPECT_NE(r.status, 500) << what;
      if (route.access == Access::kPublic) {
        EXPECT_TRUE(r.status != 401 && r.status != 403) << what;
        continue;
      }
      switch (caller) {
        case Caller::kNone:
        case Caller::kExpired:
        case Caller::kWrongAudience:
        case Caller::kBadSignature:
          EXPECT_EQ(r.status, 401) << what;
          EXPECT_TRUE(r.headers.contains("WWW-Authenticate")) << what;
          break;
        case Caller::kViewer:
          if (route.access == Access::kAdmin) {
            EXPECT_EQ(r.status, 403) << what;
          } else {
            EXPECT_TRUE(r.status != 401 && r.status != 403) << what;
          }
          break;
        case Caller::kAdmin:
          EXPECT_TRUE(r.status != 401 && r.status != 403) << what;
          break;
        case Caller::kAdminMustChange:
          if (route.allowed_while_must_change_password) {
            EXPECT_TRUE(r.status != 401 && r.status != 403) << what;
          } else {
            EXPECT_EQ(r.status, 403) << what;
          }
          break;
      }
    }
  }
  EXPECT_EQ(checked, router_->routes().size() * std::size(callers));
}

TEST_F(ApiMatrixTest, HostileQueryValuesNeverCauseA500) {
  std::string invalid_utf8 = "\xff\xfe\xc3\x28\xc0\xaf\xed\xa0\x80";
  const std::vector<std::string> hostile = {
      "' ; --",
      "'; DROP TABLE attackers; --",
      "\" OR 1=1 --",
      "%",
      "%%25",
      "_%",
      "\\",
      std::string(10 * 1024, 'a'),
      std::string(10 * 1024, '\''),
      invalid_utf8,
      invalid_utf8 + std::string(4000, '\xe2'),
      std::string("a\0b", 3),
      "-1",
      "0",
      "99999999999999999999",
      "-99999999999999999999",
      "9223372036854775807",
      "-9223372036854775808",
      "1e308",
      "NaN",
      "",
      " ",
      "a,b,,c",
      "..",
      "system.>",
      "*.*.*",
  };
  const auto admin = token_for(Caller::kAdmin);
  std::size_t requests = 0;
  for (const auto& route : router_->routes()) {
    if (route.method != "GET") continue;
    const auto path = fill_path(route.path);
    // The event stream authenticates by ticket: give it a fresh one, so the other parameters
    // reach the handler instead of stopping at the ticket check.
    const bool needs_ticket = std::any_of(route.query.begin(), route.query.end(),
                                          [](const QueryParam& q) { return q.name == "ticket"; });
    const auto base_query = [&](const std::string& skip) {
      std::string q;
      if (needs_ticket && skip != "ticket") {
        Principal p{.user_uuid = admin_.uuid, .username = admin_.username, .role = Role::kAdmin};
        q = "ticket=" + tickets_->issue(p)->ticket;
      }
      return q;
    };
    const auto check = [&](const std::string& target, const std::string& label) {
      const auto r = call("GET", target, admin);
      ++requests;
      EXPECT_TRUE((r.status >= 200 && r.status < 300) || (r.status >= 400 && r.status < 500))
          << "GET " << route.path << " " << label << " -> " << r.status << " "
          << r.body.substr(0, 300);
    };
    for (const auto& param : route.query) {
      for (const auto& value : hostile) {
        auto q = base_query(param.name);
        if (!q.empty()) q += "&";
        q += percent_encode(param.name) + "=" + percent_encode(value);
        check(path + "?" + q, param.name + "=<" + std::to_string(value.size()) + " bytes>");
      }
      // Malformed escapes and repeated names, exactly as a client could send them.
      auto q = base_query(param.name);
      check(path + "?" + q + (q.empty() ? "" : "&") + param.name + "=%zz%", param.name + " raw %");
      check(path + "?" + q + (q.empty() ? "" : "&") + param.name + "=1&" + param.name + "=-1",
            param.name + " repeated");
    }
    // Everything hostile at once, and unknown parameters.
    for (const auto& value : hostile) {
      auto q = base_query("");
      for (const auto& param : route.query) {
        if (param.name == "ticket") continue;
        q += (q.empty() ? "" : "&") + param.name + "=" + percent_encode(value);
      }
      q += (q.empty() ? "" : "&") + std::string("unknown=") + percent_encode(value);
      check(path + "?" + q, "all parameters");
    }
  }
  EXPECT_GT(requests, 500u);
}

TEST_F(ApiMatrixTest, HostilePathParametersNeverCauseA500) {
  const std::vector<std::string> hostile = {
      "' ; --", "%", std::string(10 * 1024, 'a'), "\xff\xfe", "-1", "99999999999999999999", ".."};
  const auto admin = token_for(Caller::kAdmin);
  for (const auto& route : router_->routes()) {
    if (route.path.find('{') == std::string::npos) continue;
    for (const auto& value : hostile) {
      std::string target;
      std::size_t pos = 0;
      while (true) {
        const auto open = route.path.find('{', pos);
        if (open == std::string::npos) break;
        target += route.path.substr(pos, open - pos) + percent_encode(value);
        pos = route.path.find('}', open) + 1;
      }
      target += route.path.substr(pos);
      const auto r = call(route.method, target, admin);
      EXPECT_TRUE(r.status >= 200 && r.status < 500)
          << route.method << " " << route.path << " -> " << r.status << " " << r.body;
    }
  }
}

TEST_F(ApiMatrixTest, LoginLimitAnswers429WithRetryAfter) {
  const std::string ip = "198.51.100.9";
  const auto attempt = [&](const std::string& user, const std::string& password,
                           const std::string& from) {
    return call("POST", "/api/v1/auth/login", "", from,
                json{{"username", user}, {"password", password}}.dump());
  };
  // Ten failures from one address, each for a different account so only the per-address limit
  // is in play.
  for (int i = 0; i < 10; ++i) {
    const auto r = attempt("nobody" + std::to_string(i), "wrong-password-123", ip);
    EXPECT_EQ(r.status, 401) << i << " " << r.body;
    EXPECT_FALSE(r.headers.contains("Retry-After"));
  }
  clock_.now += std::chrono::minutes(4);  // still inside the 5-minute window
  // The 11th is refused before the password is even looked at, right password or not.
  const auto limited = attempt(admin_.username, kMatrixPassword, ip);
  ASSERT_EQ(limited.status, 429) << limited.body;
  ASSERT_TRUE(limited.headers.contains("Retry-After"));
  const auto retry_after = std::stoll(limited.headers.at("Retry-After"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 61);  // the oldest attempt leaves the window in about a minute
  // Another address is not affected.
  EXPECT_EQ(attempt(admin_.username, kMatrixPassword, "198.51.100.10").status, 200);
  // Once the window has slid past the failures, the address may try again.
  clock_.now += std::chrono::seconds(retry_after + 1);
  EXPECT_EQ(attempt(admin_.username, kMatrixPassword, ip).status, 200);
}

TEST_F(ApiMatrixTest, LoginLimitKeysIpv6ByPrefix) {
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(
        call("POST", "/api/v1/auth/login", "", "2001:db8:1:2::" + std::to_string(i + 1),
             json{{"username", "ghost" + std::to_string(i)}, {"password", "nope-nope-1"}}.dump())
            .status,
        401);
  }
  // Another address in the same /64 shares the budget.
  const auto r = call("POST", "/api/v1/auth/login", "", "2001:db8:1:2:ffff::1",
                      json{{"username", "root"}, {"password", kMatrixPassword}}.dump());
  EXPECT_EQ(r.status, 429);
  EXPECT_TRUE(r.headers.contains("Retry-After"));
}

TEST_F(ApiMatrixTest, SseTicketWorksOnceAndExpires) {
  const auto viewer = token_for(Caller::kViewer);
  const auto issue = [&] {
    const auto r = call("POST", "/api/v1/auth/sse-ticket", viewer);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).value("ticket", "");
  };
  const auto open = [&](const std::string& ticket) {
    return call("GET", "/api/v1/stream?topics=system.log&ticket=" + percent_encode(ticket), "");
  };

  const auto ticket = issue();
  ASSERT_EQ(ticket.size(), 43u);
  const auto first = open(ticket);
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_NE(first.event_stream, nullptr);
  EXPECT_EQ(open(ticket).status, 401);  // second use, well within the lifetime

  // Unused, but presented after its 60 seconds.
  const auto late = issue();
  clock_.now += std::chrono::seconds(61);
  EXPECT_EQ(open(late).status, 401);

  // Just inside the lifetime it still works.
  const auto timely = issue();
  clock_.now += std::chrono::seconds(59);
  EXPECT_EQ(open(timely).status, 200);

  // A ticket is not a token, and a token is not a ticket.
  EXPECT_EQ(call("GET", "/api/v1/auth/me", issue()).status, 401);
  EXPECT_EQ(open(viewer).status, 401);
  EXPECT_EQ(open("").status, 401);
}

TEST_F(ApiMatrixTest, SseTicketStoreWithInjectedClock) {
  const Principal who{.user_uuid = viewer_.uuid, .username = "eve", .role = Role::kViewer};
  const auto t = tickets_->issue(who);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->expires_in, 60);
  const auto redeemed = tickets_->redeem(t->ticket);
  ASSERT_TRUE(redeemed);
  EXPECT_EQ(redeemed->user_uuid, viewer_.uuid);
  EXPECT_FALSE(tickets_->redeem(t->ticket));

  const auto expiring = tickets_->issue(who);
  clock_.now += std::chrono::seconds(60);
  EXPECT_FALSE(tickets_->redeem(expiring->ticket));
  // A bit-flipped ticket is unknown.
  auto other = tickets_->issue(who)->ticket;
  other[5] = other[5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(tickets_->redeem(other));
}

TEST_F(ApiMatrixTest, AttackersPageMatchesTheGenericJsonView) {
  const std::int64_t t0 = core::parse_rfc3339("2026-03-04T05:06:07.123456Z")->micros_utc;
  const std::vector<std::string> names = {"decky-01", "quote\"back\\slash", "ctl\x01\x1f\t\n",
                                          "utf8-\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x98\x80", "del\x7f"};
  std::vector<std::string> uuids;
  for (int i = 0; i < 60; ++i) {
    store::AttackerActivity a{"198.51.100." + std::to_string(i),
                              t0 + i,
                              t0 + i * 1'000'003,
                              i + 1,
                              0,
                              {{names[i % names.size()], "ssh", t0, t0 + i, 1},
                               {names[(i + 1) % names.size()], "http", t0, t0 + i, 2}}};
    uuids.push_back(repo_->write_now(
        [&](store::WriteScope& w) { return repo_->attackers().record_activity(w, a).uuid; }));
  }
  // Enrichment columns, written the way the enrichment workers leave them, including JSON
  // columns that hold something other than valid JSON (kept as a string by the view).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "decnet.db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  const std::string sql =
      "UPDATE attackers SET country_code='NL', country_source='rir', asn=64500, "
      "as_name='Example \"AS\" \\ \xc3\xa9', bgp_prefix='198.51.100.0/24', asn_source='rir', "
      "rpki_status='valid', rpki_source='rpki', ptr_record='host.example.', "
      "traversal_path='a -> b', is_traversal=1, rotation_count=3, last_rotation_at=" +
      std::to_string(t0) +
      ", fingerprints='[{\"ja3\":\"abc\",\"n\":1.5e3}]', commands='not json {' "
      "WHERE uuid='" +
      uuids[7] + "'";
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
  ASSERT_EQ(sqlite3_exec(db,
                         ("UPDATE attackers SET commands='{\"a\": [1, 2, {\"b\": null}]}' "
                          "WHERE uuid='" +
                          uuids[8] + "'")
                             .c_str(),
                         nullptr, nullptr, &error),
            SQLITE_OK)
      << error;
  sqlite3_close(db);

  const auto viewer = token_for(Caller::kViewer);
  for (const std::string query : {"limit=50", "limit=50&offset=40", "sort=active&limit=7",
                                  "search=198.51.100.1", "limit=1&offset=1000"}) {
    const auto r = call("GET", "/api/v1/attackers?" + query, viewer);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    const auto fast = json::parse(r.body);  // throws, failing the test, on invalid JSON

    store::AttackerQuery q;
    const auto parsed = parse_query(query);
    const auto get = [&](const char* k, std::int64_t d) {
      const auto it = parsed.find(k);
      return it == parsed.end() ? d : std::stoll(it->second);
    };
    q.page = {get("limit", 50), get("offset", 0)};
    if (parsed.contains("search")) q.search = parsed.find("search")->second;
    if (parsed.contains("sort")) q.sort = store::AttackerSort::kActive;
    const auto expected = page_json(repo_->attackers().list(q));
    EXPECT_EQ(fast, expected) << query;
  }
  // The awkward row really is in there, with its text intact.
  const auto r = call("GET", "/api/v1/attackers?search=198.51.100.7&limit=1", viewer);
  const auto row = json::parse(r.body)["data"][0];
  EXPECT_EQ(row["as_name"], "Example \"AS\" \\ \xc3\xa9");
  EXPECT_EQ(row["commands"], "not json {");
  EXPECT_EQ(row["fingerprints"][0]["ja3"], "abc");
}

// Every "$ref" in `node` must resolve inside `doc` as a local JSON pointer.
void expect_refs_resolve(const json& doc, const json& node, const std::string& where,
                         std::size_t* refs) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref") {
        ++*refs;
        ASSERT_TRUE(value.is_string()) << where;
        const auto ref = value.get<std::string>();
        ASSERT_TRUE(ref.starts_with("#/")) << where << ": " << ref;
        EXPECT_TRUE(doc.contains(json::json_pointer(ref.substr(1)))) << where << ": " << ref;
      } else {
        expect_refs_resolve(doc, value, where + "/" + key, refs);
      }
    }
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      expect_refs_resolve(doc, node[i], where + "/" + std::to_string(i), refs);
    }
  }
}

TEST_F(ApiMatrixTest, OpenApiDocumentIsStructurallyValid) {
  const auto r = call("GET", "/api/v1/openapi.json", "");
  ASSERT_EQ(r.status, 200);
  const auto doc = json::parse(r.body, nullptr, false);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["openapi"], "3.1.0");
  ASSERT_TRUE(doc["info"].is_object());
  EXPECT_TRUE(doc["info"]["title"].is_string() && !doc["info"]["title"].get<std::string>().empty());
  EXPECT_TRUE(doc["info"]["version"].is_string() &&
              !doc["info"]["version"].get<std::string>().empty());
  const auto& bearer = doc["components"]["securitySchemes"]["bearerAuth"];
  ASSERT_TRUE(bearer.is_object());
  EXPECT_EQ(bearer["type"], "http");
  EXPECT_EQ(bearer["scheme"], "bearer");
  ASSERT_TRUE(doc["paths"].is_object());

  const std::set<std::string> methods = {"get",   "put",  "post",    "delete",
                                         "patch", "head", "options", "trace"};
  std::set<std::string> operation_ids;
  std::size_t operations = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    EXPECT_TRUE(path.starts_with("/")) << path;
    ASSERT_TRUE(item.is_object()) << path;
    for (const auto& [method, op] : item.items()) {
      EXPECT_TRUE(methods.contains(method)) << path << " " << method;
      ++operations;
      ASSERT_TRUE(op["responses"].is_object()) << path << " " << method;
      EXPECT_FALSE(op["responses"].empty()) << path << " " << method;
      for (const auto& [code, response] : op["responses"].items()) {
        EXPECT_TRUE(code == "default" || (code.size() == 3 && std::isdigit(code[0])))
            << path << " " << method << " " << code;
        EXPECT_TRUE(response.contains("description") || response.contains("$ref"))
            << path << " " << method << " " << code;
      }
      ASSERT_TRUE(op["operationId"].is_string());
      EXPECT_TRUE(operation_ids.insert(op["operationId"].get<std::string>()).second)
          << "duplicate operationId " << op["operationId"];
      // Every {param} of the template is declared as a required path parameter.
      std::set<std::string> declared;
      for (const auto& p : op.value("parameters", json::array())) {
        EXPECT_TRUE(p.contains("name") && p.contains("in")) << path;
        if (p["in"] == "path") {
          EXPECT_EQ(p["required"], true) << path;
          declared.insert(p["name"].get<std::string>());
        }
      }
      std::set<std::string> in_template;
      for (std::size_t pos = path.find('{'); pos != std::string::npos;
           pos = path.find('{', pos + 1)) {
        in_template.insert(path.substr(pos + 1, path.find('}', pos) - pos - 1));
      }
      EXPECT_EQ(declared, in_template) << path << " " << method;
      // Security requirements name declared schemes only.
      for (const auto& requirement : op.value("security", json::array())) {
        for (const auto& [scheme, scopes] : requirement.items()) {
          EXPECT_TRUE(doc["components"]["securitySchemes"].contains(scheme)) << scheme;
        }
      }
    }
  }
  std::size_t refs = 0;
  expect_refs_resolve(doc, doc, "#", &refs);
  EXPECT_GT(refs, 0u);

  // The table and the document agree, both ways.
  for (const auto& route : router_->routes()) {
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    ASSERT_TRUE(doc["paths"].contains(route.path)) << route.path;
    const auto& op = doc["paths"][route.path];
    ASSERT_TRUE(op.contains(method)) << route.method << " " << route.path;
    const bool secured = !op[method]["security"].empty();
    EXPECT_EQ(secured, route.access != Access::kPublic) << route.path;
    if (secured) {
      EXPECT_TRUE(op[method]["responses"].contains("401")) << route.path;
    }
  }
  EXPECT_EQ(operations, router_->routes().size());
}

}  // namespace
}  // namespace decnet::api
