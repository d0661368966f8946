// Identities: the actor behind one or more attacker addresses, as the identity worker resolved
// them. Reads by uuid follow a merge to the identity that absorbed it, so a link to an identity
// that was merged away still lands on the actor. The list defaults to every canonical identity;
// `min_members=2` keeps those that tie several addresses together, which is what an operator
// usually wants to see among a million one-address identities.
#include "api/http/api_error.h"
#include "api/routes/json_views.h"
#include "api/routes/route_params.h"
#include "api/routes/routes.h"
#include "store/attacker_repository.h"
#include "store/identity_repository.h"
#include "store/observation_repository.h"

namespace decnet::api {
namespace {

// Members shown inline on the detail; the rest are a page of /observations away.
constexpr std::int64_t kMembersInline = 200;

nlohmann::json attribution_json(const store::AttributionState& s) {
  return {{"primitive", s.primitive},
          {"current_value", embedded_json(s.current_value)},
          {"state", s.state},
          {"confidence", s.confidence},
          {"observation_count", s.observation_count},
          {"last_change_ts", s.last_change_ts ? nlohmann::json(*s.last_change_ts) : nullptr},
          {"last_observation_ts",
           s.last_observation_ts ? nlohmann::json(*s.last_observation_ts) : nullptr}};
}

store::Identity identity_or_404(ApiContext& ctx, const std::string& uuid) {
  auto identity = ctx.repo.identities().get_identity_by_uuid(uuid);
  if (!identity) throw not_found("Identity not found");
  return *identity;
}

nlohmann::json detail(ApiContext& ctx, const store::Identity& identity) {
  auto out = to_api_json(identity);
  auto& ids = ctx.repo.identities();
  out["observation_count_live"] = ids.count_observations_for_identity(identity.uuid);
  out["members"] =
      array_json(ids.list_observations_for_identity(identity.uuid, {kMembersInline, 0}).data);
  auto attribution = nlohmann::json::array();
  std::vector<std::string> multi;
  for (const auto& s : ctx.repo.attribution().get_attribution_state_for_identity(identity.uuid)) {
    if (s.state == store::kAttributionMultiActor) multi.push_back(s.primitive);
    attribution.push_back(attribution_json(s));
  }
  out["attribution"] = std::move(attribution);
  out["multi_actor_primitives"] = multi;
  out["multi_actor_suspected"] = multi.size() >= 2;
  return out;
}

}  // namespace

void add_identity_routes(Router& router, ApiContext& ctx) {
  auto list_query = page_params();
  list_query.push_back({.name = "min_members",
                        .type = ParamType::kInt,
                        .min = 1,
                        .max = 1'000'000,
                        .description = "Only identities with at least this many addresses",
                        .default_value = 1});
  router.add({.method = "GET",
              .path = "/api/v1/identities",
              .access = Access::kViewer,
              .summary = "Identities (canonical, most recently updated first)",
              .tag = "identities",
              .query = list_query,
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto min = optional_text(req, {"min_members"});
                return json(200, page_json(ctx.repo.identities().list_identities(
                                     page_request(req), min ? std::stoll(*min) : 1)));
              }});
  router.add({.method = "GET",
              .path = "/api/v1/identities/{uuid}",
              .access = Access::kViewer,
              .summary = "One identity (merges followed) with its member addresses, live "
                         "member count and attribution state",
              .tag = "identities",
              .handler = [&ctx](const Request& req, const Principal*) {
                return json(200, detail(ctx, identity_or_404(ctx, req.param("uuid"))));
              }});
  router.add({.method = "GET",
              .path = "/api/v1/attackers/{uuid}/attribution",
              .access = Access::kViewer,
              .summary = "The attribution state of the identity the attacker belongs to, per "
                         "behavioural primitive",
              .tag = "identities",
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto attacker = ctx.repo.attackers().get(req.param("uuid"));
                if (!attacker)
                  throw not_found("unknown attacker uuid: '" + req.param("uuid") + "'");
                auto primitives = nlohmann::json::array();
                if (attacker->identity_id) {
                  for (const auto& s : ctx.repo.attribution().get_attribution_state_for_identity(
                           *attacker->identity_id)) {
                    primitives.push_back(attribution_json(s));
                  }
                }
                return json(200, {{"identity_uuid", attacker->identity_id
                                                        ? nlohmann::json(*attacker->identity_id)
                                                        : nlohmann::json(nullptr)},
                                  {"primitives", std::move(primitives)}});
              }});
  router.add({.method = "GET",
              .path = "/api/v1/identities/{uuid}/observations",
              .access = Access::kViewer,
              .summary = "The identity's member addresses (attacker rows), most recent first",
              .tag = "identities",
              .query = page_params(),
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto identity = identity_or_404(ctx, req.param("uuid"));
                return json(200, page_json(ctx.repo.identities().list_observations_for_identity(
                                     identity.uuid, page_request(req))));
              }});
}

}  // namespace decnet::api
