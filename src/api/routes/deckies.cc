// The fleet on this host over the API: list and read deckies, deploy an INI, tear a decky down.
// Deploy answers when the deckies are up (every port answering), not with a promise: the
// operator sees at once which deckies run and which failed, and why. Conflicts (a name or
// address the fleet has, the deployment limit, a bad INI) are 409 with the reference's
// messages; per-service secrets never leave the server.
#include <algorithm>

#include "api/http/api_error.h"
#include "api/routes/routes.h"
#include "decky/fleet/deploy_plan.h"
#include "decky/fleet/namespace_network.h"
#include "decky/service_registry.h"
#include "fleet/fleet.h"
#include "fleet/fleet_record.h"

namespace decnet::api {
namespace {

using Json = nlohmann::json;

// The deploy body: exactly these fields.
fleet::DeployRequest deploy_request(const Json& body) {
  if (!body.is_object()) throw unprocessable("body", "must be a JSON object");
  for (const auto& [key, _] : body.items()) {
    if (key != "ini_content" && key != "replace_fleet" && key != "dry_run") {
      throw unprocessable(key, "extra fields are not permitted");
    }
  }
  fleet::DeployRequest out;
  const auto ini = body.find("ini_content");
  if (ini == body.end() || !ini->is_string()) throw unprocessable("ini_content", "is required");
  out.ini = ini->get<std::string>();
  if (out.ini.size() > decky::kMaxDeployIniBytes) {
    throw unprocessable("ini_content", "exceeds 512 KiB");
  }
  for (const auto& [name, flag] :
       {std::pair{"replace_fleet", &out.replace_fleet}, {"dry_run", &out.dry_run}}) {
    if (const auto it = body.find(name); it != body.end() && !it->is_null()) {
      if (!it->is_boolean()) throw unprocessable(name, "must be true or false");
      *flag = it->get<bool>();
    }
  }
  return out;
}

Json plan_json(const decky::DeployPlan& plan) {
  Json deckies = Json::array();
  for (const auto& d : plan.deckies) {
    deckies.push_back({{"name", d.name},
                       {"ip", d.ip},
                       {"services", d.services},
                       {"archetype", d.archetype.empty() ? Json(nullptr) : Json(d.archetype)}});
  }
  return {{"subnet", plan.network.subnet},
          {"gateway", plan.network.gateway},
          {"deckies", std::move(deckies)}};
}

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

// The service operations' errors as the reference maps them.
template <typename Fn>
auto service_call(Fn fn) {
  try {
    return fn();
  } catch (const fleet::FleetNotFound& e) {
    throw not_found(e.what());
  } catch (const fleet::ServiceRefused& e) {
    throw unprocessable("name", e.what());
  } catch (const decky::ServiceConfigError& e) {
    throw bad_request(e.what());
  } catch (const fleet::FleetConflict& e) {
    throw conflict(e.what());
  } catch (const decky::FleetError& e) {
    throw conflict(e.what());
  }
}

void check_service_name(const std::string& name) {
  const bool ok =
      !name.empty() && name.size() <= 64 &&
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
  if (!ok) throw unprocessable("service_name", "must match ^[a-z0-9_-]{1,64}$");
}

void check_name(const std::string& name) {
  const bool ok =
      !name.empty() && name.size() <= 64 &&
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
  if (!ok) throw unprocessable("decky_name", "must match ^[a-z0-9-]{1,64}$");
}

}  // namespace

void add_decky_routes(Router& router, ApiContext& ctx) {
  if (!ctx.fleet) return;
  auto& fleet = *ctx.fleet;
  const Json deploy_schema = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"ini_content"}},
      {"properties",
       {{"ini_content", {{"type", "string"}, {"maxLength", decky::kMaxDeployIniBytes}}},
        {"replace_fleet", {{"type", "boolean"}, {"default", false}}},
        {"dry_run", {{"type", "boolean"}, {"default", false}}}}}};

  router.add({.method = "GET",
              .path = "/api/v1/deckies",
              .access = Access::kViewer,
              .lane = Lane::kFast,
              .summary = "The deckies deployed on this host, by name",
              .tag = "deckies",
              .handler = [&fleet](const Request&, const Principal*) {
                Json out = Json::array();
                for (const auto& row : fleet.deckies()) out.push_back(fleet::decky_view(row));
                return json(200, out);
              }});
  router.add({.method = "GET",
              .path = "/api/v1/deckies/{decky_name}",
              .access = Access::kViewer,
              .lane = Lane::kFast,
              .summary = "One deployed decky",
              .tag = "deckies",
              .handler = [&fleet](const Request& req, const Principal*) {
                const auto& name = req.param("decky_name");
                check_name(name);
                const auto row = fleet.decky(name);
                if (!row) throw not_found("decky '" + name + "' is not deployed");
                auto out = fleet::decky_view(*row);
                out["heartbeat"] = fleet.heartbeat(name);
                return json(200, out);
              }});
  router.add({.method = "POST",
              .path = "/api/v1/deckies/deploy",
              .access = Access::kAdmin,
              .lane = Lane::kFast,
              .summary = "Deploy the deckies of a deploy INI on this host; answers once they are "
                         "up (201), with those that failed and why",
              .tag = "deckies",
              .json_body = true,
              .body_schema = deploy_schema,
              .success_status = 201,
              .handler = [&fleet](const Request& req, const Principal*) {
                const auto request = deploy_request(req.json);
                fleet::DeployResult result;
                try {
                  result = fleet.deploy(request);
                } catch (const fleet::FleetConflict& e) {
                  throw conflict(e.what());
                } catch (const decky::FleetError& e) {
                  throw conflict(e.what());
                }
                const auto wanted = result.plan.deckies.size();
                std::string message = request.dry_run
                                          ? "Plan for " + std::to_string(wanted) + " deckies"
                                          : "Deployed " + std::to_string(result.deployed.size()) +
                                                " of " + std::to_string(wanted) + " deckies";
                return json(request.dry_run ? 200 : 201, {{"message", std::move(message)},
                                                          {"mode", "unihost"},
                                                          {"dry_run", request.dry_run},
                                                          {"plan", plan_json(result.plan)},
                                                          {"deployed", result.deployed},
                                                          {"replaced", result.replaced},
                                                          {"failures", result.failures}});
              }});
  router.add({.method = "DELETE",
              .path = "/api/v1/deckies/{decky_name}",
              .access = Access::kAdmin,
              .lane = Lane::kFast,
              .summary = "Tear one decky down: its process, namespace and veth",
              .tag = "deckies",
              .success_status = 204,
              .handler = [&fleet](const Request& req, const Principal*) {
                const auto& name = req.param("decky_name");
                check_name(name);
                try {
                  fleet.teardown(name);
                } catch (const fleet::FleetNotFound& e) {
                  throw not_found(e.what());
                } catch (const decky::FleetError& e) {
                  throw conflict(e.what());
                }
                return Response::empty(204);
              }});
}

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
         check_name(name);
         const auto service =
             req.json.is_object() && req.json.contains("name") && req.json["name"].is_string()
                 ? req.json["name"].get<std::string>()
                 : throw unprocessable("name", "is required");
         const auto config = config_of(req.json);
         const auto services =
             service_call([&] { return fleet.add_service(name, service, config); });
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
         check_name(name);
         const auto& service = req.param("service_name");
         check_service_name(service);
         const auto services = service_call([&] { return fleet.remove_service(name, service); });
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
           check_name(name);
           const auto& service = req.param("service_name");
           check_service_name(service);
           const auto config = config_of(req.json);
           const auto settings =
               service_call([&] { return fleet.set_service_config(name, service, config, apply); });
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
