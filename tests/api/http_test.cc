// The HTTP server against real clients on loopback: curl for ordinary requests and event
// streams, raw sockets for what curl will not do (trickled headers, oversized headers, a client
// that stops reading, several requests on one connection). Every wait has a deadline.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "api/http/api_error.h"
#include "api/http/event_stream.h"
#include "api/http/http_server.h"
#include "api/http/metrics.h"
#include "api/http/route_table.h"
#include "tests_support.h"
#include "token_authenticator.h"

namespace decnet::api {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::run_command;
using testing::TempDir;
using testing::wait_until;

// A blocking loopback TCP client with a receive deadline.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port, int rcvbuf = 0, const char* local_address = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (local_address) {  // any of 127.0.0.0/8: one host plays many clients
      sockaddr_in local{};
      local.sin_family = AF_INET;
      ::inet_pton(AF_INET, local_address, &local.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) return;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }
  bool send(std::string_view data) {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  // Reads until `done(received)` or EOF or the deadline; returns what was read.
  std::string read_until(const std::function<bool(const std::string&)>& done,
                         std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done(buffer_) && !eof_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) {
        eof_ = true;
        break;
      }
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    return buffer_;
  }
  // Waits for the server to close the connection.
  bool wait_closed(std::chrono::milliseconds timeout) {
    read_until([](const std::string&) { return false; }, timeout);
    return eof_;
  }
  std::string take() { return std::exchange(buffer_, {}); }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string buffer_;
};

bool has_complete_response(const std::string& data) {
  const auto end = data.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  const auto cl = data.find("Content-Length: ");
  if (cl == std::string::npos || cl > end) return true;
  const auto len = std::stoul(data.substr(cl + 16));
  return data.size() >= end + 4 + len;
}

