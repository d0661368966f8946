// /api/v1/auth: login, logout, who am I, password change and SSE tickets. Status codes follow
// the reference; every failure names what went wrong without saying whether a user exists.
#include "api/http/api_error.h"
#include "api/routes/routes.h"
#include "core/time.h"

namespace decnet::api {
namespace {

std::string string_field(const Request& req, const char* name) {
  const auto& body = req.json;
  if (!body.is_object() || !body.contains(name) || !body[name].is_string()) {
    throw unprocessable(name, "required string");
  }
  return body[name].get<std::string>();
}

Response account_error(const AccountResult& r) {
  switch (r.status) {
    case AccountStatus::kRateLimited:
      throw too_many_requests(std::chrono::seconds(r.retry_after_seconds), r.message);
    case AccountStatus::kInvalidCredentials:
    case AccountStatus::kWrongPassword:
    case AccountStatus::kUnknownUser:
      throw unauthorized(r.message);
    case AccountStatus::kNotFound:
      throw not_found(r.message);
    case AccountStatus::kConflict:
    case AccountStatus::kLastAdmin:
      throw conflict(r.message);
    default:
      throw bad_request(r.message);
  }
}

nlohmann::json token_body(const IssuedToken& token, bool must_change_password) {
  return {{"access_token", token.token},
          {"token_type", "bearer"},
          {"expires_at", token.expires_at},
          {"must_change_password", must_change_password}};
}

}  // namespace

void add_auth_routes(Router& router, ApiContext& ctx) {
  router.add({.method = "POST",
              .path = "/api/v1/auth/login",
              .access = Access::kPublic,
              .lane = Lane::kFast,
              .summary = "Exchange a username and password for an access token",
              .tag = "auth",
              .json_body = true,
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto result = ctx.logins.login(
                    string_field(req, "username"), string_field(req, "password"), req.peer_address);
                if (!result.ok() || !result.token) return account_error(result);
                return json(200, token_body(*result.token, result.must_change_password));
              }});
  router.add({.method = "POST",
              .path = "/api/v1/auth/logout",
              .access = Access::kAuthenticated,
              .allowed_while_must_change_password = true,
              .lane = Lane::kFast,
              .summary = "Revoke the presented token",
              .tag = "auth",
              .handler = [&ctx](const Request&, const Principal* who) {
                ctx.tokens.logout(*who);
                return json(200, {{"message", "Logged out"}});
              }});
  router.add({.method = "GET",
              .path = "/api/v1/auth/me",
              .access = Access::kAuthenticated,
              .allowed_while_must_change_password = true,
              .lane = Lane::kFast,
              .summary = "The calling user",
              .tag = "auth",
              .handler = [](const Request&, const Principal* who) {
                return json(200, {{"uuid", who->user_uuid},
                                  {"username", who->username},
                                  {"role", std::string(to_string(who->role))},
                                  {"must_change_password", who->must_change_password}});
              }});
  router.add({.method = "POST",
              .path = "/api/v1/auth/change-password",
              .access = Access::kAuthenticated,
              .allowed_while_must_change_password = true,
              .lane = Lane::kFast,
              .summary = "Change the caller's password; earlier tokens stop working",
              .tag = "auth",
              .json_body = true,
              .handler = [&ctx](const Request& req, const Principal* who) {
                const auto result = ctx.logins.change_password(
                    *who, string_field(req, "old_password"), string_field(req, "new_password"));
                if (!result.ok() || !result.token) return account_error(result);
                return json(200, token_body(*result.token, false));
              }});
  router.add({.method = "POST",
              .path = "/api/v1/auth/sse-ticket",
              .access = Access::kViewer,
              .lane = Lane::kFast,
              .summary = "A single-use, 60-second ticket for the event stream",
              .tag = "auth",
              .handler = [&ctx](const Request&, const Principal* who) {
                const auto ticket = ctx.tickets.issue(*who);
                if (!ticket) throw too_many_requests(std::chrono::seconds(60), "too many tickets");
                return json(200, {{"ticket", ticket->ticket}, {"expires_in", ticket->expires_in}});
              }});
}

}  // namespace decnet::api
