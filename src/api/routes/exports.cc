// Attackers exported for the tools analysts already share indicators through: a STIX 2.1 bundle
// (threat-intel platforms) and a MISP event (MISP instances), for one attacker or for the most
// recently seen attackers of the fleet. The builders are in src/ttp; here the facts are gathered:
// the attacker row, its newest ATT&CK tags, the files it dropped, the mail domains it targeted,
// its commands and its intel verdict. Each answer is a download (Content-Disposition).
#include <fmt/format.h>

#include <set>

#include "api/http/api_error.h"
#include "api/routes/route_params.h"
#include "api/routes/routes.h"
#include "core/time.h"
#include "store/attachment_repository.h"
#include "store/attacker_repository.h"
#include "store/smtp_target_repository.h"
#include "store/ttp_repository.h"
#include "ttp/attack_catalog.h"
#include "ttp/misp_event.h"
#include "ttp/stix_bundle.h"

namespace decnet::api {
namespace {

// Bounds of what one attacker contributes: an export is a summary, not a dump.
constexpr std::int64_t kTagsPerAttacker = 500;
constexpr std::size_t kCommandsPerAttacker = 100;
constexpr std::int64_t kFilesPerAttacker = 100;

ttp::AttackerExport gather(ApiContext& ctx, const store::Attacker& a, bool details) {
  ttp::AttackerExport e;
  e.uuid = a.uuid;
  e.ip = a.ip;
  e.identity_uuid = a.identity_id;
  e.first_seen = a.first_seen;
  e.last_seen = a.last_seen;
  e.event_count = a.event_count;
  e.country_code = a.country_code;
  e.asn = a.asn;
  e.as_name = a.as_name;
  e.intel_verdict = a.verdict;
  e.tags = ctx.repo.ttp().list_tags_by_scope(store::TagScope::kAttacker, a.uuid,
                                             details ? kTagsPerAttacker : 50);
  const auto commands = nlohmann::json::parse(a.commands, nullptr, false);
  if (commands.is_array()) {
    std::set<std::string> seen;
    for (const auto& c : commands) {
      std::string text;
      if (c.is_string()) text = c.get<std::string>();
      if (c.is_object()) text = c.value("command", c.value("command_text", std::string()));
      if (!text.empty() && seen.size() < kCommandsPerAttacker && seen.insert(text).second) {
        e.commands.push_back(text);
      }
    }
  }
  if (!details) return e;
  store::AttachmentQuery files;
  files.attacker_uuid = a.uuid;
  files.page.limit = kFilesPerAttacker;
  for (const auto& f : ctx.repo.attachments().list_observed_attachments(files).data) {
    e.file_sha256s.push_back(f.sha256);
  }
  for (const auto& t : ctx.repo.smtp_targets().list_smtp_targets(a.uuid)) {
    if (!t.domain.empty()) e.smtp_domains.push_back(t.domain);
  }
  return e;
}

store::Attacker attacker_or_404(ApiContext& ctx, const std::string& uuid) {
  auto a = ctx.repo.attackers().get(uuid);
  if (!a) throw not_found("unknown attacker uuid: '" + uuid + "'");
  return *a;
}

// The most recently seen attackers, `limit` of them.
std::vector<ttp::AttackerExport> fleet(ApiContext& ctx, const Request& req) {
  store::AttackerQuery query;
  const auto limit = optional_text(req, {"limit"});
  query.page.limit = limit ? std::stoll(*limit) : 200;
  std::vector<ttp::AttackerExport> out;
  for (const auto& a : ctx.repo.attackers().list(query).data) out.push_back(gather(ctx, a, false));
  return out;
}

Response download(const nlohmann::json& body, const std::string& filename) {
  auto r = json(200, body);
  r.headers["Content-Disposition"] = "attachment; filename=\"" + filename + "\"";
  return r;
}

std::string stamp(std::int64_t now) {
  auto t = core::format_rfc3339(now, false);  // 2026-05-02T06:22:48Z
  std::string out;
  for (const char c : t) {
    if (c != '-' && c != ':') out.push_back(c);
  }
  return out;
}

QueryParam fleet_limit() {
  return {.name = "limit",
          .type = ParamType::kInt,
          .min = 1,
          .max = 1000,
          .description = "How many attackers, most recently seen first",
          .default_value = 200};
}

}  // namespace

void add_export_routes(Router& router, ApiContext& ctx) {
  router.add({.method = "GET",
              .path = "/api/v1/attackers/{uuid}/export/stix",
              .access = Access::kViewer,
              .summary = "One attacker as a STIX 2.1 bundle",
              .tag = "exports",
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto a = attacker_or_404(ctx, req.param("uuid"));
                const auto now = core::now_micros();
                return download(
                    ttp::stix_bundle({gather(ctx, a, true)}, ttp::AttackCatalog::shipped(), now),
                    "decnet-attacker-" + a.uuid.substr(0, 8) + ".stix.json");
              }});
  router.add({.method = "GET",
              .path = "/api/v1/attackers/export/stix",
              .access = Access::kViewer,
              .summary = "The most recently seen attackers as one STIX 2.1 bundle",
              .tag = "exports",
              .query = {fleet_limit()},
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto now = core::now_micros();
                return download(
                    ttp::stix_bundle(fleet(ctx, req), ttp::AttackCatalog::shipped(), now),
                    "decnet-fleet-" + stamp(now) + ".stix.json");
              }});
  router.add({.method = "GET",
              .path = "/api/v1/attackers/{uuid}/export/misp",
              .access = Access::kViewer,
              .summary = "One attacker as a MISP event",
              .tag = "exports",
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto a = attacker_or_404(ctx, req.param("uuid"));
                return download(ttp::misp_event(gather(ctx, a, true), ttp::AttackCatalog::shipped(),
                                                core::now_micros()),
                                "decnet-attacker-" + a.uuid.substr(0, 8) + ".misp.json");
              }});
  router.add({.method = "GET",
              .path = "/api/v1/attackers/export/misp",
              .access = Access::kViewer,
              .summary = "The most recently seen attackers as MISP events",
              .tag = "exports",
              .query = {fleet_limit()},
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto now = core::now_micros();
                auto events = nlohmann::json::array();
                for (const auto& a : fleet(ctx, req)) {
                  events.push_back(ttp::misp_event(a, ttp::AttackCatalog::shipped(), now));
                }
                return download({{"response", std::move(events)}},
                                "decnet-fleet-" + stamp(now) + ".misp.json");
              }});
}

}  // namespace decnet::api