struct Curl {
  int status = 0;
  std::string output;
  std::string headers;
  std::string body;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_logger_ = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);

    auth_.tokens["viewer-token"] = {.user_uuid = "u1", .username = "eve", .role = Role::kViewer};
    auth_.tokens["admin-token"] = {.user_uuid = "u2", .username = "root", .role = Role::kAdmin};
    auth_.tokens["fresh-token"] = {
        .user_uuid = "u3", .username = "new", .role = Role::kAdmin, .must_change_password = true};

    router_.add({.method = "GET",
                 .path = "/api/v1/hello",
                 .access = Access::kPublic,
                 .handler = [](const Request& r, const Principal*) {
                   return api::json(200, {{"hello", r.query_string("name", "world")}});
                 }});
    router_.add({.method = "GET",
                 .path = "/api/v1/attackers/{uuid}",
                 .query = {{.name = "limit", .type = ParamType::kInt, .min = 1, .max = 100}},
                 .handler = [](const Request& r, const Principal* p) {
                   return api::json(200, {{"uuid", r.param("uuid")}, {"by", p->username}});
                 }});
    router_.add(
        {.method = "POST",
         .path = "/api/v1/things",
         .access = Access::kAdmin,
         .json_body = true,
         .success_status = 201,
         .handler = [](const Request& r, const Principal*) {
           return api::json(201, {{"size", r.body.size()}, {"name", r.json.value("name", "")}});
         }});
    router_.add({.method = "GET",
                 .path = "/api/v1/boom",
                 .access = Access::kPublic,
                 .handler = [](const Request&, const Principal*) -> Response {
                   throw std::runtime_error("disk I/O error at /var/lib/decnet/decnet.db");
                 }});
    router_.add({.method = "GET",
                 .path = "/api/v1/slow",
                 .access = Access::kPublic,
                 .handler = [this](const Request&, const Principal*) {
                   slow_started_ = true;
                   std::this_thread::sleep_for(400ms);
                   return api::json(200, {{"slow", true}});
                 }});
    router_.add({.method = "GET",
                 .path = "/api/v1/stream",
                 .access = Access::kViewer,
                 .response_content_type = "text/event-stream",
                 .handler = [this](const Request&, const Principal*) {
                   auto s = std::make_shared<EventStream>(
                       EventStream::Options{.max_buffer_bytes = 256 * 1024, .keepalive = 300ms});
                   {
                     std::lock_guard lock(streams_mutex_);
                     streams_.push_back(s);
                   }
                   s->on_close([this] { ++streams_closed_; });
                   return Response::stream(s);
                 }});
    // Answers only once the test lets it, so a stop can begin while the stream is being opened.
    router_.add({.method = "GET",
                 .path = "/api/v1/late-stream",
                 .access = Access::kPublic,
                 .response_content_type = "text/event-stream",
                 .handler = [this](const Request&, const Principal*) {
                   late_stream_entered_ = true;
                   wait_until([&] { return release_late_stream_.load(); }, 10s);
                   auto s = std::make_shared<EventStream>(
                       EventStream::Options{.max_buffer_bytes = 4096, .keepalive = 300ms});
                   s->on_close([this] { ++streams_closed_; });
                   return Response::stream(s);
                 }});
    // A query route that holds its worker until the test releases it, and a fast route.
    router_.add({.method = "GET",
                 .path = "/api/v1/search",
                 .access = Access::kPublic,
                 .handler = [this](const Request&, const Principal*) {
                   ++searches_running_;
                   wait_until([&] { return release_searches_.load(); }, 20s);
                   --searches_running_;
                   return api::json(200, {{"found", 0}});
                 }});
    router_.add({.method = "GET",
                 .path = "/api/v1/health",
                 .access = Access::kPublic,
                 .lane = Lane::kFast,
                 .handler = [](const Request&, const Principal*) {
                   return api::json(200, {{"status", "ok"}});
                 }});
    add_openapi_route(router_, {.title = "DECNET test"});
    add_metrics_route(router_, metrics_, "metrics-secret");
  }

  void TearDown() override {
    if (server_) server_->stop();
    spdlog::set_default_logger(previous_logger_);
  }

  void start(HttpServer::Options options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options, router_, &metrics_);
    server_->start();
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  Curl curl(std::vector<std::string> args) {
    TempDir dir;
    std::vector<std::string> argv = {"curl",       "-sS", "--max-time", "10", "-D",
                                     dir / "head", "-o",  dir / "body", "-w", "%{http_code}"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto result = run_command(argv);
    Curl c;
    c.status = std::atoi(result.output.c_str());
    c.output = result.output;
    std::ifstream h(dir / "head"), b(dir / "body");
    std::stringstream hs, bs;
    hs << h.rdbuf();
    bs << b.rdbuf();
    c.headers = hs.str();
    c.body = bs.str();
    return c;
  }

  std::vector<std::shared_ptr<EventStream>> streams() {
    std::lock_guard lock(streams_mutex_);
    return streams_;
  }

  std::string log() {
    spdlog::default_logger()->flush();
    return log_.str();
  }

  TokenAuthenticator auth_;
  Router router_{&auth_};
  MetricsRegistry metrics_;
  std::unique_ptr<HttpServer> server_;
  std::string base_;
  std::atomic<bool> slow_started_{false};
  std::atomic<bool> late_stream_entered_{false};
  std::atomic<bool> release_late_stream_{false};
  std::mutex streams_mutex_;
  std::vector<std::shared_ptr<EventStream>> streams_;
  std::atomic<int> streams_closed_{0};
  std::atomic<int> searches_running_{0};
  std::atomic<bool> release_searches_{false};
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> previous_logger_;
};

