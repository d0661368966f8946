#include "webhook/delivery_log.h"

namespace decnet::webhook {

void record_attempts(store::WebhookRepository& hooks, store::WriteScope& scope,
                     const std::string& subscription_uuid, const WebhookMessage& message,
                     const std::vector<AttemptRecord>& attempts) {
  for (const auto& a : attempts) {
    store::WebhookDeliveryAttempt row;
    row.subscription_uuid = subscription_uuid;
    row.event_id = message.id;
    row.topic = message.topic;
    row.attempt = a.attempt;
    if (a.status) row.status_code = *a.status;
    row.latency_ms = a.latency_ms;
    if (!a.error.empty()) row.error = a.error;
    row.delivered = a.delivered;
    hooks.record_webhook_delivery(scope, row);
  }
}

}  // namespace decnet::webhook
