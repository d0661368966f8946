#include "api/http/static_site.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <string>

#include "api/http/route_table.h"
#include "gzip_support.h"
#include "tests_support.h"

namespace decnet::api {
namespace {

using decnet::testing::gunzip;

using decnet::testing::TempDir;
namespace fs = std::filesystem;

void write_site_file_at(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

Request get(const std::string& target, const std::string& method = "GET") {
  Request r;
  r.method = method;
  r.set_target(target);
  return r;
}

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_ = "<!doctype html><title>DECNET</title>" + std::string(2000, ' ') + "<div id=root>";
    script_ = "console.log('dashboard');" + std::string(4000, ';');
    write_site_file_at(dir_ / "web/index.html", index_);
    write_site_file_at(dir_ / "web/assets/index-abc123.js", script_);
    write_site_file_at(dir_ / "web/favicon.svg", "<svg/>");
    write_site_file_at(dir_ / "web/.env", "SECRET=1");
    write_site_file_at(dir_ / "outside.txt", "private");
    fs::create_symlink(dir_ / "outside.txt", dir_ / "web/leak.txt");
    site_ = StaticSite::load(dir_ / "web");
  }

  TempDir dir_;
  std::string index_;
  std::string script_;
  StaticSite site_;
};

TEST_F(StaticSiteTest, ServesFilesWithTypesCachingAndSecurityHeaders) {
  ASSERT_TRUE(site_.available());
  EXPECT_EQ(site_.file_count(), 3u);  // no dotfile, no symlink
  auto r = site_.serve(get("/assets/index-abc123.js"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, script_);
  EXPECT_EQ(r->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(r->headers["Cache-Control"], "public, max-age=31536000, immutable");
  EXPECT_NE(r->headers["Content-Security-Policy"].find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(r->headers["X-Frame-Options"], "DENY");
  r = site_.serve(get("/"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, index_);
  EXPECT_EQ(r->headers["Cache-Control"], "no-cache");
  EXPECT_EQ(site_.serve(get("/favicon.svg"))->content_type, "image/svg+xml");
}

TEST_F(StaticSiteTest, GzipWhenAcceptedAndNotModifiedByETag) {
  auto req = get("/assets/index-abc123.js");
  req.headers["Accept-Encoding"] = "gzip, deflate, br";
  const auto zipped = site_.serve(req);
  ASSERT_TRUE(zipped);
  EXPECT_EQ(zipped->headers.at("Content-Encoding"), "gzip");
  EXPECT_EQ(zipped->headers.at("Vary"), "Accept-Encoding");
  EXPECT_LT(zipped->body.size(), script_.size());
  EXPECT_EQ(gunzip(zipped->body), script_);
  auto again = get("/assets/index-abc123.js");
  again.headers["If-None-Match"] = zipped->headers.at("ETag");
  const auto not_modified = site_.serve(again);
  EXPECT_EQ(not_modified->status, 304);
  EXPECT_TRUE(not_modified->body.empty());
  again.headers["If-None-Match"] = "\"something-else\"";
  EXPECT_EQ(site_.serve(again)->status, 200);
}

TEST_F(StaticSiteTest, ClientRoutesGetTheAppMissingAssetsDoNot) {
  const auto route = site_.serve(get("/attackers/01a24218-ecbe-74f6-a945-d89e86f50c91?x=1"));
  ASSERT_TRUE(route);
  EXPECT_EQ(route->body, index_);
  EXPECT_FALSE(site_.serve(get("/assets/missing-123.js")));
  EXPECT_FALSE(site_.serve(get("/api/v1/nope")));
  EXPECT_FALSE(site_.serve(get("/api")));
  EXPECT_FALSE(site_.serve(get("/metrics")));
  EXPECT_FALSE(site_.serve(get("/", "POST")));
  // HEAD is answered like GET; the server sends the head (with the GET's length) and no body.
  const auto head = site_.serve(get("/", "HEAD"));
  ASSERT_TRUE(head);
  EXPECT_EQ(head->body, index_);
  EXPECT_EQ(head->headers.at("Cache-Control"), "no-cache");
}

TEST_F(StaticSiteTest, NothingOutsideTheBuildIsReachable) {
  for (const char* target :
       {"/../outside.txt", "/%2e%2e/outside.txt", "/assets/../../outside.txt", "/leak.txt", "/.env",
        "/%2eenv", "/assets%2f..%2f..%2foutside.txt", "/assets\\..\\outside.txt", "/a%00b.js"}) {
    const auto r = site_.serve(get(target));
    EXPECT_TRUE(!r || r->body != "private") << target;
    EXPECT_TRUE(!r || r->body != "SECRET=1") << target;
    if (r) {
      EXPECT_EQ(r->body, index_) << target;  // only ever the app itself
    }
  }
}

TEST(StaticSite, MissingBuildExplainsItselfAndLimitsAreEnforced) {
  TempDir dir;
  const auto missing = StaticSite::load(dir / "nope");
  EXPECT_FALSE(missing.available());
  const auto page = missing.serve(get("/"));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 404);
  EXPECT_NE(page->body.find("not built"), std::string::npos);
  EXPECT_FALSE(missing.serve(get("/app.js")));
  EXPECT_FALSE(StaticSite().serve(get("/")));

  write_site_file_at(dir / "big/index.html", std::string(2048, 'x'));
  EXPECT_THROW(StaticSite::load(dir / "big", {.max_file_bytes = 1024}), std::runtime_error);
  write_site_file_at(dir / "many/index.html", "a");
  write_site_file_at(dir / "many/b.js", "b");
  EXPECT_THROW(StaticSite::load(dir / "many", {.max_files = 1}), std::runtime_error);
}

TEST(StaticSite, TheRouterFallsBackToItOnlyWhenNoRouteMatches) {
  TempDir dir;
  write_site_file_at(dir / "web/index.html", "<html>app</html>");
  const auto site = StaticSite::load(dir / "web");
  Router router;
  router.add({.method = "GET",
              .path = "/api/v1/ping",
              .access = Access::kPublic,
              .handler = [](const Request&, const Principal*) {
                return json(200, {{"ok", 1}});
              }});
  router.set_fallback([&site](const Request& r) { return site.serve(r); });
  auto req = get("/api/v1/ping");
  EXPECT_EQ(router.handle(req).response.body, R"({"ok":1})");
  req = get("/live");
  const auto page = router.handle(req);
  EXPECT_EQ(page.response.body, "<html>app</html>");
  EXPECT_EQ(page.route, "static");
  req = get("/api/v1/missing");
  const auto missing = router.handle(req);
  EXPECT_EQ(missing.response.status, 404);
  EXPECT_EQ(missing.response.body, R"({"detail":"Not Found"})");
}

}  // namespace
}  // namespace decnet::api
