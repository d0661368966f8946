// /api/v1/attackers: the attacker list the dashboard opens on, one attacker's full picture, its
// events and its cached threat intel. The detail view gathers what the other domains know about
// the attacker (credentials, reuse findings, intel, SMTP victims, fingerprint states, targets) in
// one response so the attacker page needs one request; each part is bounded, so a very busy
// attacker cannot make the response unbounded. The reference's `sort_by` is accepted as an alias
// of `sort`.
//
// The list is the page every dashboard opens on and polls, so it is written straight into the
// response text instead of through a JSON tree: building 50 tree objects of 29 members each and
// then serialising them cost about two thirds of the request (bench/bench_api.cc). The output is
// the same document as page_json(to_api_json(...)) gives (tests/api/matrix_test.cc
// compares the two), members in declaration order.
#include <cctype>
#include <cstdio>
#include <memory>

#include "api/http/api_error.h"
#include "api/http/response_cache.h"
#include "api/routes/json_views.h"
#include "api/routes/route_params.h"
#include "api/routes/routes.h"
#include "core/json_text.h"
#include "core/time.h"
#include "store/attacker_repository.h"
#include "store/behaviour_repository.h"
#include "store/credential_repository.h"
#include "store/fingerprint_repository.h"
#include "store/intel_repository.h"
#include "store/log_repository.h"
#include "store/observation_repository.h"
#include "store/smtp_target_repository.h"

namespace decnet::api {
namespace {

constexpr std::int64_t kDetailCredentials = 100;
constexpr std::size_t kObservationSeriesPoints = 60;

const std::vector<std::string> kSorts = {"recent", "first_seen", "active", "traversals", "score"};
const std::vector<std::string> kBehaviourClasses = {
    "unknown", "slow_scan", "scanning", "brute_force", "beaconing", "interactive", "mixed"};

store::AttackerSort sort_from(std::string_view name) {
  if (name == "score") return store::AttackerSort::kScore;
  if (name == "first_seen") return store::AttackerSort::kFirstSeen;
  if (name == "active") return store::AttackerSort::kActive;
  if (name == "traversals") return store::AttackerSort::kTraversals;
  return store::AttackerSort::kRecent;
}

std::vector<QueryParam> list_params() {
  std::vector<QueryParam> params = {
      text_param("search", "Prefix of the IP address", 64),
      text_param("service", "Attackers that touched this service"),
      text_param("decky", "Attackers that touched this decky"),
      {.name = "country",
       .type = ParamType::kString,
       .min = 2,
       .max = 2,
       .description = "ISO 3166-1 alpha-2 country code"},
      {.name = "verdict",
       .type = ParamType::kEnum,
       .choices = {"malicious", "suspicious", "benign", "unknown"},
       .description = "Aggregate threat-intel verdict"},
      {.name = "behavior_class",
       .type = ParamType::kEnum,
       .choices = kBehaviourClasses,
       .description = "The profiler's behaviour class"},
      time_param("seen_after", "Last seen at or after"),
      time_param("seen_before", "First seen at or before"),
      {.name = "sort",
       .type = ParamType::kEnum,
       .choices = kSorts,
       .description = "Order of the rows (score: scored attackers only, highest first)",
       .default_value = "recent"},
      {.name = "sort_by",
       .type = ParamType::kEnum,
       .choices = kSorts,
       .description = "Alias of sort"},
  };
  auto page = page_params();
  params.insert(params.end(), page.begin(), page.end());
  return params;
}

class AttackerWriter {
 public:
  explicit AttackerWriter(std::string& out) : out_(out) {}

  void write(const store::Attacker& a) {
    first_ = true;
    out_.push_back('{');
    text("uuid", a.uuid);
    text("ip", a.ip);
    nullable_text("identity_id", a.identity_id);
    time("first_seen", a.first_seen);
    time("last_seen", a.last_seen);
    number("event_count", a.event_count);
    number("service_count", a.service_count);
    number("decky_count", a.decky_count);
    list("services", a.services);
    list("deckies", a.deckies);
    nullable_text("traversal_path", a.traversal_path);
    key("is_traversal");
    out_ += a.is_traversal ? "true" : "false";
    number("bounty_count", a.bounty_count);
    number("credential_count", a.credential_count);
    embedded("fingerprints", a.fingerprints);
    embedded("commands", a.commands);
    nullable_text("country_code", a.country_code);
    nullable_text("country_source", a.country_source);
    number("asn", a.asn);
    nullable_text("as_name", a.as_name);
    nullable_text("bgp_prefix", a.bgp_prefix);
    nullable_text("asn_source", a.asn_source);
    nullable_text("rpki_status", a.rpki_status);
    nullable_text("rpki_source", a.rpki_source);
    nullable_text("ptr_record", a.ptr_record);
    number("rotation_count", a.rotation_count);
    time("last_rotation_at", a.last_rotation_at);
    nullable_text("verdict", a.verdict);
    time("updated_at", a.updated_at);
    nullable_text("behavior_class", a.behavior_class);
    number("score", a.score);
    out_.push_back('}');
  }