TEST_F(HttpServerTest, RoutingAndStatusCodesThroughCurl) {
  start();
  auto r = curl({base_ + "/api/v1/hello?name=a%20b"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["hello"], "a b");
  EXPECT_NE(r.headers.find("Content-Type: application/json"), std::string::npos);

  r = curl({base_ + "/api/v1/nope"});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(nlohmann::json::parse(r.body)["detail"], "Not Found");

  r = curl({"-X", "DELETE", base_ + "/api/v1/hello"});
  EXPECT_EQ(r.status, 405);
  EXPECT_NE(r.headers.find("Allow: GET"), std::string::npos);

  const std::string attacker = base_ + "/api/v1/attackers/0F8FAD5B-D9CB-469F-A165-70867728950E";
  r = curl({attacker});
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.headers.find("WWW-Authenticate: Bearer"), std::string::npos);
  EXPECT_EQ(curl({"-H", "Authorization: Bearer nope", attacker}).status, 401);
  EXPECT_EQ(curl({"-H", "Authorization: Bearer fresh-token", attacker}).status, 403);
  EXPECT_EQ(nlohmann::json::parse(
                curl({"-H", "Authorization: Bearer fresh-token", attacker}).body)["detail"],
            "password change required");
  r = curl({"-H", "Authorization: Bearer viewer-token", attacker});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["uuid"], "0f8fad5b-d9cb-469f-a165-70867728950e");

  r = curl({"-H", "Authorization: Bearer viewer-token", attacker + "?limit=1000"});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(nlohmann::json::parse(r.body)["errors"][0]["field"], "limit");
  r = curl({"-H", "Authorization: Bearer viewer-token", base_ + "/api/v1/attackers/1234"});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(nlohmann::json::parse(r.body)["errors"][0]["field"], "uuid");

  const std::string things = base_ + "/api/v1/things";
  EXPECT_EQ(curl({"-H", "Authorization: Bearer viewer-token", "-H",
                  "Content-Type: application/json", "--data", "{}", things})
                .status,
            403);
  EXPECT_EQ(curl({"-H", "Authorization: Bearer admin-token", "-H", "Content-Type: text/plain",
                  "--data", "{}", things})
                .status,
            415);
  EXPECT_EQ(curl({"-H", "Authorization: Bearer admin-token", "-H", "Content-Type: application/json",
                  "--data", "{\"name\":", things})
                .status,
            400);
  r = curl({"-H", "Authorization: Bearer admin-token", "-H", "Content-Type: application/json",
            "--data", "{\"name\":\"x\"}", things});
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(nlohmann::json::parse(r.body)["name"], "x");

  // Never a token in the access log.
  const std::string text = log();
  EXPECT_NE(text.find("\"GET /api/v1/hello\" 200"), std::string::npos) << text;
  EXPECT_EQ(text.find("admin-token"), std::string::npos);
  EXPECT_EQ(text.find("viewer-token"), std::string::npos);
}

TEST_F(HttpServerTest, OversizeBodyIs413AndOversizeHeaderIs431) {
  start({.body_limit = 64 * 1024});
  TempDir dir;
  {
    std::ofstream big(dir / "big.json");
    big << "{\"name\":\"" << std::string(200 * 1024, 'a') << "\"}";
  }
  auto r = curl({"-H", "Authorization: Bearer admin-token", "-H", "Content-Type: application/json",
                 "--data-binary", "@" + (dir / "big.json").string(), base_ + "/api/v1/things"});
  EXPECT_EQ(r.status, 413);
  // Just under the limit passes.
  {
    std::ofstream ok(dir / "ok.json");
    ok << "{\"name\":\"" << std::string(60 * 1024, 'a') << "\"}";
  }
  r = curl({"-H", "Authorization: Bearer admin-token", "-H", "Content-Type: application/json",
            "--data-binary", "@" + (dir / "ok.json").string(), base_ + "/api/v1/things"});
  EXPECT_EQ(r.status, 201);

  RawClient raw(server_->port());
  ASSERT_TRUE(raw.connected());
  raw.send("GET /api/v1/hello HTTP/1.1\r\nHost: x\r\nX-Fill: " + std::string(9000, 'b') +
           "\r\n\r\n");
  const auto reply = raw.read_until(has_complete_response);
  EXPECT_EQ(reply.rfind("HTTP/1.1 431", 0), 0u) << reply.substr(0, 100);
  EXPECT_TRUE(raw.wait_closed(5s));

  RawClient garbage(server_->port());
  garbage.send("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(garbage.read_until(has_complete_response).rfind("HTTP/1.1 400", 0), 0u);
}

TEST_F(HttpServerTest, SlowLorisIsDroppedAtTheHeaderTimeoutWhileOthersAreServed) {
  start({.header_timeout = 700ms, .threads = 1});
  RawClient loris(server_->port());
  ASSERT_TRUE(loris.connected());
  ASSERT_TRUE(loris.send("GET /api/v1/hello HTTP/1.1\r\nHost: x\r\n"));
  const auto began = std::chrono::steady_clock::now();
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    for (int i = 0; i < 60 && !done; ++i) {
      if (!loris.send("X")) break;
      std::this_thread::sleep_for(50ms);
    }
  });
  // Served while the loris trickles, even with a single handler thread.
  EXPECT_EQ(curl({base_ + "/api/v1/hello"}).status, 200);
  const bool closed = loris.wait_closed(5s);
  const auto elapsed = std::chrono::steady_clock::now() - began;
  done = true;
  trickle.join();
  EXPECT_TRUE(closed);
  EXPECT_LT(elapsed, 2500ms);
  EXPECT_GE(elapsed, 600ms);

  // A connection that sends nothing at all is dropped as well.
  RawClient silent(server_->port());
  EXPECT_TRUE(silent.wait_closed(3s));
  EXPECT_GE(server_->health()["timeouts"].get<int>(), 2);
}

