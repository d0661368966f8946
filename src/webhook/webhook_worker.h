// The webhook worker: one bus subscription to every topic, routing each event to the senders of
// the subscriptions whose patterns match it. Routing per subscription, not per pattern, means an
// event that matches several patterns of one subscription is delivered once (the reference
// delivered it once per pattern).
//
// The set of senders follows the database: it is re-read at once on
// system.webhook.subscriptions_changed (published by the API and by a sender whose circuit
// trips) and every reload interval as a safety net for a missed announcement. A changed
// subscription's sender picks up its new URL, secret and patterns at its next request; a paused
// or tripped one stops and keeps what was queued as dead letters.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "bus/bus.h"
#include "core/component.h"
#include "store/repository.h"
#include "webhook/delivery.h"
#include "webhook/secret_box.h"
#include "webhook/subscription_sender.h"

namespace decnet::webhook {

struct WorkerOptions {
  std::int64_t circuit_threshold = 5;
  std::size_t queue_capacity = 10'000;  // per subscription
  std::size_t bus_queue = 65'536;       // events waiting to be routed
  std::chrono::milliseconds reload_interval = std::chrono::seconds(60);
  std::int64_t keep_deliveries = 1'000;  // attempts kept per subscription
};

class WebhookWorker final : public core::Component {
 public:
  WebhookWorker(store::Repository& repo, bus::Bus& bus, const Deliverer& deliverer,
                const SecretBox& secrets, WorkerOptions options = {});
  ~WebhookWorker() override;

  std::string name() const override { return "webhook"; }
  void start() override;
  void stop() override;
  nlohmann::json health() const override;

  // Re-reads the subscriptions and brings the senders in line before returning.
  void reload();

 private:
  void route(const bus::Event& event);
  void run();

  store::Repository& repo_;
  bus::Bus& bus_;
  const WorkerOptions options_;
  SenderContext ctx_;
  mutable std::shared_mutex senders_mu_;
  std::map<std::string, std::unique_ptr<SubscriptionSender>> senders_;
  std::mutex reload_mu_;  // one reload at a time
  bus::Subscription all_;
  bus::Subscription changed_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool reload_requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace decnet::webhook
