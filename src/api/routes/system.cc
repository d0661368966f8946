// Health, workers and effective configuration: what an operator or a monitoring system asks
// about the process itself. Health answers 503 when the database or the bus is degraded, so a
// load balancer or uptime check notices.
#include "api/http/api_error.h"
#include "api/routes/routes.h"
#include "api/routes/worker_registry.h"
#include "bus/topics.h"
#include "core/time.h"

namespace decnet::api {
namespace {

nlohmann::json optional_number(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

void add_system_routes(Router& router, ApiContext& ctx) {
  router.add({.method = "GET",
              .path = "/api/v1/health",
              .access = Access::kPublic,
              .lane = Lane::kFast,
              .summary = "Database, bus and worker status; 503 when degraded",
              .tag = "system",
              .handler = [&ctx](const Request&, const Principal*) {
                const auto store = ctx.repo.health();
                const auto bus = ctx.bus.health();
                const bool ok = store.ok && bus.connected;
                nlohmann::json workers = nlohmann::json::object();
                if (ctx.workers) {
                  for (const auto& row : ctx.workers->snapshot(core::now_epoch_seconds())) {
                    workers[row.name] = row.status;
                  }
                }
                return json(ok ? 200 : 503, {{"status", ok ? "ok" : "degraded"},
                                             {"database",
                                              {{"ok", store.ok},
                                               {"backend", store.backend},
                                               {"queued_writes", store.queued_writes}}},
                                             {"bus", bus::to_json(bus)},
                                             {"workers", std::move(workers)},
                                             {"ts", core::format_rfc3339(core::now_micros())}});
              }});
  if (ctx.workers) {
    router.add({.method = "GET",
                .path = "/api/v1/workers",
                .access = Access::kViewer,
                .lane = Lane::kFast,
                .summary = "Each worker's last heartbeat: ok, stale after 90 s, or unknown",
                .tag = "system",
                .handler = [&ctx](const Request&, const Principal*) {
                  const auto now = core::now_epoch_seconds();
                  auto rows = nlohmann::json::array();
                  for (const auto& r : ctx.workers->snapshot(now)) {
                    rows.push_back({{"name", r.name},
                                    {"status", r.status},
                                    {"last_heartbeat_ts", optional_number(r.last_heartbeat_ts)},
                                    {"seconds_since", optional_number(r.seconds_since)},
                                    {"extra", r.extra}});
                  }
                  return json(200, {{"workers", std::move(rows)},
                                    {"generated_at", now},
                                    {"bus_connected", ctx.bus.health().connected}});
                }});
    router.add({.method = "POST",
                .path = "/api/v1/workers/{name}/stop",
                .access = Access::kAdmin,
                .lane = Lane::kFast,
                .summary = "Ask a worker to stop (system.<name>.control)",
                .tag = "system",
                .success_status = 202,
                .handler = [&ctx](const Request& req, const Principal* who) {
                  const auto& name = req.param("name");
                  if (!ctx.workers->knows(name)) throw not_found("Unknown worker");
                  ctx.bus.publish(bus::topics::system_control(name),
                                  {{"action", bus::topics::kWorkerControlStop},
                                   {"requested_by", who->username},
                                   {"ts", core::now_epoch_seconds()}},
                                  bus::topics::kSystemControl);
                  return json(202, {{"accepted", true}, {"worker", name}, {"action", "stop"}});
                }});
  }
  if (ctx.config) {
    router.add({.method = "GET",
                .path = "/api/v1/config",
                .access = Access::kAdmin,
                .lane = Lane::kFast,
                .summary = "Effective settings and their source; secrets masked",
                .tag = "system",
                .handler = [&ctx](const Request&, const Principal*) {
                  auto settings = nlohmann::json::array();
                  for (const auto& spec : core::settings_table()) {
                    const auto& v = ctx.config->value(spec.name);
                    settings.push_back({{"name", spec.name},
                                        {"value", ctx.config->display_value(spec.name)},
                                        {"source", core::source_name(v.source)},
                                        {"description", spec.description}});
                  }
                  return json(200, {{"settings", std::move(settings)}});
                }});
  }
}

}  // namespace decnet::api