// Idle sockets cannot lock real clients out: at the per-address or the global limit, the
// connection that has waited longest for a request is closed to make room.
TEST_F(HttpServerTest, IdleConnectionsAreEvictedToMakeRoomForNewClients) {
  start({.max_connections = 40, .max_connections_per_address = 20});
  std::vector<std::unique_ptr<RawClient>> hogs;
  const auto open_from = [&](const char* address, int n) {
    for (int i = 0; i < n; ++i) {
      hogs.push_back(std::make_unique<RawClient>(server_->port(), 0, address));
      ASSERT_TRUE(hogs.back()->connected());
    }
  };
  open_from("127.0.0.2", 20);
  ASSERT_TRUE(wait_until([&] { return server_->health()["connections"] == 20; }));
  // The 21st from the same address closes that address's oldest idle one.
  open_from("127.0.0.2", 1);
  EXPECT_TRUE(hogs.front()->wait_closed(3s));
  open_from("127.0.0.3", 20);
  ASSERT_TRUE(wait_until([&] { return server_->health()["connections"].get<int>() >= 40; }));
  // Every slot is held by an idle socket; a real client still gets its answer.
  const auto health = curl({base_ + "/api/v1/hello"});
  EXPECT_EQ(health.status, 200) << health.output;
  EXPECT_GE(server_->health()["evicted_connections"].get<int>(), 2);
  EXPECT_EQ(server_->health()["refused_connections"], 0);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start({.idle_timeout = 800ms});
  RawClient raw(server_->port());
  ASSERT_TRUE(raw.connected());
  for (int i = 0; i < 3; ++i) {
    raw.send("GET /api/v1/hello?name=" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto reply = raw.read_until(has_complete_response);
    EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u);
    EXPECT_NE(reply.find("Connection: keep-alive"), std::string::npos);
    EXPECT_NE(reply.find("\"hello\":\"" + std::to_string(i) + "\""), std::string::npos);
    raw.take();
  }
  // Two pipelined requests are answered in order.
  raw.send(
      "GET /api/v1/hello?name=p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/hello?name=p2 "
      "HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(raw.wait_closed(5s));
  const auto both = raw.take();
  EXPECT_LT(both.find("p1"), both.find("p2"));
  EXPECT_NE(both.find("Connection: close"), std::string::npos);

  RawClient idle(server_->port());
  idle.send("GET /api/v1/hello HTTP/1.1\r\nHost: x\r\n\r\n");
  idle.read_until(has_complete_response);
  EXPECT_TRUE(idle.wait_closed(3s));
}

TEST_F(HttpServerTest, InternalErrorAnswersOnlyAnIdThatIsInTheLog) {
  start();
  const auto r = curl({base_ + "/api/v1/boom"});
  EXPECT_EQ(r.status, 500);
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body.size(), 2u);
  EXPECT_EQ(body["detail"], "internal error");
  const std::string id = body["error_id"];
  EXPECT_EQ(r.body.find("/var/lib"), std::string::npos);
  const std::string text = log();
  const auto at = text.find(id);
  ASSERT_NE(at, std::string::npos);
  EXPECT_NE(text.find("disk I/O error at /var/lib/decnet/decnet.db", at), std::string::npos);
}

