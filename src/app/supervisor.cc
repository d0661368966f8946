#include "app/supervisor.h"

#include <spdlog/spdlog.h>

#include <thread>

namespace decnet::app {

Supervisor::Supervisor(bus::Bus& bus, std::chrono::milliseconds heartbeat)
    : bus_(bus), heartbeat_(heartbeat) {}

Supervisor::~Supervisor() {
  stop();
  std::vector<std::thread> stoppers;
  {
    std::lock_guard lock(stoppers_mu_);
    stoppers.swap(stoppers_);
  }
  for (auto& t : stoppers) t.join();
}

void Supervisor::add(std::unique_ptr<core::Component> component) {
  auto slot = std::make_unique<Slot>();
  slot->component = component.get();
  slot->owned = std::move(component);
  std::lock_guard lock(mu_);
  slots_.push_back(std::move(slot));
}

void Supervisor::add(core::Component& component) {
  auto slot = std::make_unique<Slot>();
  slot->component = &component;
  std::lock_guard lock(mu_);
  slots_.push_back(std::move(slot));
}

void Supervisor::add_first(std::unique_ptr<core::Component> component) {
  auto slot = std::make_unique<Slot>();
  slot->component = component.get();
  slot->owned = std::move(component);
  std::lock_guard lock(mu_);
  slots_.insert(slots_.begin(), std::move(slot));
}

std::vector<std::string> Supervisor::names() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& slot : slots_) out.push_back(slot->component->name());
  return out;
}

void Supervisor::start() {
  std::lock_guard lock(mu_);
  for (auto& slot : slots_) {
    try {
      slot->component->start();
    } catch (...) {
      spdlog::error("component {} failed to start", slot->component->name());
      for (auto& started : slots_) {
        if (started->running) stop_slot(*started);
      }
      throw;
    }
    slot->running = true;
    Slot* raw = slot.get();
    slot->lifecycle = std::make_unique<bus::WorkerLifecycle>(
        bus_, bus::WorkerLifecycle::Options{
                  .name = raw->component->name(),
                  .interval = heartbeat_,
                  .extra = [raw] { return raw->component->health(); },
                  .on_stop =
                      [this, raw] {
                        // Not on the bus delivery thread: stopping joins that thread.
                        std::lock_guard guard(stoppers_mu_);
                        stoppers_.emplace_back([this, raw] {
                          std::lock_guard inner(mu_);
                          stop_slot(*raw);
                        });
                      },
              });
    spdlog::info("component {} started", raw->component->name());
  }
}

void Supervisor::stop_slot(Slot& slot) {
  if (slot.lifecycle) slot.lifecycle->stop();
  if (slot.running) {
    slot.component->stop();
    slot.running = false;
    spdlog::info("component {} stopped", slot.component->name());
  }
}

void Supervisor::stop() {
  std::lock_guard lock(mu_);
  for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) stop_slot(**it);
}

std::size_t Supervisor::running() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& slot : slots_) n += slot->running ? 1 : 0;
  return n;
}

}  // namespace decnet::app
