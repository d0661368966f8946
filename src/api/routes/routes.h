// Registration of each group of routes on the one route table. Each group lives in its own
// routes_*.cc and receives the services it needs through ApiContext.
#pragma once

#include "api/auth/login_service.h"
#include "api/auth/sse_tickets.h"
#include "api/auth/token_service.h"
#include "api/http/route_table.h"
#include "bus/bus.h"
#include "core/config.h"
#include "store/repository.h"

namespace decnet::fleet {
class Fleet;
}

namespace decnet::webhook {
class WebhookAdmin;
}

namespace decnet::vector {
class VectorStore;
}

namespace decnet::api {

class WorkerRegistry;
class StreamHub;
class MetricsRegistry;

struct ApiContext {
  store::Repository& repo;
  bus::Bus& bus;
  TokenService& tokens;
  LoginService& logins;
  SseTicketStore& tickets;
  // Present when the API runs inside `decnet serve`; routes that need them are registered only
  // then.
  WorkerRegistry* workers = nullptr;
  StreamHub* streams = nullptr;
  const core::Config* config = nullptr;
  // Present when GET /metrics is served (see add_all_routes in api/api_routes.h).
  MetricsRegistry* metrics = nullptr;
  // Present when webhooks are enabled; /api/v1/webhooks is registered only then.
  webhook::WebhookAdmin* webhooks = nullptr;
  // The behavioural vectors the profiler writes; /similar is registered only with them.
  const vector::VectorStore* vectors = nullptr;
  // The fleet on this host; /api/v1/deckies is registered only with it.
  fleet::Fleet* fleet = nullptr;
};

void add_auth_routes(Router& router, ApiContext& ctx);
void add_attacker_routes(Router& router, ApiContext& ctx);
void add_log_routes(Router& router, ApiContext& ctx);
void add_credential_routes(Router& router, ApiContext& ctx);
void add_stats_routes(Router& router, ApiContext& ctx);
void add_user_routes(Router& router, ApiContext& ctx);
void add_system_routes(Router& router, ApiContext& ctx);
void add_stream_routes(Router& router, ApiContext& ctx);
void add_webhook_routes(Router& router, ApiContext& ctx);
void add_decky_routes(Router& router, ApiContext& ctx);
void add_decky_service_routes(Router& router, ApiContext& ctx);
void add_decky_tarpit_routes(Router& router, ApiContext& ctx);
void add_session_routes(Router& router, ApiContext& ctx);
void add_similarity_routes(Router& router, ApiContext& ctx);
void add_ttp_routes(Router& router, ApiContext& ctx);
void add_export_routes(Router& router, ApiContext& ctx);
void add_identity_routes(Router& router, ApiContext& ctx);
void add_campaign_routes(Router& router, ApiContext& ctx);

}  // namespace decnet::api
