// One subscription's deliveries, in order, on a thread of its own: a receiver that hangs until
// the timeout, or fails and is retried for seconds, delays only its own subscription. Events the
// worker routes here wait in a bounded queue; they go out one per request, or, when the
// subscription batches, up to batch_max_events per request after at most batch_max_wait_ms.
//
// Every attempt is recorded. An event (or batch) that exhausts its retries is one failure: it is
// kept as a dead letter with the exact body, so an admin can redeliver it, and it advances the
// subscription's failure counter; at the circuit threshold the subscription is tripped
// (disabled with auto_disabled_at) and announced on system.webhook.subscriptions_changed. Events
// still queued when a sender stops because its subscription was paused or tripped become dead
// letters too: nothing the worker accepted is lost silently.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "bus/bus.h"
#include "bus/matcher.h"
#include "store/repository.h"
#include "store/webhook_repository.h"
#include "webhook/delivery.h"
#include "webhook/secret_box.h"

namespace decnet::webhook {

struct SenderContext {
  store::Repository& repo;
  bus::Bus& bus;
  const Deliverer& deliverer;
  const SecretBox& secrets;
  std::int64_t circuit_threshold = 5;
  std::size_t queue_capacity = 10'000;
};

class SubscriptionSender {
 public:
  SubscriptionSender(SenderContext& ctx, store::WebhookSubscription subscription);
  ~SubscriptionSender();
  SubscriptionSender(const SubscriptionSender&) = delete;
  SubscriptionSender& operator=(const SubscriptionSender&) = delete;

  // Whether any of the subscription's patterns matches.
  bool wants(std::string_view topic) const;
  // Queues an event; when the queue is full the event becomes a dead letter at once.
  void enqueue(bus::EventPtr event);
  // A newer version of the same subscription (URL, secret, patterns, batching); used from the
  // next request on.
  void update(store::WebhookSubscription subscription);
  // Stops the thread, aborting the request in flight (its event becomes a dead letter if the
  // subscription still exists); queued events become dead letters with
  // `reason` when keep_queued, and are dropped otherwise (a deleted subscription).
  void stop(const std::string& reason, bool keep_queued);

  std::int64_t updated_at() const;
  nlohmann::json health() const;

 private:
  void run();
  void send(const std::vector<bus::EventPtr>& events, const store::WebhookSubscription& sub);
  void dead_letter(const WebhookMessage& message, const std::string& error, std::int64_t attempts);
  bool wait_interruptibly(std::chrono::milliseconds delay);

  SenderContext& ctx_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  store::WebhookSubscription sub_;
  std::vector<bus::Pattern> patterns_;
  std::deque<bus::EventPtr> queue_;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};  // aborts the request in flight when stopping
  bool tripped_ = false;
  std::uint64_t delivered_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t dead_lettered_ = 0;
  std::thread thread_;
};

}  // namespace decnet::webhook
