#include "webhook/webhook_admin.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "bus/topics.h"
#include "core/time.h"
#include "core/uuid.h"
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
  return guard_.check(url).url.str();
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