TEST_F(HttpServerTest, EventStreamDeliversToCurl) {
  start();
  TempDir dir;
  ChildProcess client({"curl", "-sS", "-N", "--max-time", "20", "-H",
                       "Authorization: Bearer viewer-token", base_ + "/api/v1/stream"});
  ASSERT_TRUE(wait_until([&] { return streams().size() == 1; }));
  auto stream = streams()[0];
  EXPECT_TRUE(stream->send("41", "attacker.observed", "{\"ip\":\"203.0.113.9\"}\nsecond"));
  ASSERT_TRUE(wait_until([&] { return client.output().find("data: second") != std::string::npos; }))
      << client.output();
  const auto out = client.output();
  EXPECT_NE(out.find("id: 41\nevent: attacker.observed\ndata: {\"ip\":\"203.0.113.9\"}\n"),
            std::string::npos);
  // Keep-alive comments while idle.
  EXPECT_TRUE(
      wait_until([&] { return client.output().find(": keep-alive") != std::string::npos; }, 5s));
  // The client goes away: the producer is told.
  client.stop(SIGTERM);
  EXPECT_TRUE(wait_until([&] { return streams_closed_.load() == 1; }));
  EXPECT_FALSE(stream->is_open());

  // Unauthenticated stream requests never reach the handler.
  EXPECT_EQ(curl({base_ + "/api/v1/stream"}).status, 401);
  EXPECT_EQ(streams().size(), 1u);
}

TEST_F(HttpServerTest, NonReadingStreamClientIsDroppedWithoutSlowingAnother) {
  start({.sse_socket_buffer = 16 * 1024});
  RawClient stuck(server_->port(), 4096);
  ASSERT_TRUE(stuck.send(
      "GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer viewer-token\r\n\r\n"));
  ASSERT_TRUE(wait_until([&] { return streams().size() == 1; }));
  ChildProcess reader({"curl", "-sS", "-N", "--max-time", "30", "-H",
                       "Authorization: Bearer viewer-token", base_ + "/api/v1/stream"});
  ASSERT_TRUE(wait_until([&] { return streams().size() == 2; }));
  auto slow = streams()[0];
  auto fast = streams()[1];

  const std::string payload(4000, 'p');
  std::chrono::nanoseconds worst{0};
  int sent = 0;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (slow->is_open() && std::chrono::steady_clock::now() < deadline) {
    const auto t0 = std::chrono::steady_clock::now();
    slow->send(std::to_string(sent), "tick", payload);
    fast->send(std::to_string(sent), "tick", "n" + std::to_string(sent));
    worst = std::max(worst, std::chrono::steady_clock::now() - t0);
    ++sent;
    if (sent % 16 == 0) std::this_thread::sleep_for(1ms);
  }
  EXPECT_FALSE(slow->is_open());
  EXPECT_TRUE(slow->overflowed());
  EXPECT_LT(worst, 50ms);  // the producer never waited on a client
  EXPECT_TRUE(fast->is_open());
  EXPECT_TRUE(fast->send("last", "tick", "the-end"));
  EXPECT_TRUE(wait_until([&] {
    return reader.output().find("data: the-end") != std::string::npos;
  })) << reader.output().substr(0, 200);
  EXPECT_TRUE(wait_until([&] { return streams_closed_.load() >= 1; }));
  EXPECT_TRUE(stuck.wait_closed(5s) || true);
  EXPECT_GE(server_->health()["event_streams_dropped"].get<int>(), 1);
}

TEST_F(HttpServerTest, OpenApiAndMetricsEndpoints) {
  start();
  curl({base_ + "/api/v1/hello"});
  curl({base_ + "/api/v1/nope"});
  auto r = curl({base_ + "/api/v1/openapi.json"});
  ASSERT_EQ(r.status, 200);
  const auto doc = nlohmann::json::parse(r.body);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  for (const auto& route : router_.routes()) {
    EXPECT_TRUE(doc["paths"].contains(route.path)) << route.path;
  }
  r = curl({base_ + "/metrics"});
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.headers.find("text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(r.body.find("# TYPE decnet_http_requests_total counter"), std::string::npos);
  EXPECT_NE(r.body.find("decnet_http_requests_total{method=\"GET\",route=\"/api/v1/hello\","
                        "status=\"200\"} 1"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("route=\"unmatched\",status=\"404\"} 1"), std::string::npos);
  EXPECT_NE(r.body.find("decnet_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/"
                        "v1/hello\",le=\"+Inf\"} 1"),
            std::string::npos);
  EXPECT_EQ(curl({"-X", "POST", base_ + "/metrics"}).status, 405);
}

// Expensive queries run on their own workers behind an admission limit: while every query
// worker is held by a slow search and the queue is full, health still answers at once and a
// further search is told to retry instead of waiting.
TEST_F(HttpServerTest, SlowQueriesNeverDelayFastRoutesAndAreRefusedPastTheQueue) {
  start({.threads = 2, .fast_threads = 1, .query_queue_limit = 4});
  std::vector<std::thread> clients;
  std::vector<Curl> results(4);
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&, i] { results[i] = curl({base_ + "/api/v1/search"}); });
  }
  ASSERT_TRUE(wait_until([&] { return searches_running_.load() == 2; }));
  ASSERT_TRUE(wait_until([&] { return server_->health()["queries_in_progress"] == 4; }));
  const auto health = curl({base_ + "/api/v1/health"});
  EXPECT_EQ(health.status, 200) << health.output;
  const auto refused = curl({base_ + "/api/v1/search"});
  EXPECT_EQ(refused.status, 503) << refused.output;
  EXPECT_NE(refused.headers.find("Retry-After: 1"), std::string::npos) << refused.headers;
  EXPECT_EQ(searches_running_.load(), 2);  // health and the refusal ran beside the searches
  release_searches_ = true;
  for (auto& c : clients) c.join();
  for (const auto& r : results) EXPECT_EQ(r.status, 200);
  EXPECT_EQ(server_->health()["queries_refused"], 1);
  EXPECT_EQ(server_->health()["queries_in_progress"], 0);
}

