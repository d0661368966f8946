// The one route table. Every endpoint is declared once, as data: method, path pattern, who may
// call it, its query parameters and body, and the handler. The router enforces everything the
// declaration says before the handler runs (authentication and role, the must-change-password
// gate, {uuid} path parameters, query parameter types and bounds, the JSON content type and
// syntax), and the OpenAPI document is generated from the same declarations, so the
// documentation cannot drift from what the server does.
//
// Order of checks, for each request: match (404, 405 with Allow) -> Content-Type of a JSON body
// (415) -> credentials (401) -> role and password-change gate (403) -> path parameters (422) ->
// query parameters (422) -> JSON syntax (400) -> handler. Unauthenticated callers therefore
// learn nothing from validation and their bodies are never parsed.
//
// Routes are added before the server starts; afterwards the router is only read, from any
// thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/http/http_types.h"
#include "api/http/principal.h"

namespace decnet::api {

enum class Access {
  kPublic,         // no token needed
  kAuthenticated,  // any valid token, any role
  kViewer,         // viewer or admin
  kAdmin,
};
std::string_view to_string(Access access);

enum class ParamType { kInt, kString, kBool, kEnum };

// Where a request runs. Query routes read tables that grow with every attack; they share a
// bounded pool, a per-request time budget and an admission limit, so a flood of expensive
// searches is answered 503 rather than queued for ever. Everything else (health, metrics, auth,
// the small admin tables, static files) runs on its own workers and never waits behind them.
// A route is a query route unless it says otherwise: forgetting costs a 503 under load, not a
// stalled health check.
enum class Lane { kQuery, kFast };

struct QueryParam {
  std::string name;
  ParamType type = ParamType::kString;
  bool required = false;
  std::vector<std::string> choices = {};  // kEnum
  std::optional<std::int64_t> min = {};   // kInt: value; kString: length in characters
  std::optional<std::int64_t> max = {};
  std::string description = {};
  nlohmann::json default_value = nullptr;  // documentation only
  bool repeated = false;                   // documented as an array (`?ids=a&ids=b`)
};

using Handler = std::function<Response(const Request&, const Principal*)>;

struct Route {
  std::string method;  // "GET", "POST", ...
  std::string path;    // "/api/v1/attackers/{uuid}"; `{name}` segments are parameters
  Access access = Access::kViewer;
  bool allowed_while_must_change_password = false;
  Lane lane = Lane::kQuery;
  std::string summary = {};
  std::string tag = {};
  std::vector<QueryParam> query = {};
  bool json_body = false;                // body must be application/json and parse
  nlohmann::json body_schema = nullptr;  // JSON Schema of the body, for OpenAPI
  int success_status = 200;
  std::string response_description = "OK";
  std::string response_content_type = "application/json";
  nlohmann::json response_schema = nullptr;  // for OpenAPI
  std::string operation_id = {};             // default: derived from method and path
  Handler handler;
};

// Path parameters named `uuid` or ending in `_uuid` must be UUIDs; the handler receives them in
// canonical lower-case 8-4-4-4-12 form.
bool is_uuid_param(std::string_view name);

class Router {
 public:
  // `authenticator` may be null when only public routes are served (others then answer 401).
  explicit Router(Authenticator* authenticator = nullptr);
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Throws std::invalid_argument for a malformed pattern, a missing handler or a second route
  // with the same method and pattern (parameter names aside).
  void add(Route route);

  // In registration order.
  const std::vector<Route>& routes() const { return routes_; }

  // The lane of the route `request` would reach (kFast for static files and unknown paths).
  Lane lane_of(const Request& request) const;
  // The time budget of a query route's reads (0: none); past it the request answers 503.
  void set_query_timeout(std::chrono::milliseconds timeout) { query_timeout_ = timeout; }

  // Asked for requests no route matches (before the 404); not part of the OpenAPI document.
  // The dashboard's static files are served this way.
  using Fallback = std::function<std::optional<Response>(const Request&)>;
  void set_fallback(Fallback fallback) { fallback_ = std::move(fallback); }

  struct Outcome {
    Response response;
    std::string route;           // the matched pattern, "" when none matched (for metrics)
    bool authenticated = false;  // the request carried a valid token
  };
  // Runs the whole pipeline for one request; never throws. Every answer that is not a static
  // file says `Cache-Control: no-store` unless the route set its own.
  Outcome handle(Request& request) const;

 private:
  struct Compiled;
  Outcome dispatch(Request& request) const;
  const Route* match(const Request& request, std::string* allow, bool* path_known,
                     std::map<std::string, std::string, std::less<>>* params) const;

  Authenticator* authenticator_;
  std::chrono::milliseconds query_timeout_{0};
  std::vector<Route> routes_;
  std::vector<std::unique_ptr<Compiled>> compiled_;
  Fallback fallback_;
};

struct OpenApiInfo {
  std::string title = "DECNET API";
  std::string version = "0.1.0";
  std::string description = {};
};

// OpenAPI 3.1 for every route of `router`.
nlohmann::json openapi_document(const Router& router, const OpenApiInfo& info);

// Adds GET /api/v1/openapi.json (public). The document is built on first request, so routes
// added after this call are included.
void add_openapi_route(Router& router, OpenApiInfo info);

}  // namespace decnet::api
