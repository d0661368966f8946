// The complete route table in one call. ApiService serves exactly this list and the route matrix
// test walks exactly this list, so a route added here is automatically covered by the
// authentication, role and hostile-input checks, and by the OpenAPI document. Groups whose
// services are absent from the context (workers, streams, config, metrics) are left out.
#pragma once

#include "api/http/route_table.h"
#include "api/routes/routes.h"

namespace decnet::api {

// Every group of routes_*.cc, then GET /api/v1/openapi.json and, when ctx.metrics is set,
// GET /metrics (token from DECNET_METRICS_TOKEN when ctx.config is set).
void add_all_routes(Router& router, ApiContext& ctx);

}  // namespace decnet::api
