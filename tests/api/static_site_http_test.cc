// The dashboard as a browser gets it: a real ApiService (the one `decnet serve` runs) on a
// loopback port, asked with curl and, where the exact bytes on the wire matter (HEAD, raw
// traversal targets), with a plain socket. Covers content types, gzip (decompressed and
// compared), ETags and 304, cache and security headers, the single-page-app fallback, what
// stays the router's (API paths, other methods), traversal attempts, and an API that starts and
// works without a built dashboard.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <fstream>
#include <map>
#include <sstream>

#include "api/api_service.h"
#include "bus/inprocess_bus.h"
#include "core/config.h"
#include "gzip_support.h"
#include "store/repository.h"
#include "tests_support.h"

namespace decnet::api {
namespace {

using decnet::testing::gunzip;

namespace fs = std::filesystem;
using testing::run_command;
using testing::TempDir;

constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
    "data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

void write_site_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct SiteReply {
  int status = 0;
  std::map<std::string, std::string, std::less<>> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

std::map<std::string, std::string, std::less<>> parse_headers(const std::string& head) {
  std::map<std::string, std::string, std::less<>> out;
  std::istringstream lines(head);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    out[name] = value;
  }
  return out;
}

// Sends `request` as is and reads until the server closes (requests say Connection: close).
std::string raw_exchange(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string received;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
    char chunk[4096];
    ssize_t n;
    while ((n = ::recv(fd, chunk, sizeof chunk, 0)) > 0) received.append(chunk, n);
  }
  ::close(fd);
  return received;
}

SiteReply parse_raw(const std::string& raw) {
  SiteReply r;
  const auto end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || end == std::string::npos) return r;
  r.status = std::atoi(raw.c_str() + 9);
  r.headers = parse_headers(raw.substr(0, end));
  r.body = raw.substr(end + 4);
  return r;
}

class DashboardHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_ = "<!doctype html><title>DECNET</title><div id=root></div>" + std::string(3000, ' ');
    script_ = "console.log('dashboard');\n" + std::string(6000, ';');
    web_ = dir_ / "web";
    write_site_file(web_ / "index.html", index_);
    write_site_file(web_ / "assets/app-abc123.js", script_);
    write_site_file(web_ / "assets/app-abc123.css", "body{margin:0}");
    write_site_file(web_ / "favicon.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
    write_site_file(web_ / "nested/dir/data.json", R"({"nested":true})");
    write_site_file(web_ / ".env", "SECRET=dotfile");
    write_site_file(dir_ / "outside.txt", "outside-the-root");
    fs::create_symlink(dir_ / "outside.txt", web_ / "leak.txt");
    fs::create_symlink(dir_ / "outside.txt", web_ / "assets/leak.js");
  }

  void TearDown() override {
    stop();
    bus_.close();
  }

  void start(const std::string& web_dir) {
    port_ = testing::free_port();
    fs::create_directories(dir_ / "var");
    config_ = std::make_unique<core::Config>(core::Config::with({
        {"DECNET_DATA_DIR", (dir_ / "var").string()},
        {"DECNET_API_PORT", std::to_string(port_)},
        {"DECNET_ADMIN_PASSWORD", "correct horse battery staple"},
        {"DECNET_WEB_DIR", web_dir},
    }));
    repo_ = store::open_repository(*config_);
    api_ = std::make_unique<ApiService>(*config_, *repo_, bus_, std::vector<std::string>{});
    api_->start();
  }

  void stop() {
    if (api_) api_->stop();
    api_.reset();
    if (repo_) repo_->close();
    repo_.reset();
  }

  SiteReply curl(const std::string& path, std::vector<std::string> extra = {}) {
    const auto body = dir_ / "body";
    const auto head = dir_ / "head";
    fs::remove(body);
    fs::remove(head);
    std::vector<std::string> argv = {"curl",        "-s", "--path-as-is", "-o", body.string(), "-D",
                                     head.string(), "-w", "%{http_code}"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("http://127.0.0.1:" + std::to_string(port_) + path);
    const auto result = run_command(argv);
    SiteReply r;
    r.status = std::atoi(result.output.c_str());
    r.headers = parse_headers(read(head));
    r.body = read(body);
    return r;
  }

  SiteReply raw(const std::string& method, const std::string& target) {
    return parse_raw(raw_exchange(port_, method + " " + target +
                                             " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                             "Connection: close\r\n\r\n"));
  }

  static void expect_security_headers(const SiteReply& r, const std::string& what) {
    EXPECT_EQ(r.header("content-security-policy"), kCsp) << what;
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << what;
    EXPECT_EQ(r.header("referrer-policy"), "no-referrer") << what;
    EXPECT_EQ(r.header("x-frame-options"), "DENY") << what;
  }

  TempDir dir_;
  fs::path web_;
  std::string index_;
  std::string script_;
  int port_ = 0;
  bus::InProcessBus bus_;
  std::unique_ptr<core::Config> config_;
  std::unique_ptr<store::Repository> repo_;
  std::unique_ptr<ApiService> api_;
};

TEST_F(DashboardHttpTest, ServesFilesWithTypesCachingAndSecurityHeaders) {
  start(web_.string());
  const auto root = curl("/");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.body, index_);
  EXPECT_EQ(root.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(root.header("cache-control"), "no-cache");
  EXPECT_FALSE(root.header("etag").empty());
  expect_security_headers(root, "/");
  EXPECT_EQ(curl("/index.html").body, index_);

  const auto script = curl("/assets/app-abc123.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.body, script_);
  EXPECT_EQ(script.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_TRUE(script.header("content-encoding").empty());
  expect_security_headers(script, "script");

  EXPECT_EQ(curl("/assets/app-abc123.css").header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(curl("/favicon.svg").header("content-type"), "image/svg+xml");
  EXPECT_EQ(curl("/favicon.svg").header("cache-control"), "no-cache");
  const auto nested = curl("/nested/dir/data.json");
  EXPECT_EQ(nested.status, 200);
  EXPECT_EQ(nested.body, R"({"nested":true})");
  EXPECT_EQ(nested.header("content-type"), "application/json");
}

TEST_F(DashboardHttpTest, GzipAndConditionalRequests) {
  start(web_.string());
  const auto plain = curl("/assets/app-abc123.js");
  const auto zipped = curl("/assets/app-abc123.js", {"-H", "Accept-Encoding: gzip, br"});
  EXPECT_EQ(zipped.status, 200);
  EXPECT_EQ(zipped.header("content-encoding"), "gzip");
  EXPECT_EQ(zipped.header("vary"), "Accept-Encoding");
  EXPECT_EQ(plain.header("vary"), "Accept-Encoding");
  EXPECT_LT(zipped.body.size(), script_.size());
  EXPECT_EQ(gunzip(zipped.body), script_);
  // One strong tag per representation.
  EXPECT_NE(zipped.header("etag"), plain.header("etag"));
  EXPECT_TRUE(curl("/assets/app-abc123.js", {"-H", "Accept-Encoding: gzip;q=0"})
                  .header("content-encoding")
                  .empty());

  for (const auto& tag : {plain.header("etag"), zipped.header("etag"), "W/" + plain.header("etag"),
                          "\"other\", " + plain.header("etag")}) {
    const auto again = curl("/assets/app-abc123.js", {"-H", "If-None-Match: " + tag});
    EXPECT_EQ(again.status, 304) << tag;
    EXPECT_TRUE(again.body.empty()) << tag;
    EXPECT_FALSE(again.header("etag").empty()) << tag;
    EXPECT_TRUE(again.header("content-length").empty()) << tag;
    expect_security_headers(again, "304");
  }
  EXPECT_EQ(curl("/assets/app-abc123.js", {"-H", "If-None-Match: \"other\""}).status, 200);
  // index.html is revalidated the same way, also when reached as a client-side route.
  const auto index = curl("/");
  EXPECT_EQ(curl("/attackers/abc", {"-H", "If-None-Match: " + index.header("etag")}).status, 304);
}

TEST_F(DashboardHttpTest, ClientRoutesGetTheAppEverythingElseStaysWithTheRouter) {
  start(web_.string());
  for (const char* route : {"/attackers/xyz", "/attackers/0190a3c2-1e7b-7b3a-9c1d-2b7f6e5d4c3b",
                            "/live", "/credentials?secret=1", "/assets/"}) {
    const auto r = curl(route);
    EXPECT_EQ(r.status, 200) << route;
    EXPECT_EQ(r.body, index_) << route;
    EXPECT_EQ(r.header("cache-control"), "no-cache") << route;
  }
  const auto missing = curl("/missing.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body, index_);
  for (const char* api : {"/api/v1/nope", "/api", "/%61pi/v1/nope", "/metrics/x"}) {
    const auto r = curl(api);
    EXPECT_EQ(r.status, 404) << api;
    EXPECT_EQ(nlohmann::json::parse(r.body, nullptr, false),
              (nlohmann::json{{"detail", "Not Found"}}))
        << api;
  }
  EXPECT_EQ(curl("/api/v1/health").status, 200);
  for (const char* method : {"POST", "PUT", "DELETE"}) {
    const auto r = curl("/", {"-X", method});
    EXPECT_TRUE(r.status == 404 || r.status == 405) << method << " " << r.status;
    EXPECT_NE(r.body, index_) << method;
  }
  // The static paths are not API operations.
  const auto doc = nlohmann::json::parse(curl("/api/v1/openapi.json").body);
  for (const auto& [path, ops] : doc["paths"].items()) {
    EXPECT_TRUE(path.starts_with("/api/") || path == "/metrics") << path;
  }
}

TEST_F(DashboardHttpTest, HeadHasTheGetHeadersAndNoBody) {
  start(web_.string());
  const auto get = raw("GET", "/assets/app-abc123.js");
  const auto head = raw("HEAD", "/assets/app-abc123.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty()) << head.body.size() << " bytes after the head";
  EXPECT_EQ(head.header("content-length"), std::to_string(script_.size()));
  EXPECT_EQ(head.header("content-length"), get.header("content-length"));
  EXPECT_EQ(head.header("etag"), get.header("etag"));
  EXPECT_EQ(get.body, script_);
  const auto spa = raw("HEAD", "/attackers/xyz");
  EXPECT_EQ(spa.status, 200);
  EXPECT_TRUE(spa.body.empty());
  EXPECT_EQ(spa.header("content-length"), std::to_string(index_.size()));
}

TEST_F(DashboardHttpTest, NothingOutsideTheBuildIsReachable) {
  start(web_.string());
  for (const char* target :
       {"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/outside.txt",
        "/assets/..%2f..%2f..%2fetc%2fpasswd", "/assets/../../outside.txt",
        "/..%5c..%5coutside.txt", "/assets%5c..%5c..%5coutside.txt", "/a%00b.js", "/%00",
        "/leak.txt", "/assets/leak.js", "/.env", "/%2eenv", "/./index.html"}) {
    const auto r = raw("GET", target);
    EXPECT_NE(r.status, 0) << target;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("outside-the-root"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("SECRET=dotfile"), std::string::npos) << target;
    // Refused, not found, or at most the app itself (a dotfile name is a client route).
    if (r.status == 200) {
      EXPECT_EQ(r.body, index_) << target;
    } else {
      EXPECT_TRUE(r.status == 400 || r.status == 404) << target << " " << r.status;
    }
  }
}

TEST_F(DashboardHttpTest, WithoutABuildTheApiStillWorks) {
  std::ostringstream log;
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  start((dir_ / "not-built").string());
  spdlog::set_default_logger(previous);
  const auto text = log.str();
  const auto warning = text.find("no built dashboard");
  EXPECT_NE(warning, std::string::npos) << text;
  EXPECT_EQ(text.find("no built dashboard", warning + 1), std::string::npos) << text;

  for (const char* path : {"/", "/attackers/xyz"}) {
    const auto page = curl(path);
    EXPECT_EQ(page.status, 404) << path;
    EXPECT_NE(page.body.find("not built"), std::string::npos) << path;
    EXPECT_NE(page.body.find("make"), std::string::npos) << path;
  }
  EXPECT_EQ(curl("/app.js").status, 404);
  EXPECT_EQ(curl("/api/v1/health").status, 200);
  EXPECT_EQ(curl("/api/v1/stats").status, 401);
}

TEST_F(DashboardHttpTest, OffServesNoDashboard) {
  start("off");
  const auto r = curl("/");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(nlohmann::json::parse(r.body, nullptr, false),
            (nlohmann::json{{"detail", "Not Found"}}));
  EXPECT_EQ(curl("/api/v1/health").status, 200);
}

}  // namespace
}  // namespace decnet::api
