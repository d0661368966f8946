// Writing a delivery's attempts to the webhook_deliveries log, shared by the sender and by
// redelivery so both record the same shape.
#pragma once

#include <string>
#include <vector>

#include "store/webhook_repository.h"
#include "webhook/delivery.h"
#include "webhook/webhook_message.h"

namespace decnet::webhook {

void record_attempts(store::WebhookRepository& hooks, store::WriteScope& scope,
                     const std::string& subscription_uuid, const WebhookMessage& message,
                     const std::vector<AttemptRecord>& attempts);

}  // namespace decnet::webhook
