#include "bus/worker_lifecycle.h"

#include <spdlog/spdlog.h>

#include "bus/topics.h"
#include "core/json_text.h"
#include "core/time.h"

namespace decnet::bus {

WorkerLifecycle::WorkerLifecycle(Bus& bus, Options options)
    : bus_(bus), options_(std::move(options)), health_topic_(topics::system_health(options_.name)) {
  control_ = bus_.subscribe(
      topics::system_control(options_.name),
      [this](const Event& event) {
        const auto action = event.payload.find("action");
        if (action == event.payload.end() || *action != topics::kWorkerControlStop) {
          spdlog::debug("worker {} ignored control message {}", options_.name,
                        core::json_text(event.payload));
          return;
        }
        {
          std::lock_guard lock(mu_);
          if (stop_requested_) return;
          stop_requested_ = true;
        }
        const auto by = event.payload.value("requested_by", std::string("unknown"));
        spdlog::info("worker {} stopping: requested by {}", options_.name, by);
        if (options_.on_stop) options_.on_stop();
      },
      SubscribeOptions{.name = "control:" + options_.name, .queue_capacity = 16});
  beat();
  beater_ = std::thread([this] { beat_loop(); });
}

WorkerLifecycle::~WorkerLifecycle() {
  stop();
}

void WorkerLifecycle::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (beater_.joinable()) beater_.join();
  control_.unsubscribe();
}

void WorkerLifecycle::beat() {
  nlohmann::json payload = {{"worker", options_.name}, {"ts", core::now_epoch_seconds()}};
  if (options_.extra) {
    try {
      auto extra = options_.extra();
      if (extra.is_object()) payload.update(extra);
    } catch (const std::exception& e) {
      spdlog::debug("worker {} health extra failed: {}", options_.name, e.what());
    }
  }
  bus_.publish(health_topic_, std::move(payload), topics::kSystemHealth);
}

void WorkerLifecycle::beat_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (wake_.wait_for(lock, options_.interval, [&] { return stopping_; })) break;
    lock.unlock();
    beat();
    lock.lock();
  }
}

}  // namespace decnet::bus
