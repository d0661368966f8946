// Health of the process as a monitoring system sees it: the database and the bus, each with
// its own status, and 503 when either is degraded so a load balancer or uptime check notices.
#include "api/routes.h"
#include "core/time.h"

namespace decnet::api {

void add_system_routes(Router& router, ApiContext& ctx) {
  router.add({.method = "GET",
              .path = "/api/v1/health",
              .access = Access::kPublic,
              .summary = "Database and bus status; 503 when degraded",
              .tag = "system",
              .handler = [&ctx](const Request&, const Principal*) {
                const auto store = ctx.repo.health();
                const auto bus = ctx.bus.health();
                const bool ok = store.ok && bus.connected;
                return json(ok ? 200 : 503,
                            {{"status", ok ? "ok" : "degraded"},
                             {"database", {{"ok", store.ok}, {"backend", store.backend}}},
                             {"bus", {{"ok", bus.connected}, {"transport", bus.transport}}},
                             {"ts", core::format_rfc3339(core::now_micros())}});
              }});
}

}  // namespace decnet::api
