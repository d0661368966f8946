// Outbound webhooks: the subscriptions operators configure, the log of delivery attempts and the
// events that exhausted their retries (dead letters). The HMAC secret is encrypted above this
// layer; the store keeps and returns its ciphertext as opaque bytes and never sees the key.
//
// The circuit breaker lives in the rows: a subscription is active (enabled, never tripped),
// paused by an admin (disabled, not tripped) or tripped by the worker (disabled with
// auto_disabled_at). The failure counter is advanced in one statement that returns the new
// value, so concurrent failed deliveries can never lose an increment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/page.h"
#include "store/write_scope.h"

namespace decnet::store {

// last_error and a delivery's error keep at most this many characters (UTF-8 code points).
inline constexpr std::size_t kWebhookErrorMaxChars = 512;

enum class WebhookState { kActive, kPaused, kTripped };

inline std::string_view to_string(WebhookState state) {
  switch (state) {
    case WebhookState::kActive:
      return "active";
    case WebhookState::kPaused:
      return "paused";
    case WebhookState::kTripped:
      return "tripped";
  }
  return "active";
}

struct NewWebhookSubscription {
  std::string name;
  std::string url;
  std::string secret_ciphertext;  // opaque bytes, never empty
  std::vector<std::string> topic_patterns;
  bool enabled = true;
  std::int64_t batch_max_events = 1;   // >= 1
  std::int64_t batch_max_wait_ms = 0;  // >= 0
};

struct WebhookSubscription : NewWebhookSubscription {
  std::string uuid;
  std::int64_t consecutive_failures = 0;
  std::optional<std::int64_t> last_success_at;
  std::optional<std::int64_t> last_failure_at;
  std::optional<std::string> last_error;
  std::optional<std::int64_t> auto_disabled_at;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;

  WebhookState state() const {
    if (enabled) return WebhookState::kActive;
    return auto_disabled_at ? WebhookState::kTripped : WebhookState::kPaused;
  }
};

// Only the fields that are set change. Setting enabled=true on a disabled subscription also
// resets the breaker (counter, auto_disabled_at and last_error cleared).
struct WebhookPatch {
  std::optional<std::string> name;
  std::optional<std::string> url;
  std::optional<std::string> secret_ciphertext;
  std::optional<std::vector<std::string>> topic_patterns;
  std::optional<bool> enabled;
  std::optional<std::int64_t> batch_max_events;
  std::optional<std::int64_t> batch_max_wait_ms;

  bool empty() const {
    return !name && !url && !secret_ciphertext && !topic_patterns && !enabled &&
           !batch_max_events && !batch_max_wait_ms;
  }
};

struct WebhookDeliveryAttempt {
  std::string subscription_uuid;
  std::string event_id;
  std::string topic;
  std::int64_t attempt = 1;
  std::optional<std::int64_t> status_code;
  std::optional<double> latency_ms;
  std::optional<std::string> error;
  bool delivered = false;
  std::int64_t created_at = 0;  // 0: now
};

struct WebhookDelivery : WebhookDeliveryAttempt {
  std::int64_t id = 0;
};

struct WebhookDeadLetterRecord {
  std::string subscription_uuid;
  std::string event_id;
  std::string topic;
  std::string body;  // the exact signed body, so a redelivery sends the same bytes
  std::optional<std::string> last_error;
  std::int64_t attempts = 0;
  std::int64_t created_at = 0;  // 0: now
};

struct WebhookDeadLetter : WebhookDeadLetterRecord {
  std::int64_t id = 0;
  std::optional<std::int64_t> redelivered_at;
};

class WebhookRepository {
 public:
  virtual ~WebhookRepository() = default;

  // A new uuid4, created_at = updated_at = now. A taken name is kConstraint; an empty secret or
  // a batch setting out of range is kInvalid.
  virtual WebhookSubscription create_webhook_subscription(WriteScope& scope,
                                                          const NewWebhookSubscription& sub) = 0;
  virtual std::optional<WebhookSubscription> get_webhook_subscription(const std::string& uuid) = 0;
  virtual std::optional<WebhookSubscription> get_webhook_subscription_by_name(
      const std::string& name) = 0;
  // Oldest first (created_at, then creation order).
  virtual std::vector<WebhookSubscription> list_webhook_subscriptions(bool enabled_only) = 0;
  // The row after the patch, or nullopt if there is none. An empty patch writes nothing (no
  // updated_at bump). A name taken by another subscription is kConstraint.
  virtual std::optional<WebhookSubscription> update_webhook_subscription(
      WriteScope& scope, const std::string& uuid, const WebhookPatch& patch) = 0;
  // Deletes the subscription with its deliveries and dead letters.
  virtual bool delete_webhook_subscription(WriteScope& scope, const std::string& uuid) = 0;

  // Counter to 0, last_success_at = at, last_error cleared.
  virtual bool record_webhook_success(WriteScope& scope, const std::string& uuid,
                                      std::int64_t at) = 0;
  // Counter + 1 in one statement; last_failure_at = at, last_error = error cut to
  // kWebhookErrorMaxChars (NULL when empty). Returns the new count, 0 if there is no such row.
  virtual std::int64_t record_webhook_failure(WriteScope& scope, const std::string& uuid,
                                              std::int64_t at, const std::string& error) = 0;
  // Trips an active subscription (enabled = 0, auto_disabled_at = at). True only for the call
  // that tripped it: a tripped one keeps its first stamp, a paused one stays paused.
  virtual bool trip_webhook_circuit(WriteScope& scope, const std::string& uuid,
                                    std::int64_t at) = 0;
  // Re-enables: counter 0, auto_disabled_at and last_error cleared. False if there is no row.
  virtual bool reset_webhook_circuit(WriteScope& scope, const std::string& uuid,
                                     std::int64_t at) = 0;

  // Unknown subscription is kConstraint. Returns the attempt's id.
  virtual std::int64_t record_webhook_delivery(WriteScope& scope,
                                               const WebhookDeliveryAttempt& attempt) = 0;
  // Newest first.
  virtual Page<WebhookDelivery> list_webhook_deliveries(const std::string& subscription_uuid,
                                                        const PageRequest& page) = 0;
  // Keeps the newest `keep` attempts of every subscription; returns how many were deleted.
  virtual std::int64_t prune_webhook_deliveries(WriteScope& scope, std::int64_t keep) = 0;

  // Unknown subscription is kConstraint. Returns the dead letter's id.
  virtual std::int64_t add_webhook_dead_letter(WriteScope& scope,
                                               const WebhookDeadLetterRecord& record) = 0;
  // Oldest first (queue order); pending_only skips those already redelivered.
  virtual Page<WebhookDeadLetter> list_webhook_dead_letters(const std::string& subscription_uuid,
                                                            const PageRequest& page,
                                                            bool pending_only) = 0;
  virtual std::optional<WebhookDeadLetter> get_webhook_dead_letter(std::int64_t id) = 0;
  // Stamps redelivered_at once (a second call keeps the first stamp). False if there is no row.
  virtual bool mark_webhook_dead_letter_redelivered(WriteScope& scope, std::int64_t id,
                                                    std::int64_t at) = 0;
  virtual bool delete_webhook_dead_letter(WriteScope& scope, std::int64_t id) = 0;
};

}  // namespace decnet::store
