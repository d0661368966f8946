// GET /api/v1/stats: the dashboard's overview. Counts of events, attackers, credentials and
// reuse findings, each with how many are new in the last 24 hours, and top tens of services and
// deckies (events of the last 24 hours), countries (attackers, all time), usernames and
// passwords (attempts, all time). The reference's four figures (total_logs, unique_attackers,
// deployed_deckies, active_deckies) are kept alongside, so scripts written for its /stats keep
// working.
//
// The body depends on the clock as well as the data, and under ingest the data changes with
// every commit, so it is cached for a fixed five-second slot rather than per database version:
// however many dashboards poll, the store is asked at most once per slot.
#include <memory>
#include <mutex>

#include "api/http/response_cache.h"
#include "api/routes/routes.h"
#include "core/json_text.h"
#include "core/time.h"
#include "store/stats_repository.h"

namespace decnet::api {
namespace {

constexpr std::int64_t kWindow = 24LL * 3600 * 1'000'000;
constexpr std::int64_t kCacheSlot = 5'000'000;
constexpr int kTop = 10;

nlohmann::json windowed(const store::WindowedCount& c) {
  return {{"total", c.total}, {"last_24h", c.recent}};
}

nlohmann::json named(const std::vector<store::NamedCount>& items) {
  auto out = nlohmann::json::array();
  for (const auto& i : items) out.push_back({{"name", i.name}, {"count", i.count}});
  return out;
}

nlohmann::json stats_body(store::Repository& repo, std::int64_t now) {
  const auto s = repo.stats().overview(now - kWindow, kTop);
  return {{"generated_at", core::format_rfc3339(now, false)},
          {"events", windowed(s.events)},
          {"attackers", windowed(s.attackers)},
          {"credentials", windowed(s.credentials)},
          {"reuse_findings", windowed(s.reuse_findings)},
          {"top_services", named(s.top_services)},
          {"top_deckies", named(s.top_deckies)},
          {"top_countries", named(s.top_countries)},
          {"top_usernames", named(s.top_usernames)},
          {"top_passwords", named(s.top_passwords)},
          {"total_logs", s.events.total},
          {"unique_attackers", s.attackers.total},
          {"deployed_deckies", s.deckies_deployed},
          {"active_deckies", s.deckies_running}};
}

nlohmann::json stats_schema() {
  const nlohmann::json count = {{"type", "integer"}, {"minimum", 0}};
  const nlohmann::json window = {{"type", "object"},
                                 {"required", {"total", "last_24h"}},
                                 {"properties", {{"total", count}, {"last_24h", count}}}};
  const nlohmann::json top = {
      {"type", "array"},
      {"maxItems", kTop},
      {"items",
       {{"type", "object"},
        {"required", {"name", "count"}},
        {"properties", {{"name", {{"type", "string"}}}, {"count", count}}}}}};
  return {{"type", "object"},
          {"properties",
           {{"generated_at", {{"type", "string"}, {"format", "date-time"}}},
            {"events", window},
            {"attackers", window},
            {"credentials", window},
            {"reuse_findings", window},
            {"top_services", top},
            {"top_deckies", top},
            {"top_countries", top},
            {"top_usernames", top},
            {"top_passwords", top},
            {"total_logs", count},
            {"unique_attackers", count},
            {"deployed_deckies", count},
            {"active_deckies", count}}}};
}

}  // namespace

void add_stats_routes(Router& router, ApiContext& ctx) {
  // Requests of one slot wait for the first to build the body instead of building it each.
  struct Cache {
    std::mutex mu;
    ResponseCache bodies{4, 1 << 20};
  };
  auto cache = std::make_shared<Cache>();
  router.add({.method = "GET",
              .path = "/api/v1/stats",
              .access = Access::kViewer,
              .summary = "Overview: totals, new in the last 24 hours, top tens",
              .tag = "stats",
              .response_schema = stats_schema(),
              .handler = [&ctx, cache](const Request&, const Principal*) {
                const auto now = core::now_micros();
                const auto slot = static_cast<std::uint64_t>(now / kCacheSlot);
                Response r;
                std::lock_guard lock(cache->mu);
                if (auto body = cache->bodies.get("stats", slot)) {
                  r.body = std::move(*body);
                } else {
                  r.body = core::json_text(stats_body(ctx.repo, now));
                  cache->bodies.put("stats", slot, r.body);
                }
                return r;
              }});
}

}  // namespace decnet::api
