// Sessions: an attacker's connections, each with its events, commands and outcome. The list of
// one attacker's sessions lives under /api/v1/attackers/{uuid}/sessions; one session, with the
// attacker's events inside its time window (whatever decky logged them: a shell's commands come
// from the decky's bash hook, not from the SSH service), under /api/v1/sessions/{uuid}.
#include "api/http/api_error.h"
#include "api/routes/json_views.h"
#include "api/routes/route_params.h"
#include "api/routes/routes.h"
#include "store/attacker_repository.h"
#include "store/log_repository.h"
#include "store/session_repository.h"

namespace decnet::api {
namespace {

constexpr std::int64_t kSessionEvents = 500;

}  // namespace

void add_session_routes(Router& router, ApiContext& ctx) {
  router.add({.method = "GET",
              .path = "/api/v1/attackers/{uuid}/sessions",
              .access = Access::kViewer,
              .summary = "The attacker's sessions, newest first",
              .tag = "sessions",
              .query = page_params(),
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto& uuid = req.param("uuid");
                if (!ctx.repo.attackers().get(uuid)) throw not_found("Attacker not found");
                return json(200, page_json(ctx.repo.sessions().list_sessions_for_attacker(
                                     uuid, page_request(req))));
              }});
  router.add({.method = "GET",
              .path = "/api/v1/sessions/{uuid}",
              .access = Access::kViewer,
              .summary = "One session with its commands and the events inside it",
              .tag = "sessions",
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto session = ctx.repo.sessions().get_session(req.param("uuid"));
                if (!session) throw not_found("Session not found");
                auto body = to_api_json(*session);
                store::LogQuery q;
                q.attacker_uuid = session->attacker_uuid;
                q.start = session->started_at;
                q.end = session->ended_at.value_or(session->last_event_at);
                q.newest_first = false;
                q.page = {kSessionEvents, 0};
                const auto events = ctx.repo.logs().list(q);
                body["events"] = array_json(events.data);
                body["events_total"] = events.total;
                return json(200, body);
              }});
}

}  // namespace decnet::api
