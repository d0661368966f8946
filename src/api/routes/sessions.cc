// Sessions: an attacker's connections, each with its events, commands and outcome. The list of
// one attacker's sessions lives under /api/v1/attackers/{uuid}/sessions; one session, with the
// attacker's events inside its time window (whatever decky logged them: a shell's commands come
// from the decky's bash hook, not from the SSH service), under /api/v1/sessions/{uuid}.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "api/http/api_error.h"
#include "api/routes/json_views.h"
#include "api/routes/route_params.h"
#include "api/routes/routes.h"
#include "identity/shell_recording.h"
#include "store/attacker_repository.h"
#include "store/log_repository.h"
#include "store/session_repository.h"

namespace decnet::api {
namespace {

constexpr std::int64_t kSessionEvents = 500;
// A replay in the browser needs no more; a longer recording is cut and says so.
constexpr std::size_t kReplayEvents = 20'000;

// The recording's file, only if it lies inside <data dir>/artifacts: the path comes from a row,
// and a row is never trusted to name a file.
std::optional<std::filesystem::path> recording_file(const std::filesystem::path& data_dir,
                                                    const std::string& relative) {
  std::error_code ec;
  const auto root = std::filesystem::weakly_canonical(data_dir / "artifacts", ec);
  if (ec) return std::nullopt;
  const auto file = std::filesystem::weakly_canonical(data_dir / relative, ec);
  if (ec) return std::nullopt;
  const auto [end, _] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (end != root.end() || !std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  return file;
}

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
  if (!ctx.config) return;
  router.add(
      {.method = "GET",
       .path = "/api/v1/sessions/{uuid}/recording",
       .access = Access::kViewer,
       .summary = "The session's recording as terminal events (t, ch, d) for a replay",
       .tag = "sessions",
       .handler = [&ctx](const Request& req, const Principal*) {
         const auto session = ctx.repo.sessions().get_session(req.param("uuid"));
         if (!session) throw not_found("Session not found");
         if (!session->recording || !session->session_id) {
           throw not_found("No recording for this session");
         }
         const auto file = recording_file(ctx.config->data_dir(), *session->recording);
         if (!file) throw not_found("The recording is no longer kept");
         std::ifstream in(*file, std::ios::binary);
         const std::string shard((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
         const auto events = identity::parse_shard(shard, *session->session_id, kReplayEvents + 1);
         auto list = nlohmann::json::array();
         for (std::size_t i = 0; i < events.size() && i < kReplayEvents; ++i) {
           list.push_back(
               {{"t", events[i].t}, {"ch", std::string(1, events[i].kind)}, {"d", events[i].data}});
         }
         return json(200, {{"session_uuid", session->uuid},
                           {"events", std::move(list)},
                           {"truncated", events.size() > kReplayEvents}});
       }});
}

}  // namespace decnet::api
