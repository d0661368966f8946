// Campaigns: the operation behind several identities, as the campaign worker grouped them. The
// detail carries the evidence: every pair of the campaign's identities scored with the campaign
// edge (hand-off, shared infrastructure, overlap, cohort, rhythm), the pairs that reach the
// threshold marked as the ones that joined them, so an analyst sees why, not only who.
#include "api/http/api_error.h"
#include "api/routes/json_views.h"
#include "api/routes/route_params.h"
#include "api/routes/routes.h"
#include "identity/campaign_clusterer.h"
#include "store/identity_repository.h"

namespace decnet::api {
namespace {

// Identities and scored pairs shown on the detail.
constexpr std::size_t kIdentitiesInline = 200;

store::Campaign campaign_or_404(ApiContext& ctx, const std::string& uuid) {
  auto campaign = ctx.repo.campaigns().get_campaign_by_uuid(uuid);
  if (!campaign) throw not_found("Campaign not found");
  return *campaign;
}

nlohmann::json edge_json(const identity::CampaignEdge& e) {
  return {{"a", e.a},
          {"b", e.b},
          {"score", e.score},
          {"linked", e.score >= identity::kCampaignEdgeThreshold},
          {"phase_handoff", e.handoff},
          {"shared_infra", e.shared_infra},
          {"temporal_overlap", e.temporal},
          {"cohort", e.cohort},
          {"keystroke", e.keystroke}};
}

nlohmann::json detail(ApiContext& ctx, const store::Campaign& campaign) {
  auto out = to_api_json(campaign);
  auto& campaigns = ctx.repo.campaigns();
  auto members = campaigns.identity_uuids_for_campaign(campaign.uuid);
  out["identity_count_live"] = members.size();
  if (members.size() > kIdentitiesInline) members.resize(kIdentitiesInline);
  auto identities = nlohmann::json::array();
  for (const auto& uuid : members) {
    if (auto row = ctx.repo.identities().get_identity_row(uuid)) {
      auto j = to_api_json(*row);
      j["observation_count_live"] = ctx.repo.identities().count_observations_for_identity(uuid);
      identities.push_back(std::move(j));
    }
  }
  out["identities"] = std::move(identities);
  std::vector<store::IdentityDeckyTactic> tactics;
  campaigns.for_each_handoff_tactic(
      [&](const store::IdentityDeckyTactic& t) { tactics.push_back(t); }, members);
  auto features = identity::campaign_features(campaigns.campaign_candidates(members), tactics);
  for (const auto& uuid : members) features.try_emplace(uuid);
  auto edges = nlohmann::json::array();
  for (const auto& e : identity::all_campaign_edges(features)) {
    if (e.score > 0) edges.push_back(edge_json(e));
  }
  out["edges"] = std::move(edges);
  return out;
}

}  // namespace

void add_campaign_routes(Router& router, ApiContext& ctx) {
  router.add({.method = "GET",
              .path = "/api/v1/campaigns",
              .access = Access::kViewer,
              .summary = "Campaigns (canonical, most recently updated first)",
              .tag = "campaigns",
              .query = page_params(),
              .handler = [&ctx](const Request& req, const Principal*) {
                return json(200, page_json(ctx.repo.campaigns().list_campaigns(page_request(req))));
              }});
  router.add({.method = "GET",
              .path = "/api/v1/campaigns/{uuid}",
              .access = Access::kViewer,
              .summary = "One campaign (merges followed) with its identities and the scored "
                         "pairs of identities that joined them",
              .tag = "campaigns",
              .handler = [&ctx](const Request& req, const Principal*) {
                return json(200, detail(ctx, campaign_or_404(ctx, req.param("uuid"))));
              }});
  router.add({.method = "GET",
              .path = "/api/v1/campaigns/{uuid}/identities",
              .access = Access::kViewer,
              .summary = "The campaign's identities, most recently updated first",
              .tag = "campaigns",
              .query = page_params(),
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto campaign = campaign_or_404(ctx, req.param("uuid"));
                return json(200, page_json(ctx.repo.campaigns().list_identities_for_campaign(
                                     campaign.uuid, page_request(req))));
              }});
}

}  // namespace decnet::api
