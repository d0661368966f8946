// /api/v1/webhooks: subscriptions that push bus events to SIEMs, all admin-only. Status codes
// follow the reference (201 create; 400 no patterns; 409 name taken; 422 body or forbidden URL;
// 404 unknown id) so existing scripts keep working. The secret is generated when not given and
// appears only in the create response; it is stored sealed and never shown again. Every change
// is announced on system.webhook.subscriptions_changed so each worker reloads at once. A
// subscription's state is one of active, paused (by an admin) and tripped (by the circuit
// breaker); PATCH {"enabled": true} resets a tripped one.
#include <spdlog/spdlog.h>

#include "api/auth/rate_limiter.h"
#include "api/http/api_error.h"
#include "api/routes/json_views.h"
#include "api/routes/route_params.h"
#include "api/routes/routes.h"
#include "bus/matcher.h"
#include "store/webhook_repository.h"
#include "webhook/webhook_admin.h"
#include "webhook/webhook_error.h"

namespace decnet::api {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kCreatesPerMinute = 20;

Json subscription_json(const store::WebhookSubscription& s) {
  return {{"uuid", s.uuid},
          {"name", s.name},
          {"url", s.url},
          {"topic_patterns", s.topic_patterns},
          {"enabled", s.enabled},
          {"state", store::to_string(s.state())},
          {"batch_max_events", s.batch_max_events},
          {"batch_max_wait_ms", s.batch_max_wait_ms},
          {"consecutive_failures", s.consecutive_failures},
          {"last_success_at", time_json(s.last_success_at)},
          {"last_failure_at", time_json(s.last_failure_at)},
          {"last_error", s.last_error ? Json(*s.last_error) : Json(nullptr)},
          {"auto_disabled_at", time_json(s.auto_disabled_at)},
          {"created_at", time_json(s.created_at)},
          {"updated_at", time_json(s.updated_at)},
          {"warnings", webhook::url_warnings(s.url)}};
}

Json delivery_json(const store::WebhookDelivery& d) {
  return {{"id", d.id},
          {"event_id", d.event_id},
          {"topic", d.topic},
          {"attempt", d.attempt},
          {"status_code", d.status_code ? Json(*d.status_code) : Json(nullptr)},
          {"latency_ms", d.latency_ms ? Json(*d.latency_ms) : Json(nullptr)},
          {"error", d.error ? Json(*d.error) : Json(nullptr)},
          {"delivered", d.delivered},
          {"created_at", time_json(d.created_at)}};
}

Json dead_letter_json(const store::WebhookDeadLetter& d) {
  return {{"id", d.id},
          {"event_id", d.event_id},
          {"topic", d.topic},
          {"body", embedded_json(std::string_view(d.body))},
          {"last_error", d.last_error ? Json(*d.last_error) : Json(nullptr)},
          {"attempts", d.attempts},
          {"created_at", time_json(d.created_at)},
          {"redelivered_at", time_json(d.redelivered_at)}};
}

Json outcome_json(const webhook::DeliveryOutcome& o) {
  return {{"delivered", o.delivered},
          {"status_code", o.status ? Json(*o.status) : Json(nullptr)},
          {"error", o.error.empty() ? Json(nullptr) : Json(o.error)},
          {"attempts", o.attempts.size()},
          {"response_excerpt", o.excerpt}};
}

// The fields of a create or patch body, each checked for type and range.
struct WebhookBody {
  std::optional<std::string> name;
  std::optional<std::string> url;
  std::optional<std::string> secret;
  std::optional<std::vector<std::string>> simple_patterns;  // expanded
  std::optional<std::vector<std::string>> topic_patterns;
  std::optional<bool> enabled;
  std::optional<std::int64_t> batch_max_events;
  std::optional<std::int64_t> batch_max_wait_ms;
};

std::optional<std::string> text_field(const Json& body, const char* name, std::size_t min,
                                      std::size_t max) {
  if (!body.contains(name) || body[name].is_null()) return std::nullopt;
  if (!body[name].is_string()) throw unprocessable(name, "must be a string");
  auto value = body[name].get<std::string>();
  if (value.size() < min || value.size() > max) {
    throw unprocessable(
        name, "must be " + std::to_string(min) + " to " + std::to_string(max) + " characters");
  }
  return value;
}

std::optional<std::int64_t> int_field(const Json& body, const char* name, std::int64_t min,
                                      std::int64_t max) {
  if (!body.contains(name) || body[name].is_null()) return std::nullopt;
  if (!body[name].is_number_integer()) throw unprocessable(name, "must be an integer");
  const auto value = body[name].get<std::int64_t>();
  if (value < min || value > max) {
    throw unprocessable(name, "must be from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

std::optional<std::vector<std::string>> string_list(const Json& body, const char* name) {
  if (!body.contains(name) || body[name].is_null()) return std::nullopt;
  if (!body[name].is_array() || body[name].size() > 64) {
    throw unprocessable(name, "must be a list of at most 64 strings");
  }
  std::vector<std::string> out;
  for (const auto& v : body[name]) {
    if (!v.is_string()) throw unprocessable(name, "must be a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

WebhookBody parse_body(const Json& body) {
  if (!body.is_object()) throw unprocessable("body", "must be a JSON object");
  WebhookBody out;
  out.name = text_field(body, "name", 1, 64);
  out.url = text_field(body, "url", 1, webhook::kMaxUrlLength);
  out.secret = text_field(body, "secret", 16, 256);
  if (auto names = string_list(body, "simple_events")) {
    std::vector<std::string> patterns;
    for (const auto& n : *names) {
      auto expanded = webhook::simple_event_patterns(n);
      if (!expanded) {
        throw unprocessable(
            "simple_events",
            "unknown event group '" + n + "'; use AttackerDetail, DeckyStatus or SystemStatus");
      }
      patterns.insert(patterns.end(), expanded->begin(), expanded->end());
    }
    out.simple_patterns = std::move(patterns);
  }
  if (auto patterns = string_list(body, "topic_patterns")) {
    for (const auto& p : *patterns) {
      if (auto error = bus::pattern_error(p)) {
        throw unprocessable("topic_patterns", "'" + p + "': " + *error);
      }
    }
    out.topic_patterns = std::move(patterns);
  }
  if (body.contains("enabled") && !body["enabled"].is_null()) {
    if (!body["enabled"].is_boolean()) throw unprocessable("enabled", "must be true or false");
    out.enabled = body["enabled"].get<bool>();
  }
  out.batch_max_events = int_field(body, "batch_max_events", 1, 1000);
  out.batch_max_wait_ms = int_field(body, "batch_max_wait_ms", 0, 60'000);
  return out;
}

// The status each kind of refusal answers, as the reference did (400, 404, 409, 422).
ApiError api_error(const webhook::WebhookError& e) {
  using Kind = webhook::WebhookError::Kind;
  switch (e.kind()) {
    case Kind::kInvalid:
      return unprocessable(e.field().empty() ? "body" : e.field(), e.what());
    case Kind::kRejected:
      return bad_request(e.what());
    case Kind::kConflict:
      return conflict(e.what());
    case Kind::kNotFound:
      return not_found(e.what());
    case Kind::kOperation:
      break;
  }
  return ApiError(502, e.what());
}

// Runs an administration call, answering its refusals with their status.
template <typename Fn>
auto administer(Fn&& fn) {
  try {
    return fn();
  } catch (const webhook::WebhookError& e) {
    throw api_error(e);
  }
}

std::vector<std::string> merged_patterns(const WebhookBody& body) {
  return webhook::merge_patterns(body.simple_patterns.value_or(std::vector<std::string>{}),
                                 body.topic_patterns.value_or(std::vector<std::string>{}));
}

store::WebhookSubscription existing(ApiContext& ctx, const std::string& uuid) {
  auto row = ctx.repo.webhooks().get_webhook_subscription(uuid);
  if (!row) throw not_found("Webhook not found");
  return *row;
}

}  // namespace

void add_webhook_routes(Router& router, ApiContext& ctx) {
  if (!ctx.webhooks) return;
  auto& admin = *ctx.webhooks;
  const Json body_schema = {
      {"type", "object"},
      {"properties",
       {{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 64}}},
        {"url", {{"type", "string"}, {"format", "uri"}}},
        {"secret", {{"type", "string"}, {"minLength", 16}, {"maxLength", 256}}},
        {"simple_events",
         {{"type", "array"},
          {"items", {{"type", "string"}, {"enum", webhook::simple_event_names()}}}}},
        {"topic_patterns", {{"type", "array"}, {"items", {{"type", "string"}}}}},
        {"enabled", {{"type", "boolean"}}},
        {"batch_max_events", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}},
        {"batch_max_wait_ms", {{"type", "integer"}, {"minimum", 0}, {"maximum", 60000}}}}}};

  router.add({.method = "GET",
              .path = "/api/v1/webhooks",
              .access = Access::kAdmin,
              .lane = Lane::kFast,
              .summary = "Webhook subscriptions, oldest first",
              .tag = "webhooks",
              .handler = [&ctx](const Request&, const Principal*) {
                Json out = Json::array();
                for (const auto& s : ctx.repo.webhooks().list_webhook_subscriptions(false)) {
                  out.push_back(subscription_json(s));
                }
                return json(200, out);
              }});
  // Creating subscriptions is the one write here that makes the server reach out to new
  // addresses (the SSRF check resolves them), so it is limited per client address as the
  // reference does: 20 per minute.
  auto create_limiter = std::make_shared<SlidingWindowLimiter>(
      SlidingWindowLimiter::Options{.limit = kCreatesPerMinute,
                                    .window = std::chrono::seconds(60),
                                    .enabled = !ctx.config || ctx.config->limiter_enabled()});
  router.add({.method = "POST",
              .path = "/api/v1/webhooks",
              .access = Access::kAdmin,
              .lane = Lane::kFast,
              .summary = "Create a subscription; the secret is shown only in this response",
              .tag = "webhooks",
              .json_body = true,
              .body_schema = body_schema,
              .success_status = 201,
              .handler = [&admin, create_limiter](const Request& req, const Principal*) {
                if (const auto d = create_limiter->hit(req.peer_address); !d.allowed) {
                  throw too_many_requests(std::chrono::seconds(d.retry_after_seconds),
                                          "Rate limit exceeded: 20 per 1 minute");
                }
                auto body = parse_body(req.json);
                if (!body.name) throw unprocessable("name", "required string");
                if (!body.url) throw unprocessable("url", "required string");
                webhook::SubscriptionRequest request;
                request.name = *body.name;
                request.url = *body.url;
                request.secret = body.secret;
                request.patterns = merged_patterns(body);
                request.enabled = body.enabled.value_or(true);
                request.batch_max_events = body.batch_max_events.value_or(1);
                request.batch_max_wait_ms = body.batch_max_wait_ms.value_or(0);
                const auto created = administer([&] { return admin.create(std::move(request)); });
                auto out = subscription_json(created.row);
                out["secret"] = created.secret;
                return json(201, out);
              }});
  router.add({.method = "GET",
              .path = "/api/v1/webhooks/{uuid}",
              .access = Access::kAdmin,
              .lane = Lane::kFast,
              .summary = "One subscription",
              .tag = "webhooks",
              .handler = [&ctx](const Request& req, const Principal*) {
                return json(200, subscription_json(existing(ctx, req.param("uuid"))));
              }});
  router.add({.method = "PATCH",
              .path = "/api/v1/webhooks/{uuid}",
              .access = Access::kAdmin,
              .lane = Lane::kFast,
              .summary = "Change a subscription; enabled=true resets a tripped circuit",
              .tag = "webhooks",
              .json_body = true,
              .body_schema = body_schema,
              .handler = [&admin](const Request& req, const Principal*) {
                auto body = parse_body(req.json);
                webhook::SubscriptionChange change;
                change.name = body.name;
                change.url = body.url;
                change.secret = body.secret;
                if (body.simple_patterns || body.topic_patterns) {
                  change.patterns = merged_patterns(body);
                }
                change.enabled = body.enabled;
                change.batch_max_events = body.batch_max_events;
                change.batch_max_wait_ms = body.batch_max_wait_ms;
                return json(200, subscription_json(administer([&] {
                              return admin.update(req.param("uuid"), std::move(change));
                            })));
              }});
  router.add({.method = "DELETE",
              .path = "/api/v1/webhooks/{uuid}",
              .access = Access::kAdmin,
              .lane = Lane::kFast,
              .summary = "Delete a subscription with its delivery log and dead letters",
              .tag = "webhooks",
              .handler = [&admin](const Request& req, const Principal*) {
                administer([&] { admin.remove(req.param("uuid")); });
                return json(200, {{"message", "Webhook deleted"}});
              }});
  router.add({.method = "POST",
              .path = "/api/v1/webhooks/{uuid}/test",
              .access = Access::kAdmin,
              .summary = "Send one signed test.ping and report what the receiver answered",
              .tag = "webhooks",
              .handler = [&ctx, &admin](const Request& req, const Principal* who) {
                const auto sub = existing(ctx, req.param("uuid"));
                return json(200, outcome_json(admin.test(sub, who ? who->username : "")));
              }});
  auto page_and_pending = page_params();
  page_and_pending.push_back({.name = "pending_only",
                              .type = ParamType::kBool,
                              .description = "Only dead letters not yet redelivered",
                              .default_value = false});
  router.add({.method = "GET",
              .path = "/api/v1/webhooks/{uuid}/deliveries",
              .access = Access::kAdmin,
              .summary = "Delivery attempts, newest first",
              .tag = "webhooks",
              .query = page_params(),
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto sub = existing(ctx, req.param("uuid"));
                const auto page =
                    ctx.repo.webhooks().list_webhook_deliveries(sub.uuid, page_request(req));
                Json data = Json::array();
                for (const auto& d : page.data) data.push_back(delivery_json(d));
                return json(200, {{"total", page.total}, {"data", std::move(data)}});
              }});
  router.add({.method = "GET",
              .path = "/api/v1/webhooks/{uuid}/dead-letters",
              .access = Access::kAdmin,
              .summary = "Events that exhausted their retries, oldest first",
              .tag = "webhooks",
              .query = page_and_pending,
              .handler = [&ctx](const Request& req, const Principal*) {
                const auto sub = existing(ctx, req.param("uuid"));
                const bool pending = req.query_value("pending_only") == "true";
                const auto page = ctx.repo.webhooks().list_webhook_dead_letters(
                    sub.uuid, page_request(req), pending);
                Json data = Json::array();
                for (const auto& d : page.data) data.push_back(dead_letter_json(d));
                return json(200, {{"total", page.total}, {"data", std::move(data)}});
              }});
  router.add({.method = "POST",
              .path = "/api/v1/webhooks/{uuid}/dead-letters/{id}/redeliver",
              .access = Access::kAdmin,
              .summary = "Send a dead letter's exact body again, with retries",
              .tag = "webhooks",
              .handler = [&ctx, &admin](const Request& req, const Principal*) {
                const auto sub = existing(ctx, req.param("uuid"));
                const auto& id_text = req.param("id");
                std::int64_t id = 0;
                try {
                  std::size_t used = 0;
                  id = std::stoll(id_text, &used);
                  if (used != id_text.size() || id < 1) throw std::invalid_argument("id");
                } catch (const std::exception&) {
                  throw unprocessable("id", "must be a positive integer");
                }
                const auto letter = ctx.repo.webhooks().get_webhook_dead_letter(id);
                if (!letter || letter->subscription_uuid != sub.uuid) {
                  throw not_found("Dead letter not found");
                }
                return json(200, outcome_json(admin.redeliver(sub, *letter)));
              }});
}

}  // namespace decnet::api
