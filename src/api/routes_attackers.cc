// /api/v1/attackers: the attacker list the dashboard opens on, one attacker's full picture, its
// events and its cached threat intel. The detail view gathers what the other domains know about
// the attacker (credentials, reuse findings, intel, SMTP victims, fingerprint states, targets) in
// one response so the attacker page needs one request; each part is bounded, so a very busy
// attacker cannot make the response unbounded. The reference's `sort_by` is accepted as an alias
// of `sort`.
#include <cctype>

#include "api/api_error.h"
#include "api/json_views.h"
#include "api/route_params.h"
#include "api/routes.h"
#include "store/attacker_repository.h"
#include "store/credential_repository.h"
#include "store/fingerprint_repository.h"
#include "store/intel_repository.h"
#include "store/log_repository.h"
#include "store/smtp_target_repository.h"

namespace decnet::api {
namespace {

constexpr std::int64_t kDetailCredentials = 100;

const std::vector<std::string> kSorts = {"recent", "first_seen", "active", "traversals"};

store::AttackerSort sort_from(std::string_view name) {
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
      time_param("seen_after", "Last seen at or after"),
      time_param("seen_before", "First seen at or before"),
      {.name = "sort",
       .type = ParamType::kEnum,
       .choices = kSorts,
       .description = "Order of the rows",
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
  return body;
}

}  // namespace

void add_attacker_routes(Router& router, ApiContext& ctx) {
  router.add({.method = "GET",
              .path = "/api/v1/attackers",
              .access = Access::kViewer,
              .summary = "Attackers (one per source address)",
              .tag = "attackers",
              .query = list_params(),
              .handler = [&ctx](const Request& req, const Principal*) {
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
                q.seen_after = optional_time(req, {"seen_after"});
                q.seen_before = optional_time(req, {"seen_before"});
                q.sort = sort_from(optional_text(req, {"sort", "sort_by"}).value_or("recent"));
                return json(200, page_json(ctx.repo.attackers().list(q)));
              }});
  router.add({.method = "GET",
              .path = "/api/v1/attackers/{uuid}",
              .access = Access::kViewer,
              .summary = "One attacker with its credentials, reuse, intel, SMTP targets, "
                         "fingerprints and targets",
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
}

}  // namespace decnet::api
