// OpenAPI 3.1 from the route table. Every non-public route documents 401 and 403 and uses the
// bearerAuth scheme; a route with parameters or a body documents 422 (and 400/415 for JSON
// bodies), all with the shared Error schema, because that is exactly what the router enforces.
#include <mutex>
#include <set>

#include "api/http/route_table.h"
#include "core/json_text.h"

namespace decnet::api {

namespace {

nlohmann::json error_ref() {
  return {
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

nlohmann::json error_response(std::string_view description) {
  nlohmann::json r = error_ref();
  r["description"] = description;
  return r;
}

nlohmann::json param_schema(const QueryParam& q) {
  nlohmann::json s;
  switch (q.type) {
    case ParamType::kInt:
      s["type"] = "integer";
      if (q.min) s["minimum"] = *q.min;
      if (q.max) s["maximum"] = *q.max;
      break;
    case ParamType::kBool:
      s["type"] = "boolean";
      break;
    case ParamType::kEnum:
      s["type"] = "string";
      s["enum"] = q.choices;
      break;
    case ParamType::kString:
      s["type"] = "string";
      if (q.min) s["minLength"] = *q.min;
      if (q.max) s["maxLength"] = *q.max;
      break;
  }
  if (!q.default_value.is_null()) s["default"] = q.default_value;
  if (q.repeated) return {{"type", "array"}, {"items", s}};
  return s;
}

std::string derive_operation_id(const Route& route) {
  std::string id;
  for (char c : route.method) id.push_back(static_cast<char>(std::tolower(c)));
  std::string_view path = route.path;
  if (path.starts_with("/api/v1")) path.remove_prefix(7);
  bool sep = true;
  for (char c : path) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      if (sep) id.push_back('_');
      id.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      sep = false;
    } else if (c != '{' && c != '}') {
      sep = true;
    } else if (c == '{') {
      if (!sep) id.push_back('_');
      id += "by";
      sep = true;
    }
  }
  return id;
}

}  // namespace

nlohmann::json openapi_document(const Router& router, const OpenApiInfo& info) {
  nlohmann::json doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = {{"title", info.title}, {"version", info.version}};
  if (!info.description.empty()) doc["info"]["description"] = info.description;
  doc["components"]["securitySchemes"]["bearerAuth"] = {
      {"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}};
  doc["components"]["schemas"]["Error"] = {
      {"type", "object"},
      {"required", {"detail"}},
      {"properties",
       {{"detail", {{"type", "string"}}},
        {"error_id", {{"type", "string"}}},
        {"errors",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"required", {"field", "message"}},
            {"properties",
             {{"field", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}}};
  doc["paths"] = nlohmann::json::object();

  std::set<std::string> used_ids;
  std::set<std::string> tags;
  for (const auto& route : router.routes()) {
    nlohmann::json op;
    std::string id = route.operation_id.empty() ? derive_operation_id(route) : route.operation_id;
    for (int n = 2; !used_ids.insert(id).second; ++n) {
      id = (route.operation_id.empty() ? derive_operation_id(route) : route.operation_id) + "_" +
           std::to_string(n);
    }
    op["operationId"] = id;
    if (!route.summary.empty()) op["summary"] = route.summary;
    if (!route.tag.empty()) {
      op["tags"] = {route.tag};
      tags.insert(route.tag);
    }
    op["x-decnet-access"] = to_string(route.access);
    op["x-decnet-lane"] = route.lane == Lane::kFast ? "fast" : "query";

    nlohmann::json params = nlohmann::json::array();
    bool validated = !route.query.empty();
    std::string_view rest = route.path;
    while (true) {
      const auto open = rest.find('{');
      if (open == std::string_view::npos) break;
      const auto close = rest.find('}', open);
      const std::string name(rest.substr(open + 1, close - open - 1));
      nlohmann::json schema = {{"type", "string"}};
      if (is_uuid_param(name)) schema["format"] = "uuid";
      params.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", schema}});
      validated = true;
      rest.remove_prefix(close + 1);
    }
    for (const auto& q : route.query) {
      nlohmann::json p = {
          {"name", q.name}, {"in", "query"}, {"required", q.required}, {"schema", param_schema(q)}};
      if (!q.description.empty()) p["description"] = q.description;
      if (q.repeated) {
        p["style"] = "form";
        p["explode"] = true;
      }
      params.push_back(std::move(p));
    }
    if (!params.empty()) op["parameters"] = std::move(params);

    if (route.json_body) {
      nlohmann::json schema =
          route.body_schema.is_null() ? nlohmann::json{{"type", "object"}} : route.body_schema;
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", schema}}}}}};
      validated = true;
    }

    nlohmann::json responses;
    nlohmann::json ok = {{"description", route.response_description}};
    if (!route.response_content_type.empty()) {
      nlohmann::json schema = route.response_schema;
      if (schema.is_null()) schema = nlohmann::json::object();
      ok["content"][route.response_content_type] = {{"schema", schema}};
    }
    responses[std::to_string(route.success_status)] = std::move(ok);
    if (route.json_body) {
      responses["400"] = error_response("Malformed JSON body");
      responses["415"] = error_response("Content-Type is not application/json");
    }
    if (route.access != Access::kPublic) {
      responses["401"] = error_response("Missing, invalid or revoked token");
      responses["403"] =
          error_response("Insufficient permissions, or a password change is required");
      op["security"] = nlohmann::json::array({{{"bearerAuth", nlohmann::json::array()}}});
    } else {
      op["security"] = nlohmann::json::array();
    }
    if (validated) responses["422"] = error_response("Invalid request parameters");
    responses["500"] = error_response("Internal error (the body carries an error_id)");
    op["responses"] = std::move(responses);

    std::string method;
    for (char c : route.method) method.push_back(static_cast<char>(std::tolower(c)));
    doc["paths"][route.path][method] = std::move(op);
  }
  if (!tags.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& t : tags) list.push_back({{"name", t}});
    doc["tags"] = std::move(list);
  }
  return doc;
}

void add_openapi_route(Router& router, OpenApiInfo info) {
  struct Cache {
    std::once_flag once;
    std::string body;
  };
  auto cache = std::make_shared<Cache>();
  const Router* self = &router;
  router.add({.method = "GET",
              .path = "/api/v1/openapi.json",
              .access = Access::kPublic,
              .lane = Lane::kFast,
              .summary = "This document: OpenAPI 3.1 description of every route",
              .tag = "meta",
              .handler = [cache, self, info = std::move(info)](const Request&, const Principal*) {
                std::call_once(cache->once, [&] {
                  cache->body = core::json_text(openapi_document(*self, info));
                });
                Response r;
                r.body = cache->body;
                return r;
              }});
}

}  // namespace decnet::api