 private:
  void key(std::string_view name) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.push_back('"');
    out_ += name;  // member names are plain ASCII
    out_ += "\":";
  }
  void text(std::string_view name, std::string_view value) {
    key(name);
    core::append_json_string(out_, value);
  }
  void nullable_text(std::string_view name, const std::optional<std::string>& value) {
    key(name);
    if (value) {
      core::append_json_string(out_, *value);
    } else {
      out_ += "null";
    }
  }
  void number(std::string_view name, std::int64_t value) {
    key(name);
    out_ += std::to_string(value);
  }
  void number(std::string_view name, const std::optional<std::int64_t>& value) {
    key(name);
    out_ += value ? std::to_string(*value) : std::string("null");
  }
  void time(std::string_view name, std::int64_t micros) {
    key(name);
    core::append_json_string(out_, core::format_rfc3339(micros));
  }
  void time(std::string_view name, const std::optional<std::int64_t>& micros) {
    if (micros) return time(name, *micros);
    key(name);
    out_ += "null";
  }
  void list(std::string_view name, const std::vector<std::string>& values) {
    key(name);
    out_.push_back('[');
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out_.push_back(',');
      core::append_json_string(out_, values[i]);
    }
    out_.push_back(']');
  }
  // JSON text kept by the store: copied as it is when it is valid JSON (the common "[]" without
  // even parsing it), otherwise written as a string, as embedded_json() does.
  void embedded(std::string_view name, const std::string& value) {
    key(name);
    if (value == "[]" || value == "{}" || nlohmann::json::accept(value)) {
      out_ += value;
    } else {
      core::append_json_string(out_, value);
    }
  }

  std::string& out_;
  bool first_ = true;
};

Response attacker_page(const store::Page<store::Attacker>& page) {
  Response r;
  auto& out = r.body;
  out.reserve(256 + page.data.size() * 768);
  out += "{\"total\":" + std::to_string(page.total) + ",\"limit\":" + std::to_string(page.limit) +
         ",\"offset\":" + std::to_string(page.offset) + ",\"data\":[";
  AttackerWriter writer(out);
  for (std::size_t i = 0; i < page.data.size(); ++i) {
    if (i > 0) out.push_back(',');
    writer.write(page.data[i]);
  }
  out += "]}";
  return r;
}

store::Attacker require_attacker(ApiContext& ctx, const std::string& uuid) {
  auto attacker = ctx.repo.attackers().get(uuid);
  if (!attacker) throw not_found("Attacker not found");
  return std::move(*attacker);
}

nlohmann::json attacker_detail(ApiContext& ctx, const store::Attacker& attacker) {
  auto body = to_api_json(attacker);

  store::CredentialQuery creds;
  creds.attacker_uuid = attacker.uuid;
  creds.page = {kDetailCredentials, 0};
  const auto credentials = ctx.repo.credentials().list(creds);
  body["credentials"] = array_json(credentials.data);
  body["credentials_total"] = credentials.total;

  body["credential_reuse"] =
      array_json(ctx.repo.credential_reuse().list_for_attacker(attacker.uuid));
  const auto intel = ctx.repo.intel().get_attacker_intel_by_uuid(attacker.uuid);
  body["intel"] = intel ? to_api_json(*intel) : nlohmann::json(nullptr);
  body["smtp_targets"] = array_json(ctx.repo.smtp_targets().list_smtp_targets(attacker.uuid));
  body["fingerprint_states"] =
      array_json(ctx.repo.fingerprints().list_fingerprint_states(attacker.uuid));
  body["targets"] = array_json(ctx.repo.attackers().targets(attacker.uuid));
  const auto behaviour = ctx.repo.behaviour().get_behaviour(attacker.uuid);
  body["behaviour"] = behaviour ? to_api_json(*behaviour) : nlohmann::json(nullptr);
  return body;
}

}  // namespace