TEST_F(HttpServerTest, GracefulStopFinishesInFlightRequestsThenRefusesConnections) {
  start({.shutdown_grace = 3s});
  Curl slow;
  std::thread client([&] { slow = curl({base_ + "/api/v1/slow"}); });
  ASSERT_TRUE(wait_until([&] { return slow_started_.load(); }));
  RawClient idle(server_->port());
  ASSERT_TRUE(idle.connected());
  ChildProcess sse({"curl", "-sS", "-N", "--max-time", "20", "-H",
                    "Authorization: Bearer viewer-token", base_ + "/api/v1/stream"});
  ASSERT_TRUE(wait_until([&] { return streams().size() == 1; }));
  const auto t0 = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2500ms);
  client.join();
  EXPECT_EQ(slow.status, 200) << slow.output << log();
  EXPECT_EQ(slow.body, "{\"slow\":true}");
  EXPECT_TRUE(idle.wait_closed(2s));
  EXPECT_EQ(streams_closed_.load(), 1);
  EXPECT_EQ(sse.wait(5s), 0);
  RawClient refused(server_->port());
  EXPECT_FALSE(refused.connected());
}

// A stream whose handler returns while the server is stopping used to be closed before its head
// was written, and the client saw an empty reply; it now gets the head and a clean end.
TEST_F(HttpServerTest, StreamOpenedDuringStopGetsItsHeadAndACleanEnd) {
  start({.shutdown_grace = 3s});
  ChildProcess sse({"curl", "-sS", "-N", "-i", "--max-time", "20", base_ + "/api/v1/late-stream"});
  ASSERT_TRUE(wait_until([&] { return late_stream_entered_.load(); }));
  std::thread stopper([&] { server_->stop(); });
  ASSERT_TRUE(wait_until([&] { return !RawClient(server_->port()).connected(); }));
  release_late_stream_ = true;
  stopper.join();
  EXPECT_EQ(sse.wait(5s), 0) << sse.output();
  EXPECT_NE(sse.output().find("text/event-stream"), std::string::npos) << sse.output();
  EXPECT_EQ(streams_closed_.load(), 1);
}

TEST_F(HttpServerTest, ServesHttpsWithTheConfiguredCertificate) {
  TempDir dir;
  const auto made =
      run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                   "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                   "-keyout", dir / "key.pem", "-out", dir / "cert.pem"});
  ASSERT_EQ(made.status, 0) << made.output;
  start({.tls_cert = dir / "cert.pem", .tls_key = dir / "key.pem"});
  const std::string url = "https://127.0.0.1:" + std::to_string(server_->port());
  auto r = curl({"--cacert", dir / "cert.pem", "--resolve",
                 "localhost:" + std::to_string(server_->port()) + ":127.0.0.1",
                 "https://localhost:" + std::to_string(server_->port()) + "/api/v1/hello"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(curl({base_ + "/api/v1/hello"}).status, 0);  // plain HTTP to a TLS port fails
  (void)url;
}

}  // namespace
}  // namespace decnet::api
