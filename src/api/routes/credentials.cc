// /api/v1/credentials and /credential-reuse: what attackers typed and where they typed the same
// secret again. Rows go out through json_views, which withholds the secret's raw bytes and keeps
// only its printable form and SHA-256; the hash is the key that ties attempts together, so
// /credentials/secret/{sha256} lists every attempt of one secret across deckies and addresses.
// The reference's `min_target_count` is accepted as an alias of `min_targets`.
#include "api/http/api_error.h"
#include "api/routes/json_views.h"
#include "api/routes/route_params.h"
#include "api/routes/routes.h"
#include "store/credential_repository.h"

namespace decnet::api {
namespace {

std::vector<QueryParam> with_page(std::vector<QueryParam> params) {
  auto page = page_params();
  params.insert(params.end(), page.begin(), page.end());
  return params;
}

QueryParam min_targets_param(std::string name, std::string description) {
  return {.name = std::move(name),
          .type = ParamType::kInt,
          .min = 2,
          .max = 1000,
          .description = std::move(description),
          .default_value = 2};
}

}  // namespace

void add_credential_routes(Router& router, ApiContext& ctx) {
  router.add(
      {.method = "GET",
       .path = "/api/v1/credentials",
       .access = Access::kViewer,
       .summary = "Captured credentials, most recently seen first",
       .tag = "credentials",
       .query = with_page({text_param("secret_kind", "plaintext, ntlm, ...", 64),
                           text_param("service", "Service name"), text_param("decky", "Decky name"),
                           text_param("attacker_ip", "Attacker address", 64),
                           text_param("principal", "User name tried", 512)}),
       .handler = [&ctx](const Request& req, const Principal*) {
         store::CredentialQuery q;
         q.page = page_request(req);
         q.secret_kind = optional_text(req, {"secret_kind"});
         q.service = optional_text(req, {"service"});
         q.decky = optional_text(req, {"decky"});
         q.attacker_ip = optional_text(req, {"attacker_ip"});
         q.principal = optional_text(req, {"principal"});
         return json(200, page_json(ctx.repo.credentials().list(q)));
       }});
  router.add({.method = "GET",
              .path = "/api/v1/credentials/secret/{sha256}",
              .access = Access::kViewer,
              .summary = "Every attempt of one secret, by its SHA-256 (64 hex digits)",
              .tag = "credentials",
              .query = with_page({text_param("secret_kind", "plaintext, ntlm, ...", 64)}),
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto sha = normalize_hex(req.param("sha256"), 64);
                if (!sha) throw unprocessable("sha256", "must be 64 hexadecimal digits");
                store::CredentialQuery q;
                q.page = page_request(req);
                q.secret_sha256 = *sha;
                q.secret_kind = optional_text(req, {"secret_kind"});
                return json(200, page_json(ctx.repo.credentials().list(q)));
              }});
  router.add(
      {.method = "GET",
       .path = "/api/v1/credential-reuse",
       .access = Access::kViewer,
       .summary = "Secrets seen against several targets, most targets first",
       .tag = "credentials",
       .query = with_page({min_targets_param("min_targets", "Minimum distinct decky:service"),
                           min_targets_param("min_target_count", "Alias of min_targets"),
                           text_param("secret_kind", "plaintext, ntlm, ...", 64)}),
       .handler = [&ctx](const Request& req, const Principal*) {
         const auto min = req.query_value("min_targets") ? req.query_int("min_targets", 2)
                                                         : req.query_int("min_target_count", 2);
         return json(200, page_json(ctx.repo.credential_reuse().list_credential_reuses(
                              min, optional_text(req, {"secret_kind"}), page_request(req))));
       }});
  router.add({.method = "GET",
              .path = "/api/v1/credential-reuse/{id}",
              .access = Access::kViewer,
              .summary = "One reuse finding",
              .tag = "credentials",
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto& id = req.param("id");
                // Ids are uuids; anything longer cannot exist and is not worth a query.
                if (id.size() > 64) throw not_found("Credential reuse not found");
                const auto row = ctx.repo.credential_reuse().get_credential_reuse_by_id(id);
                if (!row) throw not_found("Credential reuse not found");
                return json(200, to_api_json(*row));
              }});
}

}  // namespace decnet::api