void add_attacker_routes(Router& router, ApiContext& ctx) {
  // The page every dashboard opens on and polls; its body depends only on the query and the
  // data, so it is served from the cache until the next commit.
  auto pages = std::make_shared<ResponseCache>();
  router.add({.method = "GET",
              .path = "/api/v1/attackers",
              .access = Access::kViewer,
              .summary = "Attackers (one per source address)",
              .tag = "attackers",
              .query = list_params(),
              .handler = [&ctx, pages](const Request& req, const Principal*) {
                const auto version = ctx.repo.data_version();
                if (auto body = pages->get(req.target, version)) {
                  Response cached;
                  cached.body = std::move(*body);
                  return cached;
                }
                store::AttackerQuery q;
                q.page = page_request(req);
                q.search = optional_text(req, {"search"}).value_or("");
                q.service = optional_text(req, {"service"});
                q.decky = optional_text(req, {"decky"});
                if (auto country = optional_text(req, {"country"})) {
                  for (auto& c : *country) {
                    if (!std::isalpha(static_cast<unsigned char>(c))) {
                      throw unprocessable("country", "must be two letters");
                    }
                    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                  }
                  q.country_code = std::move(country);
                }
                q.verdict = optional_text(req, {"verdict"});
                q.behavior_class = optional_text(req, {"behavior_class"});
                q.seen_after = optional_time(req, {"seen_after"});
                q.seen_before = optional_time(req, {"seen_before"});
                q.sort = sort_from(optional_text(req, {"sort", "sort_by"}).value_or("recent"));
                auto page = attacker_page(ctx.repo.attackers().list(q));
                pages->put(req.target, version, page.body);
                return page;
              }});
  router.add({.method = "GET",
              .path = "/api/v1/attackers/{uuid}",
              .access = Access::kViewer,
              .summary = "One attacker with its credentials, reuse, intel, SMTP targets, "
                         "fingerprints, targets, behaviour class, score, phases and tools",
              .tag = "attackers",
              .handler = [&ctx](const Request& req, const Principal*) {
                return json(200, attacker_detail(ctx, require_attacker(ctx, req.param("uuid"))));
              }});
  router.add({.method = "GET",
              .path = "/api/v1/attackers/{uuid}/events",
              .access = Access::kViewer,
              .summary = "The attacker's events, newest first",
              .tag = "attackers",
              .query = page_params(),
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto attacker = require_attacker(ctx, req.param("uuid"));
                store::LogQuery q;
                q.page = page_request(req);
                q.attacker_uuid = attacker.uuid;
                q.newest_first = true;
                return json(200, page_json(ctx.repo.logs().list(q)));
              }});
  router.add({.method = "GET",
              .path = "/api/v1/attackers/{uuid}/intel",
              .access = Access::kViewer,
              .summary = "The attacker's cached threat intel",
              .tag = "attackers",
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto attacker = require_attacker(ctx, req.param("uuid"));
                const auto intel = ctx.repo.intel().get_attacker_intel_by_uuid(attacker.uuid);
                if (!intel) throw not_found("No intel cached for this attacker");
                return json(200, to_api_json(*intel));
              }});
  router.add(
      {.method = "GET",
       .path = "/api/v1/attackers/{uuid}/observations",
       .access = Access::kViewer,
       .summary = "Latest behavioural observation per primitive, with its recent series",
       .tag = "attackers",
       .handler = [&ctx](const Request& req, const Principal*) {
         const auto attacker = require_attacker(ctx, req.param("uuid"));
         auto& observations = ctx.repo.observations();
         auto out = nlohmann::json::array();
         for (const auto& latest : observations.latest_observation_per_primitive(attacker.uuid)) {
           const auto points =
               observations.observations_time_series(attacker.uuid, latest.primitive);
           // A sparkline needs the recent shape, not a primitive's whole history.
           const auto first = points.size() > kObservationSeriesPoints
                                  ? points.size() - kObservationSeriesPoints
                                  : 0;
           auto series = nlohmann::json::array();
           for (std::size_t i = first; i < points.size(); ++i) {
             series.push_back(
                 nlohmann::json{{"ts", points[i].ts},
                                {"value", embedded_json(std::string_view(points[i].value))},
                                {"confidence", points[i].confidence}});
           }
           out.push_back(nlohmann::json{{"primitive", latest.primitive},
                                        {"value", embedded_json(std::string_view(latest.value))},
                                        {"confidence", latest.confidence},
                                        {"ts", latest.ts},
                                        {"source", latest.source},
                                        {"series", std::move(series)}});
         }
         return json(200, out);
       }});
}

}  // namespace decnet::api
