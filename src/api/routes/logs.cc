// /api/v1/logs, /logs/histogram and /dead-letters: the raw event table the dashboard's log view
// pages through, its time histogram, and the lines that could not be parsed. Search terms and
// filters go to the store as bound values (the store's grammar is in log_repository.h), so no
// query text ever becomes SQL; the reference's `start_time`/`end_time` names are accepted next to
// `start`/`end`. Dead letters are admin-only: they hold whatever a client sent, unparsed.
#include "api/http/api_error.h"
#include "api/routes/json_views.h"
#include "api/routes/route_params.h"
#include "api/routes/routes.h"
#include "store/log_repository.h"

namespace decnet::api {
namespace {

std::vector<QueryParam> log_filter_params() {
  return {text_param("search",
                     "Terms ANDed: key:value on decky/service/event/attacker or a field "
                     "of `fields`; bare words match raw line, decky, service, address",
                     512),
          text_param("decky", "Decky name"),
          text_param("service", "Service name"),
          text_param("event_type", "Event type"),
          text_param("attacker_ip", "Attacker address", 64),
          time_param("start", "Earliest event time, inclusive"),
          time_param("end", "Latest event time, inclusive"),
          time_param("start_time", "Alias of start"),
          time_param("end_time", "Alias of end")};
}

store::LogQuery log_query(const Request& req) {
  store::LogQuery q;
  q.search = optional_text(req, {"search"}).value_or("");
  if (store::split_search_terms(q.search).size() > store::kMaxSearchTerms) {
    throw unprocessable("search", "at most " + std::to_string(store::kMaxSearchTerms) + " terms");
  }
  q.decky = optional_text(req, {"decky"});
  q.service = optional_text(req, {"service"});
  q.event_type = optional_text(req, {"event_type"});
  q.attacker_ip = optional_text(req, {"attacker_ip"});
  q.start = optional_time(req, {"start", "start_time"});
  q.end = optional_time(req, {"end", "end_time"});
  return q;
}

template <typename... Lists>
std::vector<QueryParam> concat(std::vector<QueryParam> first, Lists... rest) {
  (first.insert(first.end(), rest.begin(), rest.end()), ...);
  return first;
}

}  // namespace

void add_log_routes(Router& router, ApiContext& ctx) {
  router.add({.method = "GET",
              .path = "/api/v1/logs",
              .access = Access::kViewer,
              .summary = "Events, newest first",
              .tag = "logs",
              .query = concat(log_filter_params(), page_params()),
              .handler = [&ctx](const Request& req, const Principal*) {
                auto q = log_query(req);
                q.page = page_request(req);
                q.newest_first = true;
                return json(200, page_json(ctx.repo.logs().list(q)));
              }});
  router.add({.method = "GET",
              .path = "/api/v1/logs/histogram",
              .access = Access::kViewer,
              .summary = "Event counts per time bucket, oldest first",
              .tag = "logs",
              .query = concat(log_filter_params(),
                              std::vector<QueryParam>{{.name = "bucket_seconds",
                                                       .type = ParamType::kInt,
                                                       .min = 60,
                                                       .max = 86400,
                                                       .description = "Bucket width in seconds",
                                                       .default_value = 300}}),
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto q = log_query(req);
                const auto width = req.query_int("bucket_seconds", 300);
                return json(200, array_json(ctx.repo.logs().histogram(q, width)));
              }});
  router.add({.method = "GET",
              .path = "/api/v1/dead-letters",
              .access = Access::kAdmin,
              .summary = "Lines that could not be parsed, newest first",
              .tag = "logs",
              .query = page_params(),
              .handler = [&ctx](const Request& req, const Principal*) {
                return json(200, page_json(ctx.repo.dead_letters().list(page_request(req))));
              }});
}

}  // namespace decnet::api
