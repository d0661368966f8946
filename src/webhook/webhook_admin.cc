#include "webhook/webhook_admin.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "bus/topics.h"
#include "core/time.h"
#include "core/uuid.h"
#include "store/store_error.h"
#include "webhook/delivery_log.h"
#include "webhook/webhook_error.h"

namespace decnet::webhook {

const std::vector<std::string>& simple_event_names() {
  static const std::vector<std::string> names = {"AttackerDetail", "DeckyStatus", "SystemStatus"};
  return names;
}

std::optional<std::vector<std::string>> simple_event_patterns(const std::string& name) {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"AttackerDetail", {"attacker.>"}},
      {"DeckyStatus", {"decky.*.state", "decky.*.traffic"}},
      {"SystemStatus", {"system.>"}}};
  auto it = table.find(name);
  if (it == table.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> merge_patterns(const std::vector<std::string>& simple_patterns,
                                        const std::vector<std::string>& advanced) {
  std::vector<std::string> out;
  for (const auto* list : {&simple_patterns, &advanced}) {
    for (const auto& p : *list) {
      if (p.empty() || std::find(out.begin(), out.end(), p) != out.end()) continue;
      out.push_back(p);
    }
  }
  return out;
}

std::vector<std::string> url_warnings(const std::string& url) {
  std::string lower(url.substr(0, 7));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower != "http://") return {};
  return {
      "insecure_url: events and their signature travel in plaintext; the HMAC still detects "
      "tampering, but use https:// to keep them confidential"};
}

std::string WebhookAdmin::check_url(const std::string& url) const {
  try {
    return guard_.check(url).url.str();
  } catch (const WebhookError& e) {
    throw WebhookError(e.what(), WebhookError::Kind::kInvalid, "url");
  }
}

namespace {

bool is_constraint(const store::StoreError& e) {
  return e.kind() == store::StoreError::Kind::kConstraint;
}

WebhookError name_taken() {
  return WebhookError("Webhook name already exists", WebhookError::Kind::kConflict, "name");
}

}  // namespace

CreatedSubscription WebhookAdmin::create(SubscriptionRequest request) const {
  if (request.patterns.empty()) {
    throw WebhookError("Provide at least one simple_events entry or topic_patterns pattern.",
                       WebhookError::Kind::kRejected);
  }
  auto& subscriptions = repo_.webhooks();
  if (subscriptions.get_webhook_subscription_by_name(request.name)) throw name_taken();
  if (subscriptions.list_webhook_subscriptions(false).size() >= kMaxSubscriptions) {
    throw WebhookError(
        "At most " + std::to_string(kMaxSubscriptions) + " webhook subscriptions; delete one first",
        WebhookError::Kind::kConflict);
  }
  store::NewWebhookSubscription spec;
  spec.name = std::move(request.name);
  spec.url = check_url(request.url);
  CreatedSubscription out;
  out.secret = request.secret.value_or(generate_secret());
  spec.secret_ciphertext = secrets_.seal(out.secret);
  spec.topic_patterns = std::move(request.patterns);
  spec.enabled = request.enabled;
  spec.batch_max_events = request.batch_max_events;
  spec.batch_max_wait_ms = request.batch_max_wait_ms;
  try {
    out.row = repo_.write_now([&](store::WriteScope& scope) {
      return subscriptions.create_webhook_subscription(scope, spec);
    });
  } catch (const store::StoreError& e) {
    if (is_constraint(e)) throw name_taken();
    throw;
  }
  announce_change(out.row.uuid, "created");
  return out;
}

store::WebhookSubscription WebhookAdmin::update(const std::string& uuid,
                                                SubscriptionChange change) const {
  auto& subscriptions = repo_.webhooks();
  const auto current = subscriptions.get_webhook_subscription(uuid);
  if (!current) throw WebhookError("Webhook not found", WebhookError::Kind::kNotFound);
  store::WebhookPatch patch;
  if (change.name && *change.name != current->name) {
    if (subscriptions.get_webhook_subscription_by_name(*change.name)) throw name_taken();
    patch.name = change.name;
  }
  if (change.url) patch.url = check_url(*change.url);
  if (change.secret) patch.secret_ciphertext = secrets_.seal(*change.secret);
  if (change.patterns) {
    if (change.patterns->empty()) {
      throw WebhookError("Cannot clear all patterns; disable the webhook instead.",
                         WebhookError::Kind::kRejected);
    }
    patch.topic_patterns = std::move(change.patterns);
  }
  patch.enabled = change.enabled;
  patch.batch_max_events = change.batch_max_events;
  patch.batch_max_wait_ms = change.batch_max_wait_ms;
  if (patch.empty()) return *current;
  std::optional<store::WebhookSubscription> updated;
  try {
    updated = repo_.write_now([&](store::WriteScope& scope) {
      return subscriptions.update_webhook_subscription(scope, uuid, patch);
    });
  } catch (const store::StoreError& e) {
    if (is_constraint(e)) throw name_taken();
    throw;
  }
  if (!updated) throw WebhookError("Webhook not found", WebhookError::Kind::kNotFound);
  announce_change(uuid, "updated");
  return *updated;
}

void WebhookAdmin::remove(const std::string& uuid) const {
  const bool deleted = repo_.write_now([&](store::WriteScope& scope) {
    return repo_.webhooks().delete_webhook_subscription(scope, uuid);
  });
  if (!deleted) throw WebhookError("Webhook not found", WebhookError::Kind::kNotFound);
  announce_change(uuid, "deleted");
}

void WebhookAdmin::announce_change(const std::string& uuid, const std::string& change) const {
  try {
    bus_.publish(bus::topics::kWebhookSubscriptionsChanged, {{"uuid", uuid}, {"reason", change}},
                 "changed");
  } catch (const std::exception& e) {
    spdlog::warn("webhook: could not announce the change of {}: {}", uuid, e.what());
  }
}

DeliveryOutcome WebhookAdmin::test(const store::WebhookSubscription& sub,
                                   const std::string& user) const {
  bus::Event ping;
  ping.id = core::Uuid::v4().str();
  ping.topic = "test.ping";
  ping.type = "test";
  ping.ts = core::now_epoch_seconds();
  ping.payload = {{"message", "Synthetic test event from DECNET"}, {"triggered_by", user}};
  try {
    return deliverer_.deliver(sub.url, secrets_.open(sub.secret_ciphertext), event_message(ping),
                              {}, 1);
  } catch (const WebhookError& e) {
    DeliveryOutcome out;
    out.error = e.what();
    return out;
  }
}

DeliveryOutcome WebhookAdmin::redeliver(const store::WebhookSubscription& sub,
                                        const store::WebhookDeadLetter& letter) const {
  const WebhookMessage message{letter.event_id, letter.topic, letter.body};
  DeliveryOutcome out;
  try {
    out = deliverer_.deliver(sub.url, secrets_.open(sub.secret_ciphertext), message);
  } catch (const WebhookError& e) {
    out.error = e.what();
    return out;
  }
  const auto now = core::now_micros();
  repo_.write_now([&](store::WriteScope& scope) {
    auto& hooks = repo_.webhooks();
    record_attempts(hooks, scope, sub.uuid, message, out.attempts);
    if (out.delivered) hooks.mark_webhook_dead_letter_redelivered(scope, letter.id, now);
  });
  return out;
}

}  // namespace decnet::webhook
