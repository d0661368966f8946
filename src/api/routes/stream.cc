// GET /api/v1/stream: the live event feed as Server-Sent Events. Browsers cannot put a bearer
// token on an EventSource, so the stream is opened with a single-use 60-second ticket from
// POST /auth/sse-ticket instead; a token never appears in a URL (or an access log).
#include "api/http/api_error.h"
#include "api/routes/json_views.h"
#include "api/routes/routes.h"
#include "api/routes/stream_hub.h"
#include "bus/matcher.h"
#include "core/json_text.h"
#include "store/identity_repository.h"

namespace decnet::api {
namespace {

constexpr const char* kDefaultTopics =
    "system.log,attacker.>,credential.>,identity.>,campaign.>,attribution.>";

std::vector<bus::Pattern> parse_topics(const std::string& text) {
  std::vector<bus::Pattern> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const auto part =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) {
      if (auto error = bus::pattern_error(part)) throw unprocessable("topics", *error);
      out.emplace_back(part);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out.empty() || out.size() > 32) throw unprocessable("topics", "1 to 32 patterns");
  return out;
}

// Opens a stream of `patterns` for the ticket's holder; `snapshot`, when given, is sent first as
// `event: snapshot` (the state the events that follow change).
Response open_stream(ApiContext& ctx, const Request& req, std::vector<bus::Pattern> patterns,
                     const std::function<nlohmann::json()>& snapshot) {
  auto principal = ctx.tickets.redeem(req.query_string("ticket", ""));
  // A ticket is only as good as the token it was issued under, now.
  if (!principal || !ctx.tokens.still_valid(*principal)) {
    throw unauthorized("invalid or expired ticket");
  }
  std::optional<std::uint64_t> last_id;
  if (const auto header = req.header("Last-Event-ID"); header && !header->empty()) {
    try {
      last_id = std::stoull(std::string(*header));
    } catch (const std::exception&) {
      throw unprocessable("Last-Event-ID", "must be a number");
    }
  }
  auto stream = std::make_shared<EventStream>();
  if (ctx.streams->open(*principal, std::move(patterns), stream, last_id) ==
      StreamHub::OpenResult::kTooMany) {
    throw too_many_requests(std::chrono::seconds(5), "too many open streams");
  }
  stream->comment("connected");  // tells the client the subscription is in place
  if (snapshot) stream->send("", "snapshot", core::json_text(snapshot()));
  return Response::stream(std::move(stream));
}

QueryParam ticket_param() {
  return {.name = "ticket",
          .type = ParamType::kString,
          .required = true,
          .description = "single-use ticket from POST /api/v1/auth/sse-ticket"};
}

constexpr std::int64_t kSnapshotRows = 50;

}  // namespace

void add_stream_routes(Router& router, ApiContext& ctx) {
  if (!ctx.streams) return;
  router.add({.method = "GET",
              .path = "/api/v1/stream",
              .access = Access::kPublic,
              .lane = Lane::kFast,
              .summary = "Live events (SSE), opened with a ticket from POST /auth/sse-ticket",
              .tag = "stream",
              .query = {ticket_param(),
                        {.name = "topics",
                         .type = ParamType::kString,
                         .description = "comma-separated bus patterns",
                         .default_value = kDefaultTopics}},
              .response_content_type = "text/event-stream",
              .handler = [&ctx](const Request& req, const Principal*) {
                return open_stream(ctx, req,
                                   parse_topics(req.query_string("topics", kDefaultTopics)), {});
              }});
  // The identity and campaign channels: a snapshot of the most recently changed rows, then
  // every identity.> or campaign.> event (named after its full topic, as on /stream).
  router.add({.method = "GET",
              .path = "/api/v1/identities/events",
              .access = Access::kPublic,
              .lane = Lane::kFast,
              .summary = "Identity events (SSE) after a snapshot of recent identities; opened "
                         "with a ticket",
              .tag = "identities",
              .query = {ticket_param()},
              .response_content_type = "text/event-stream",
              .handler = [&ctx](const Request& req, const Principal*) {
                return open_stream(ctx, req, {bus::Pattern("identity.>")}, [&ctx] {
                  const auto page = ctx.repo.identities().list_identities({kSnapshotRows, 0});
                  return nlohmann::json{{"identities", array_json(page.data)}};
                });
              }});
  router.add({.method = "GET",
              .path = "/api/v1/campaigns/events",
              .access = Access::kPublic,
              .lane = Lane::kFast,
              .summary = "Campaign events (SSE) after a snapshot of recent campaigns; opened "
                         "with a ticket",
              .tag = "campaigns",
              .query = {ticket_param()},
              .response_content_type = "text/event-stream",
              .handler = [&ctx](const Request& req, const Principal*) {
                return open_stream(ctx, req, {bus::Pattern("campaign.>")}, [&ctx] {
                  const auto page = ctx.repo.campaigns().list_campaigns({kSnapshotRows, 0});
                  return nlohmann::json{{"campaigns", array_json(page.data)}};
                });
              }});
}

}  // namespace decnet::api
