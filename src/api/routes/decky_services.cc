// A running decky's services over the API: the registry and each service's schema (the config
// form is built from it), a service added or removed, its settings saved or applied. Only the
// service concerned restarts; the reference's 400 / 404 / 409 / 422 answer what cannot be done.
#include <algorithm>

#include "api/http/api_error.h"
#include "api/routes/fleet_calls.h"
#include "api/routes/routes.h"
#include "fleet/fleet_record.h"

namespace decnet::api {
namespace {

using Json = nlohmann::json;

// A service's settings as strings, the way the INI and the registry take them.
std::map<std::string, std::string> config_of(const Json& body) {
  if (!body.is_object()) throw unprocessable("body", "must be a JSON object");
  std::map<std::string, std::string> out;
  const auto it = body.find("config");
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_object()) throw unprocessable("config", "must be an object");
  for (const auto& [key, value] : it->items()) {
    if (value.is_null()) continue;
    if (value.is_string()) {
      out[key] = value.get<std::string>();
    } else if (value.is_boolean()) {
      out[key] = value.get<bool>() ? "true" : "false";
    } else if (value.is_number_integer()) {
      out[key] = std::to_string(value.get<std::int64_t>());
    } else if (value.is_array()) {  // multi_enum
      std::string joined;
      for (const auto& item : value) {
        if (!item.is_string()) throw bad_request("config." + key + ": expected a list of strings");
        joined += (joined.empty() ? "" : ",") + item.get<std::string>();
      }
      out[key] = joined;
    } else {
      throw bad_request("config." + key + ": unsupported value");
    }
  }
  return out;
}

Json field_json(const decky::ServiceConfigField& f) {
  Json out = {{"key", f.key},
              {"label", f.label},
              {"type", decky::field_type_name(f.type)},
              {"secret", f.secret},
              {"help", f.help.empty() ? Json(nullptr) : Json(f.help)},
              {"enum", f.choices.empty() ? Json(nullptr) : Json(f.choices)},
              {"placeholder", nullptr}};
  if (f.type == decky::FieldType::kInt && !f.default_value.empty()) {
    out["default"] = std::stoll(f.default_value);
  } else if (f.type == decky::FieldType::kBool) {
    out["default"] = f.default_value == "true";
  } else if (f.type == decky::FieldType::kMultiEnum) {
    Json items = Json::array();
    std::size_t start = 0;
    while (start < f.default_value.size()) {
      const auto comma = f.default_value.find(',', start);
      items.push_back(f.default_value.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    out["default"] = items;
  } else {
    out["default"] = f.default_value;
  }
  return out;
}

void check_service_name(const std::string& name) {
  const bool ok =
      !name.empty() && name.size() <= 64 &&
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
  if (!ok) throw unprocessable("service_name", "must match ^[a-z0-9_-]{1,64}$");
}

}  // namespace

void add_decky_service_routes(Router& router, ApiContext& ctx) {
  if (!ctx.fleet) return;
  auto& fleet = *ctx.fleet;
  const Json config_schema = {
      {"type", "object"},
      {"properties", {{"config", {{"type", "object"}, {"additionalProperties", true}}}}}};
  const Json add_schema = {{"type", "object"},
                           {"required", {"name"}},
                           {"properties",
                            {{"name", {{"type", "string"}, {"maxLength", 64}}},
                             {"config", {{"type", "object"}, {"additionalProperties", true}}}}}};

  router.add({.method = "GET",
              .path = "/api/v1/topologies/services",
              .access = Access::kViewer,
              .lane = Lane::kFast,
              .summary = "The services a decky can run",
              .tag = "deckies",
              .handler = [](const Request&, const Principal*) {
                Json names = Json::array();
                for (const auto& spec : decky::service_registry()) {
                  if (spec.emulated()) names.push_back(spec.name);
                }
                std::sort(names.begin(), names.end());
                return json(200, {{"services", names}, {"fleet_singletons", Json::array()}});
              }});
  router.add({.method = "GET",
              .path = "/api/v1/topologies/services/{service_name}/schema",
              .access = Access::kViewer,
              .lane = Lane::kFast,
              .summary = "A service's ports and configuration fields (the config form)",
              .tag = "deckies",
              .handler = [](const Request& req, const Principal*) {
                const auto& name = req.param("service_name");
                const auto* spec = decky::find_service(name);
                if (!spec || !spec->emulated()) {
                  throw not_found("Unknown service: '" + name + "'");
                }
                Json fields = Json::array();
                for (const auto& f : spec->fields) {
                  if (f.key != "state_dir") fields.push_back(field_json(f));
                }
                return json(200, {{"name", spec->name},
                                  {"ports", spec->ports},
                                  {"fleet_singleton", false},
                                  {"fields", std::move(fields)}});
              }});
  router.add(
      {.method = "POST",
       .path = "/api/v1/deckies/{decky_name}/services",
       .access = Access::kAdmin,
       .lane = Lane::kFast,
       .summary = "Start a service on a running decky (its other services untouched)",
       .tag = "deckies",
       .json_body = true,
       .body_schema = add_schema,
       .success_status = 201,
       .handler = [&fleet](const Request& req, const Principal*) {
         const auto& name = req.param("decky_name");
         check_decky_name(name);
         const auto service =
             req.json.is_object() && req.json.contains("name") && req.json["name"].is_string()
                 ? req.json["name"].get<std::string>()
                 : throw unprocessable("name", "is required");
         const auto config = config_of(req.json);
         const auto services = fleet_call([&] { return fleet.add_service(name, service, config); });
         return json(201, {{"decky_name", name}, {"topology_id", nullptr}, {"services", services}});
       }});
  router.add(
      {.method = "DELETE",
       .path = "/api/v1/deckies/{decky_name}/services/{service_name}",
       .access = Access::kAdmin,
       .lane = Lane::kFast,
       .summary = "Stop a service on a running decky (its other services untouched)",
       .tag = "deckies",
       .handler = [&fleet](const Request& req, const Principal*) {
         const auto& name = req.param("decky_name");
         check_decky_name(name);
         const auto& service = req.param("service_name");
         check_service_name(service);
         const auto services = fleet_call([&] { return fleet.remove_service(name, service); });
         return json(200, {{"decky_name", name}, {"topology_id", nullptr}, {"services", services}});
       }});
  for (const bool apply : {false, true}) {
    router.add(
        {.method = apply ? "POST" : "PUT",
         .path = std::string("/api/v1/deckies/{decky_name}/services/{service_name}/") +
                 (apply ? "apply" : "config"),
         .access = Access::kAdmin,
         .lane = Lane::kFast,
         .summary = apply ? "Save a service's settings and restart it with them"
                          : "Save a service's settings (taken at its next restart)",
         .tag = "deckies",
         .json_body = true,
         .body_schema = config_schema,
         .success_status = apply ? 201 : 200,
         .handler = [&fleet, apply](const Request& req, const Principal*) {
           const auto& name = req.param("decky_name");
           check_decky_name(name);
           const auto& service = req.param("service_name");
           check_service_name(service);
           const auto config = config_of(req.json);
           const auto settings =
               fleet_call([&] { return fleet.set_service_config(name, service, config, apply); });
           Json shown = Json::object();
           for (const auto& [key, value] : settings) shown[key] = value;
           return json(apply ? 201 : 200, {{"decky_name", name},
                                           {"service_name", service},
                                           {"topology_id", nullptr},
                                           {"config", fleet::masked_settings(service, shown)},
                                           {"recreated", apply}});
         }});
  }
}

}  // namespace decnet::api
