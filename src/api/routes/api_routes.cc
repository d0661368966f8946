// Registration order matters only for the OpenAPI document's order; matching picks the most
// specific pattern whatever the order.
#include "api/routes/api_routes.h"

#include "api/http/metrics.h"

namespace decnet::api {

void add_all_routes(Router& router, ApiContext& ctx) {
  add_auth_routes(router, ctx);
  add_attacker_routes(router, ctx);
  add_session_routes(router, ctx);
  add_similarity_routes(router, ctx);
  add_ttp_routes(router, ctx);
  add_export_routes(router, ctx);
  add_identity_routes(router, ctx);
  add_campaign_routes(router, ctx);
  add_log_routes(router, ctx);
  add_credential_routes(router, ctx);
  add_stats_routes(router, ctx);
  add_user_routes(router, ctx);
  add_system_routes(router, ctx);
  add_stream_routes(router, ctx);
  add_webhook_routes(router, ctx);
  add_decky_routes(router, ctx);
  add_decky_service_routes(router, ctx);
  add_decky_tarpit_routes(router, ctx);
  add_openapi_route(router, {.version = DECNET_VERSION});
  if (ctx.metrics) {
    add_metrics_route(router, *ctx.metrics,
                      ctx.config ? ctx.config->metrics_token() : std::string());
  }
}

}  // namespace decnet::api
