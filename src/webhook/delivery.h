// Delivering one message with retries. Only a network error, a timeout, 429 or 5xx is retried;
// any other status is the receiver's final answer. The default schedule waits 1, 2 and 4 s
// (each +-20 % jitter) between four attempts; a Retry-After header asks for a longer wait and is
// honoured up to max_retry_after. The destination is checked by the SSRF guard before the first
// attempt, with fresh DNS, and every attempt goes to the address that was checked.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "webhook/http_poster.h"
#include "webhook/ssrf_guard.h"
#include "webhook/webhook_message.h"

namespace decnet::webhook {

struct RetryPolicy {
  std::vector<std::chrono::milliseconds> schedule = {
      std::chrono::seconds(1), std::chrono::seconds(2), std::chrono::seconds(4)};
  double jitter = 0.2;
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  std::chrono::seconds max_retry_after = std::chrono::seconds(60);
};

struct AttemptRecord {
  int attempt = 0;
  std::optional<long> status;
  double latency_ms = 0;
  std::string error;  // empty when delivered
  bool delivered = false;
};

struct DeliveryOutcome {
  bool delivered = false;
  std::optional<long> status;  // of the last attempt
  std::string error;           // why it failed; empty when delivered
  std::string excerpt;         // start of the last response body
  std::vector<AttemptRecord> attempts;
};

// Whether a response status is worth another attempt.
bool retryable_status(long status);

class Deliverer {
 public:
  // `wait` sleeps for the given time and returns false if the delivery should give up
  // (shutdown); the default sleeps unconditionally.
  using Wait = std::function<bool(std::chrono::milliseconds)>;

  Deliverer(const SsrfGuard& guard, RetryPolicy policy)
      : guard_(guard), policy_(std::move(policy)) {}

  // max_attempts 0 means the policy's (schedule size + 1); 1 is a single try (test pings).
  // `cancel`, when set, aborts the request in flight.
  DeliveryOutcome deliver(const std::string& url, const std::string& secret,
                          const WebhookMessage& message, const Wait& wait = {},
                          int max_attempts = 0, const std::atomic<bool>* cancel = nullptr) const;

  const RetryPolicy& policy() const { return policy_; }

 private:
  std::chrono::milliseconds delay_before(int next_attempt,
                                         std::optional<std::chrono::seconds> retry_after) const;

  const SsrfGuard& guard_;
  const RetryPolicy policy_;
};

}  // namespace decnet::webhook
