// ATT&CK techniques seen, from the tags the tagging worker writes: per technique for the fleet,
// an identity, an attacker, a session or a campaign; the tags of one technique in one of those
// scopes with their evidence; and the fleet's or an identity's coverage as an ATT&CK Navigator
// layer (format 4.5). Names and groups come from the ATT&CK catalogue shipped with the build;
// an id it does not know has a null name.
#include <fmt/format.h>

#include "api/http/api_error.h"
#include "api/routes/json_views.h"
#include "api/routes/route_params.h"
#include "api/routes/routes.h"
#include "bus/topics.h"
#include "core/config.h"
#include "core/time.h"
#include "store/ttp_repository.h"
#include "ttp/attack_catalog.h"
#include "ttp/event_tagger.h"
#include "ttp/rule_loader.h"
#include "ttp/rule_state.h"

namespace decnet::api {
namespace {

using store::TagScope;

nlohmann::json name_of(const std::optional<std::string>& id) {
  if (!id) return nullptr;
  const auto name = ttp::AttackCatalog::shipped().technique_name(*id);
  return name ? nlohmann::json(*name) : nlohmann::json(nullptr);
}

nlohmann::json optional_text_json(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// One rollup row; `scoped` adds first_seen, `campaign` identity_count.
nlohmann::json rollup_json(const store::TechniqueRollup& r, bool scoped, bool campaign) {
  nlohmann::json row = {{"technique_id", r.technique_id},
                        {"technique_name", name_of(r.technique_id)},
                        {"sub_technique_id", optional_text_json(r.sub_technique_id)},
                        {"sub_technique_name", name_of(r.sub_technique_id)},
                        {"tactic", r.tactic},
                        {"count", r.count},
                        {"last_seen", time_json(r.last_seen)},
                        {"mitre_url", ttp::mitre_url(r.sub_technique_id.value_or(r.technique_id))}};
  row["confidence_max"] = r.confidence_max;
  if (scoped) row["first_seen"] = time_json(r.first_seen);
  if (campaign) row["identity_count"] = r.identity_count;
  return row;
}

nlohmann::json rollups_json(const std::vector<store::TechniqueRollup>& rows, bool scoped,
                            bool campaign = false) {
  auto out = nlohmann::json::array();
  for (const auto& r : rows) out.push_back(rollup_json(r, scoped, campaign));
  return out;
}

nlohmann::json tag_json(const store::TtpTag& t) {
  auto evidence = nlohmann::json::parse(t.evidence, nullptr, false);
  if (!evidence.is_object()) evidence = nlohmann::json::object();
  return {{"uuid", t.uuid},
          {"source_kind", t.source_kind},
          {"source_id", t.source_id},
          {"attacker_uuid", optional_text_json(t.attacker_uuid)},
          {"identity_uuid", optional_text_json(t.identity_uuid)},
          {"session_id", optional_text_json(t.session_id)},
          {"decky_id", optional_text_json(t.decky_id)},
          {"tactic", t.tactic},
          {"technique_id", t.technique_id},
          {"technique_name", name_of(t.technique_id)},
          {"sub_technique_id", optional_text_json(t.sub_technique_id)},
          {"sub_technique_name", name_of(t.sub_technique_id)},
          {"confidence", t.confidence},
          {"rule_id", t.rule_id},
          {"rule_version", t.rule_version},
          {"evidence", std::move(evidence)},
          {"attack_release", t.attack_release},
          {"mitre_url", optional_text_json(t.mitre_url)},
          {"created_at", time_json(t.created_at)}};
}

// ATT&CK Navigator layer 4.5: one entry per technique or sub-technique seen (sub-techniques
// keep their own id, so the layer shows them), scored by how often it was seen.
// The query of the tag-detail routes: a sub-technique filter and limit 1..1000 (default 200).
std::vector<QueryParam> tag_query() {
  return {text_param("sub_technique_id", "Only this sub-technique (e.g. T1059.004)", 16),
          {.name = "limit",
           .type = ParamType::kInt,
           .min = 1,
           .max = 1000,
           .description = "How many tags",
           .default_value = store::kDefaultTagLimit}};
}

std::int64_t tag_limit(const Request& req) {
  const auto limit = optional_text(req, {"limit"});
  return limit ? std::stoll(*limit) : store::kDefaultTagLimit;
}

nlohmann::json navigator_layer(const std::string& name,
                               const std::vector<store::TechniqueRollup>& rows) {
  auto techniques = nlohmann::json::array();
  for (const auto& r : rows) {
    techniques.push_back({{"techniqueID", r.sub_technique_id.value_or(r.technique_id)},
                          {"score", r.count},
                          {"color", ""},
                          {"comment", ""},
                          {"enabled", true}});
  }
  return {{"name", name},
          {"versions", {{"attack", "15"}, {"navigator", "5.1.0"}, {"layer", "4.5"}}},
          {"domain", "enterprise-attack"},
          {"description", ""},
          {"techniques", std::move(techniques)}};
}

// The rule pack `decnet serve` tags with, read fresh so the catalogue shows what is on disk.
std::vector<ttp::Rule> loaded_rules(const ApiContext& ctx) {
  const auto dir = ctx.config && !ctx.config->ttp_rules_dir().empty()
                       ? std::filesystem::path(ctx.config->ttp_rules_dir())
                       : ttp::shipped_rule_directory();
  try {
    return ttp::load_rule_directory(dir);
  } catch (const ttp::RuleError& e) {
    throw service_unavailable(std::chrono::seconds(60), std::string("rule pack: ") + e.what());
  }
}

nlohmann::json state_json(const std::string& rule_id, const store::TtpRuleState* s) {
  if (!s) {
    return {{"rule_id", rule_id},    {"state", "enabled"}, {"confidence_max", nullptr},
            {"expires_at", nullptr}, {"reason", nullptr},  {"set_by", nullptr},
            {"set_at", nullptr}};
  }
  return {{"rule_id", rule_id},
          {"state", s->state},
          {"confidence_max", s->confidence_max ? nlohmann::json(*s->confidence_max) : nullptr},
          {"expires_at", time_json(s->expires_at)},
          {"reason", optional_text_json(s->reason)},
          {"set_by", optional_text_json(s->set_by)},
          {"set_at", time_json(s->set_at)}};
}

nlohmann::json rule_json(const ttp::Rule& rule, const store::TtpRuleState* s, std::int64_t now) {
  auto row = state_json(rule.rule_id, s);
  row["state"] = std::string(ttp::state_at(s, now));
  row["rule_version"] = rule.rule_version;
  row["name"] = rule.name;
  row["description"] = rule.description;
  row["applies_to"] = rule.applies_to;
  row["kind"] = rule.is_lifter() ? rule.lifter : "pattern";
  auto emits = nlohmann::json::array();
  for (const auto& e : rule.emits) {
    emits.push_back({{"tactic", e.tactic},
                     {"technique_id", e.technique_id},
                     {"sub_technique_id", optional_text_json(e.sub_technique_id)},
                     {"confidence", e.confidence}});
  }
  row["emits"] = std::move(emits);
  return row;
}

const ttp::Rule& rule_or_404(const std::vector<ttp::Rule>& rules, const std::string& id) {
  for (const auto& r : rules) {
    if (r.rule_id == id) return r;
  }
  throw not_found("unknown rule_id: '" + id + "'");
}

// The body of POST /ttp/rules/{rule_id}/state, checked field by field.
store::TtpRuleState state_from(const Request& req, const std::string& rule_id,
                               const Principal& who) {
  const auto& body = req.json;
  store::TtpRuleState s;
  s.rule_id = rule_id;
  const auto state = body.find("state");
  if (state == body.end() || !state->is_string() ||
      (*state != ttp::kRuleEnabled && *state != ttp::kRuleDisabled &&
       *state != ttp::kRuleClipped)) {
    throw unprocessable("state", "required: enabled, disabled or clipped");
  }
  s.state = state->get<std::string>();
  if (const auto c = body.find("confidence_max"); c != body.end() && !c->is_null()) {
    if (!c->is_number() || c->get<double>() < 0.0 || c->get<double>() > 1.0) {
      throw unprocessable("confidence_max", "a number within 0..1");
    }
    if (s.state != ttp::kRuleClipped) {
      throw unprocessable("confidence_max", "only a clipped rule has a ceiling");
    }
    s.confidence_max = c->get<double>();
  } else if (s.state == ttp::kRuleClipped) {
    throw unprocessable("confidence_max", "required for a clipped rule");
  }
  if (const auto e = body.find("expires_at"); e != body.end() && !e->is_null()) {
    const auto parsed = e->is_string() ? core::parse_rfc3339(e->get<std::string>()) : std::nullopt;
    if (!parsed) throw unprocessable("expires_at", "an RFC 3339 time");
    s.expires_at = parsed->micros_utc;
  }
  if (const auto r = body.find("reason"); r != body.end() && !r->is_null()) {
    if (!r->is_string() || r->get_ref<const std::string&>().size() > 512) {
      throw unprocessable("reason", "text of at most 512 characters");
    }
    s.reason = r->get<std::string>();
  }
  s.set_by = who.username;
  s.set_at = core::now_micros();
  return s;
}

const char* scope_name(TagScope scope) {
  switch (scope) {
    case TagScope::kIdentity:
      return "identity";
    case TagScope::kAttacker:
      return "attacker";
    case TagScope::kSession:
      return "session";
  }
  return "";
}

}  // namespace

void add_ttp_routes(Router& router, ApiContext& ctx) {
  router.add({.method = "GET",
              .path = "/api/v1/ttp/techniques",
              .access = Access::kViewer,
              .summary = "ATT&CK techniques seen across the fleet, with counts",
              .tag = "ttp",
              .handler = [&ctx](const Request&, const Principal*) {
                return json(200, rollups_json(ctx.repo.ttp().list_technique_rollup(), false));
              }});
  router.add({.method = "GET",
              .path = "/api/v1/ttp/tags/{technique_id}",
              .access = Access::kViewer,
              .summary = "The fleet's tags of one technique, newest first, with evidence",
              .tag = "ttp",
              .query = tag_query(),
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto sub = optional_text(req, {"sub_technique_id"});
                const auto wanted = tag_limit(req);
                // The store filters by parent technique; a sub-technique is picked out here, from a
                // bounded read.
                const auto tags = ctx.repo.ttp().list_tags_by_technique(
                    req.param("technique_id"), 0,
                    sub ? std::min<std::int64_t>(wanted * 4, 4000) : wanted);
                auto out = nlohmann::json::array();
                for (const auto& t : tags) {
                  if (sub && t.sub_technique_id != sub) continue;
                  if (static_cast<std::int64_t>(out.size()) >= wanted) break;
                  out.push_back(tag_json(t));
                }
                return json(200, out);
              }});
  for (const auto scope : {TagScope::kIdentity, TagScope::kAttacker, TagScope::kSession}) {
    const std::string name = scope_name(scope);
    // Sessions are addressed by their uuid like everything else here.
    const std::string param = name + "_uuid";
    const auto scoped_path = fmt::format("/api/v1/ttp/by-{}/{{{}}}", name, param);
    const auto tags_path =
        fmt::format("/api/v1/ttp/tags/by-{}/{{{}}}/{{technique_id}}", name, param);
    router.add({.method = "GET",
                .path = scoped_path,
                .access = Access::kViewer,
                .summary = "ATT&CK techniques seen for one " + name,
                .tag = "ttp",
                .handler = [&ctx, scope, param](const Request& req, const Principal*) {
                  return json(200, rollups_json(ctx.repo.ttp().list_technique_rollup_by_scope(
                                                    scope, req.param(param)),
                                                true));
                }});
    router.add(
        {.method = "GET",
         .path = tags_path,
         .access = Access::kViewer,
         .summary = "The tags of one technique for one " + name + ", newest first, with evidence",
         .tag = "ttp",
         .query = tag_query(),
         .handler = [&ctx, scope, param](const Request& req, const Principal*) {
           const auto tags = ctx.repo.ttp().list_tags_by_scope_and_technique(
               scope, req.param(param), req.param("technique_id"),
               optional_text(req, {"sub_technique_id"}), tag_limit(req));
           auto out = nlohmann::json::array();
           for (const auto& t : tags) out.push_back(tag_json(t));
           return json(200, out);
         }});
  }
  router.add({.method = "GET",
              .path = "/api/v1/ttp/by-campaign/{campaign_uuid}",
              .access = Access::kViewer,
              .summary = "ATT&CK techniques seen for one campaign's identities",
              .tag = "ttp",
              .handler = [&ctx](const Request& req, const Principal*) {
                return json(200, rollups_json(ctx.repo.ttp().list_technique_rollup_by_campaign(
                                                  req.param("campaign_uuid")),
                                              false, true));
              }});
  router.add({.method = "GET",
              .path = "/api/v1/ttp/techniques/{technique_id}/groups",
              .access = Access::kViewer,
              .summary = "The threat groups known to use a technique (ATT&CK)",
              .tag = "ttp",
              .handler = [](const Request& req, const Principal*) {
                const auto& id = req.param("technique_id");
                const auto* t = ttp::AttackCatalog::shipped().technique(id);
                if (!t) throw not_found("unknown technique_id: '" + id + "'");
                auto out = nlohmann::json::array();
                for (const auto& g : t->groups) {
                  out.push_back({{"group_id", g.group_id},
                                 {"name", g.name},
                                 {"aliases", g.aliases},
                                 {"mitre_url", g.url}});
                }
                return json(200, out);
              }});
  router.add({.method = "GET",
              .path = "/api/v1/ttp/rules",
              .access = Access::kViewer,
              .summary = "The ATT&CK rules, with what each emits and its operational state",
              .tag = "ttp",
              .handler = [&ctx](const Request&, const Principal*) {
                ttp::RuleStates states;
                for (auto& s : ctx.repo.ttp().list_rule_states()) {
                  states.emplace(s.rule_id, std::move(s));
                }
                const auto now = core::now_micros();
                auto out = nlohmann::json::array();
                for (const auto& rule : loaded_rules(ctx)) {
                  const auto it = states.find(rule.rule_id);
                  out.push_back(rule_json(rule, it == states.end() ? nullptr : &it->second, now));
                }
                return json(200, out);
              }});
  router.add(
      {.method = "POST",
       .path = "/api/v1/ttp/rules/{rule_id}/state",
       .access = Access::kAdmin,
       .summary =
           "Enable, disable or clip a rule (with an optional expiry); tagging follows at once",
       .tag = "ttp",
       .json_body = true,
       .body_schema = {{"type", "object"},
                       {"required", {"state"}},
                       {"properties",
                        {{"state",
                          {{"type", "string"}, {"enum", {"enabled", "disabled", "clipped"}}}},
                         {"confidence_max", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
                         {"expires_at", {{"type", "string"}, {"format", "date-time"}}},
                         {"reason", {{"type", "string"}, {"maxLength", 512}}}}}},
       .handler = [&ctx](const Request& req, const Principal* who) {
         const auto& rule = rule_or_404(loaded_rules(ctx), req.param("rule_id"));
         const auto state = state_from(req, rule.rule_id, *who);
         ctx.repo.write_now([&](store::WriteScope& w) { ctx.repo.ttp().set_rule_state(w, state); });
         ctx.bus.publish(bus::topics::ttp_rule_state(rule.rule_id),
                         state_json(rule.rule_id, &state), bus::topics::kTtpRuleState);
         return json(200, state_json(rule.rule_id, &state));
       }});
  router.add({.method = "DELETE",
              .path = "/api/v1/ttp/rules/{rule_id}/state",
              .access = Access::kAdmin,
              .summary = "Return a rule to its default state (enabled)",
              .tag = "ttp",
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto& rule = rule_or_404(loaded_rules(ctx), req.param("rule_id"));
                ctx.repo.write_now([&](store::WriteScope& w) {
                  return ctx.repo.ttp().clear_rule_state(w, rule.rule_id);
                });
                ctx.bus.publish(bus::topics::ttp_rule_state(rule.rule_id),
                                state_json(rule.rule_id, nullptr), bus::topics::kTtpRuleState);
                return json(200, state_json(rule.rule_id, nullptr));
              }});
  router.add({.method = "GET",
              .path = "/api/v1/ttp/export/navigator",
              .access = Access::kViewer,
              .summary = "The fleet's ATT&CK coverage as a Navigator layer (4.5)",
              .tag = "ttp",
              .handler = [&ctx](const Request&, const Principal*) {
                return json(200, navigator_layer("DECNET TTP coverage \xe2\x80\x94 fleet",
                                                 ctx.repo.ttp().list_technique_rollup()));
              }});
  router.add({.method = "GET",
              .path = "/api/v1/ttp/export/navigator/identity/{identity_uuid}",
              .access = Access::kViewer,
              .summary = "One identity's ATT&CK coverage as a Navigator layer (4.5)",
              .tag = "ttp",
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto& id = req.param("identity_uuid");
                return json(200, navigator_layer("DECNET TTP coverage \xe2\x80\x94 identity " + id,
                                                 ctx.repo.ttp().list_technique_rollup_by_scope(
                                                     TagScope::kIdentity, id)));
              }});
}

}  // namespace decnet::api
