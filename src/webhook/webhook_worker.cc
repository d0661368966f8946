#include "webhook/webhook_worker.h"

#include <spdlog/spdlog.h>

#include <set>

#include "bus/topics.h"
#include "store/webhook_repository.h"

namespace decnet::webhook {

WebhookWorker::WebhookWorker(store::Repository& repo, bus::Bus& bus, const Deliverer& deliverer,
                             const SecretBox& secrets, WorkerOptions options)
    : repo_(repo), bus_(bus), options_(options), ctx_{repo,
                                                      bus,
                                                      deliverer,
                                                      secrets,
                                                      options.circuit_threshold,
                                                      options.queue_capacity} {}

WebhookWorker::~WebhookWorker() {
  stop();
}

void WebhookWorker::start() {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  reload();
  changed_ = bus_.subscribe(bus::topics::kWebhookSubscriptionsChanged,
                            [this](const bus::Event&) {
                              std::lock_guard lock(mu_);
                              reload_requested_ = true;
                              wake_.notify_one();
                            },
                            {.name = "webhook-reload"});
  all_ = bus_.subscribe(">", [this](const bus::Event& e) { route(e); },
                        {.name = "webhook",
                         .queue_capacity = options_.bus_queue,
                         .overflow = bus::Overflow::kDropNewest});
  thread_ = std::thread([this] { run(); });
}

void WebhookWorker::stop() {
  all_.unsubscribe();
  changed_.unsubscribe();
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
  std::map<std::string, std::unique_ptr<SubscriptionSender>> senders;
  {
    std::unique_lock lock(senders_mu_);
    senders.swap(senders_);
  }
  for (auto& [uuid, sender] : senders) sender->stop("worker stopped", true);
}

void WebhookWorker::route(const bus::Event& event) {
  bus::EventPtr shared;
  std::shared_lock lock(senders_mu_);
  for (auto& [uuid, sender] : senders_) {
    if (!sender->wants(event.topic)) continue;
    if (!shared) shared = std::make_shared<const bus::Event>(event);
    sender->enqueue(shared);
  }
}

void WebhookWorker::run() {
  auto last_prune = std::chrono::steady_clock::now();
  while (true) {
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, options_.reload_interval,
                     [&] { return stopping_ || reload_requested_; });
      if (stopping_) return;
      reload_requested_ = false;
    }
    try {
      reload();
      if (std::chrono::steady_clock::now() - last_prune >= options_.reload_interval) {
        last_prune = std::chrono::steady_clock::now();
        repo_.write_now([&](store::WriteScope& scope) {
          repo_.webhooks().prune_webhook_deliveries(scope, options_.keep_deliveries);
        });
      }
    } catch (const std::exception& e) {
      spdlog::error("webhook: reloading subscriptions failed: {}", e.what());
    }
  }
}

void WebhookWorker::reload() {
  std::lock_guard one_at_a_time(reload_mu_);
  const auto enabled = repo_.webhooks().list_webhook_subscriptions(true);
  std::set<std::string> wanted;
  std::vector<std::unique_ptr<SubscriptionSender>> retired;
  std::vector<std::string> retired_uuids;
  {
    std::unique_lock lock(senders_mu_);
    for (const auto& sub : enabled) {
      wanted.insert(sub.uuid);
      auto it = senders_.find(sub.uuid);
      if (it == senders_.end()) {
        senders_.emplace(sub.uuid, std::make_unique<SubscriptionSender>(ctx_, sub));
      } else if (it->second->updated_at() != sub.updated_at) {
        it->second->update(sub);
      }
    }
    for (auto it = senders_.begin(); it != senders_.end();) {
      if (wanted.count(it->first)) {
        ++it;
        continue;
      }
      retired_uuids.push_back(it->first);
      retired.push_back(std::move(it->second));
      it = senders_.erase(it);
    }
  }
  // Stopped outside the lock: a sender finishes the request in flight first.
  for (std::size_t i = 0; i < retired.size(); ++i) {
    const auto row = repo_.webhooks().get_webhook_subscription(retired_uuids[i]);
    if (!row) {
      retired[i]->stop("subscription deleted", false);
    } else {
      retired[i]->stop(row->auto_disabled_at ? "circuit open" : "subscription paused", true);
    }
  }
}

nlohmann::json WebhookWorker::health() const {
  auto subs = nlohmann::json::array();
  std::shared_lock lock(senders_mu_);
  for (const auto& [uuid, sender] : senders_) subs.push_back(sender->health());
  return {{"subscriptions", std::move(subs)}, {"bus_dropped", all_.stats().dropped}};
}

}  // namespace decnet::webhook
