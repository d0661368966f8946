#include "webhook/delivery.h"

#include <random>
#include <thread>

#include "core/time.h"
#include "webhook/webhook_error.h"

namespace decnet::webhook {

bool retryable_status(long status) {
  return status == 429 || status >= 500;
}

std::chrono::milliseconds Deliverer::delay_before(
    int next_attempt, std::optional<std::chrono::seconds> retry_after) const {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto& schedule = policy_.schedule;
  const auto index = static_cast<std::size_t>(next_attempt - 2);
  const auto base = schedule[std::min(index, schedule.size() - 1)];
  std::uniform_real_distribution<double> spread(1.0 - policy_.jitter, 1.0 + policy_.jitter);
  auto delay = std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(base.count()) * spread(rng)));
  if (retry_after) {
    const auto asked = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::min(*retry_after, policy_.max_retry_after));
    delay = std::max(delay, asked);
  }
  return delay;
}

DeliveryOutcome Deliverer::deliver(const std::string& url, const std::string& secret,
                                   const WebhookMessage& message, const Wait& wait,
                                   int max_attempts, const std::atomic<bool>* cancel) const {
  DeliveryOutcome out;
  Destination destination;
  try {
    destination = guard_.check(url);
  } catch (const WebhookError& e) {
    out.error = e.what();  // blocked before any request
    return out;
  }
  const int attempts =
      max_attempts > 0 ? max_attempts : static_cast<int>(policy_.schedule.size()) + 1;
  const auto headers = signed_headers(message, secret, core::now_micros() / 1'000'000);
  for (int n = 1; n <= attempts; ++n) {
    auto result = http_post(destination, headers, message.body, policy_.timeout, cancel);
    AttemptRecord record{n, result.status, result.latency_ms, {}, false};
    out.status = result.status;
    out.excerpt = std::move(result.excerpt);
    if (result.status && *result.status >= 200 && *result.status < 300) {
      record.delivered = true;
      out.attempts.push_back(record);
      out.delivered = true;
      out.error.clear();
      return out;
    }
    if (result.status) {
      record.error = retryable_status(*result.status)
                         ? "http " + std::to_string(*result.status)
                         : "non-retryable " + std::to_string(*result.status);
    } else {
      record.error = result.error;
    }
    out.error = record.error;
    out.attempts.push_back(record);
    if (result.status && !retryable_status(*result.status)) return out;
    if (n == attempts) break;
    const auto delay = delay_before(n + 1, result.retry_after);
    if (wait) {
      if (!wait(delay)) {
        out.error += " (gave up at shutdown)";
        return out;
      }
    } else {
      std::this_thread::sleep_for(delay);
    }
  }
  return out;
}

}  // namespace decnet::webhook
