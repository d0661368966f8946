#include "webhook/subscription_sender.h"

#include <spdlog/spdlog.h>

#include "bus/topics.h"
#include "core/time.h"
#include "webhook/delivery_log.h"
#include "webhook/webhook_error.h"

namespace decnet::webhook {
namespace {

std::vector<bus::Pattern> compile(const std::vector<std::string>& patterns) {
  std::vector<bus::Pattern> out;
  for (const auto& p : patterns) {
    try {
      out.emplace_back(p);
    } catch (const std::exception& e) {
      spdlog::warn("webhook: ignoring invalid pattern '{}': {}", p, e.what());
    }
  }
  return out;
}

}  // namespace

SubscriptionSender::SubscriptionSender(SenderContext& ctx, store::WebhookSubscription subscription)
    : ctx_(ctx), sub_(std::move(subscription)), patterns_(compile(sub_.topic_patterns)) {
  thread_ = std::thread([this] { run(); });
}

SubscriptionSender::~SubscriptionSender() {
  stop("worker stopped", true);
}

bool SubscriptionSender::wants(std::string_view topic) const {
  std::lock_guard lock(mu_);
  if (stopping_ || tripped_) return false;
  for (const auto& p : patterns_) {
    if (p.matches(topic)) return true;
  }
  return false;
}

void SubscriptionSender::enqueue(bus::EventPtr event) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() < ctx_.queue_capacity) {
      queue_.push_back(std::move(event));
      wake_.notify_one();
      return;
    }
  }
  dead_letter(event_message(*event), "delivery queue full", 0);
}

void SubscriptionSender::update(store::WebhookSubscription subscription) {
  auto patterns = compile(subscription.topic_patterns);
  std::lock_guard lock(mu_);
  sub_ = std::move(subscription);
  patterns_ = std::move(patterns);
  wake_.notify_one();
}

std::int64_t SubscriptionSender::updated_at() const {
  std::lock_guard lock(mu_);
  return sub_.updated_at;
}

void SubscriptionSender::stop(const std::string& reason, bool keep_queued) {
  std::deque<bus::EventPtr> left;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    wake_.notify_all();
  }
  cancel_ = true;
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(mu_);
    left.swap(queue_);
  }
  if (!keep_queued) return;
  for (const auto& event : left) dead_letter(event_message(*event), reason, 0);
}

nlohmann::json SubscriptionSender::health() const {
  std::lock_guard lock(mu_);
  return {{"uuid", sub_.uuid},       {"name", sub_.name}, {"queued", queue_.size()},
          {"delivered", delivered_}, {"failed", failed_}, {"dead_lettered", dead_lettered_},
          {"tripped", tripped_}};
}

bool SubscriptionSender::wait_interruptibly(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu_);
  return !wake_.wait_for(lock, delay, [&] { return stopping_; });
}

void SubscriptionSender::run() {
  while (true) {
    std::vector<bus::EventPtr> events;
    store::WebhookSubscription sub;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || (!queue_.empty() && !tripped_); });
      if (stopping_) return;
      const auto max_events =
          static_cast<std::size_t>(std::max<std::int64_t>(1, sub_.batch_max_events));
      if (max_events > 1 && queue_.size() < max_events && sub_.batch_max_wait_ms > 0) {
        // Gather a batch: until it is full or the oldest event has waited long enough.
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(sub_.batch_max_wait_ms);
        wake_.wait_until(lock, deadline, [&] { return stopping_ || queue_.size() >= max_events; });
        if (stopping_) return;
      }
      const auto n = std::min(queue_.size(), max_events);
      for (std::size_t i = 0; i < n; ++i) {
        events.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      sub = sub_;
    }
    send(events, sub);
  }
}

void SubscriptionSender::send(const std::vector<bus::EventPtr>& events,
                              const store::WebhookSubscription& sub) {
  const auto message = events.size() == 1 ? event_message(*events.front()) : batch_message(events);
  DeliveryOutcome outcome;
  try {
    const auto secret = ctx_.secrets.open(sub.secret_ciphertext);
    outcome = ctx_.deliverer.deliver(
        sub.url, secret, message,
        [this](std::chrono::milliseconds d) { return wait_interruptibly(d); }, 0, &cancel_);
  } catch (const std::exception& e) {
    outcome.error = std::string("internal: ") + e.what();
  }
  const auto now = core::now_micros();
  // A request cut short by shutdown or a pause says nothing about the receiver: it is kept as a
  // dead letter but does not count toward the circuit breaker.
  const bool interrupted = !outcome.delivered && cancel_.load();
  if (interrupted) outcome.error += " (interrupted: the sender stopped)";
  bool tripped = false;
  try {
    tripped = ctx_.repo.write_now([&](store::WriteScope& scope) {
      auto& hooks = ctx_.repo.webhooks();
      record_attempts(hooks, scope, sub.uuid, message, outcome.attempts);
      if (outcome.delivered) {
        hooks.record_webhook_success(scope, sub.uuid, now);
        return false;
      }
      store::WebhookDeadLetterRecord dead{
          sub.uuid,     message.id,    message.topic,
          message.body, outcome.error, static_cast<std::int64_t>(outcome.attempts.size())};
      hooks.add_webhook_dead_letter(scope, dead);
      if (interrupted) return false;
      const auto failures = hooks.record_webhook_failure(scope, sub.uuid, now, outcome.error);
      return failures >= ctx_.circuit_threshold && hooks.trip_webhook_circuit(scope, sub.uuid, now);
    });
  } catch (const std::exception& e) {
    // Most likely the subscription was deleted meanwhile (its rows cascade away).
    spdlog::warn("webhook {}: cannot record the delivery: {}", sub.name, e.what());
  }
  {
    std::lock_guard lock(mu_);
    if (outcome.delivered) {
      delivered_ += events.size();
    } else {
      failed_ += events.size();
      dead_lettered_ += 1;
    }
    if (tripped) tripped_ = true;
  }
  if (tripped) {
    spdlog::warn("webhook {}: circuit tripped after {} consecutive failures; last error: {}",
                 sub.name, ctx_.circuit_threshold, outcome.error);
    ctx_.bus.publish(bus::topics::kWebhookSubscriptionsChanged,
                     {{"uuid", sub.uuid}, {"reason", "circuit_tripped"}}, "changed");
  }
}

void SubscriptionSender::dead_letter(const WebhookMessage& message, const std::string& error,
                                     std::int64_t attempts) {
  std::string uuid;
  {
    std::lock_guard lock(mu_);
    uuid = sub_.uuid;
    ++dead_lettered_;
  }
  try {
    ctx_.repo.write_now([&](store::WriteScope& scope) {
      ctx_.repo.webhooks().add_webhook_dead_letter(
          scope, {uuid, message.id, message.topic, message.body, error, attempts});
    });
  } catch (const std::exception& e) {
    spdlog::warn("webhook: cannot keep a dead letter for {}: {}", uuid, e.what());
  }
}

}  // namespace decnet::webhook
