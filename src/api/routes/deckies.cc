// The fleet on this host over the API: list and read deckies, deploy an INI, tear a decky down,
// tarpit its ports (decky_services.cc changes its services).
// Deploy answers when the deckies are up (every port answering), not with a promise: the
// operator sees at once which deckies run and which failed, and why. Conflicts (a name or
// address the fleet has, the deployment limit, a bad INI) are 409 with the reference's
// messages; per-service secrets never leave the server.
#include <algorithm>

#include "api/http/api_error.h"
#include "api/routes/fleet_calls.h"
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
                check_decky_name(name);
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
                check_decky_name(name);
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

void add_decky_tarpit_routes(Router& router, ApiContext& ctx) {
  if (!ctx.fleet) return;
  auto& fleet = *ctx.fleet;
  auto& repo = ctx.repo;
  const Json schema = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"ports", "delay_ms"}},
      {"properties",
       {{"ports",
         {{"type", "array"},
          {"minItems", 1},
          {"items", {{"type", "integer"}, {"minimum", 1}, {"maximum", 65535}}}}},
        {"delay_ms", {{"type", "integer"}, {"minimum", 100}, {"maximum", 300000}}}}}};

  router.add(
      {.method = "POST",
       .path = "/api/v1/deckies/{decky_name}/tarpit",
       .access = Access::kAdmin,
       .lane = Lane::kFast,
       .summary = "Slow ports of a decky down: every answer waits delay_ms (in the decky "
                  "itself, no traffic control needed)",
       .tag = "deckies",
       .json_body = true,
       .body_schema = schema,
       .success_status = 201,
       .handler = [&fleet](const Request& req, const Principal* who) {
         const auto& name = req.param("decky_name");
         check_decky_name(name);
         const auto& body = req.json;
         if (!body.is_object()) throw unprocessable("body", "must be a JSON object");
         for (const auto& [key, _] : body.items()) {
           if (key != "ports" && key != "delay_ms") {
             throw unprocessable(key, "extra fields are not permitted");
           }
         }
         const auto ports = body.find("ports");
         if (ports == body.end() || !ports->is_array() || ports->empty() || ports->size() > 64) {
           throw unprocessable("ports", "must be a list of 1 to 64 ports");
         }
         std::vector<int> list;
         for (const auto& p : *ports) {
           if (!p.is_number_integer() || p.get<int>() < 1 || p.get<int>() > 65535) {
             throw unprocessable("ports", "each port must be from 1 to 65535");
           }
           list.push_back(p.get<int>());
         }
         const auto delay = body.find("delay_ms");
         if (delay == body.end() || !delay->is_number_integer() ||
             delay->get<std::int64_t>() < 100 || delay->get<std::int64_t>() > 300000) {
           throw unprocessable("delay_ms", "must be from 100 to 300000");
         }
         const auto operator_uuid = who ? std::optional<std::string>(who->user_uuid) : std::nullopt;
         fleet_call([&] { return fleet.set_tarpit(name, list, delay->get<int>(), operator_uuid); });
         return json(201, {{"message", "tarpit active"}});
       }});
  router.add({.method = "GET",
              .path = "/api/v1/deckies/{decky_name}/tarpit",
              .access = Access::kViewer,
              .lane = Lane::kFast,
              .summary = "A decky's tarpit rule and the connections held in it now",
              .tag = "deckies",
              .handler = [&fleet, &repo](const Request& req, const Principal*) {
                const auto& name = req.param("decky_name");
                check_decky_name(name);
                const auto rule = repo.tarpit().get_tarpit_rule(name);
                if (!rule) throw not_found("no tarpit rule for decky '" + name + "'");
                auto active = Json::array();
                const auto heartbeat = fleet.heartbeat(name);
                if (heartbeat.is_object() && heartbeat.contains("tarpitted")) {
                  active = heartbeat["tarpitted"];
                }
                return json(
                    200,
                    {{"rule",
                      {{"id", rule->id},
                       {"decky_name", rule->decky_name},
                       {"ports", rule->ports},
                       {"delay_ms", rule->delay_ms},
                       {"created_at", rule->created_at},
                       {"created_by", rule->created_by ? Json(*rule->created_by) : Json(nullptr)}}},
                     {"active_connections", std::move(active)}});
              }});
  router.add({.method = "DELETE",
              .path = "/api/v1/deckies/{decky_name}/tarpit",
              .access = Access::kAdmin,
              .lane = Lane::kFast,
              .summary = "Stop slowing a decky down (connections held now keep their delay)",
              .tag = "deckies",
              .handler = [&fleet](const Request& req, const Principal*) {
                const auto& name = req.param("decky_name");
                check_decky_name(name);
                fleet_call([&] { return fleet.clear_tarpit(name); });
                return json(200, {{"message", "tarpit removed"}});
              }});
}

}  // namespace decnet::api
