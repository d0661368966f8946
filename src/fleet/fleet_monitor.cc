#include "fleet/fleet_monitor.h"

#include <spdlog/spdlog.h>

#include "core/thread_name.h"

namespace decnet::fleet {

FleetMonitor::FleetMonitor(Fleet& fleet, std::chrono::seconds interval)
    : fleet_(fleet), interval_(interval) {}

FleetMonitor::~FleetMonitor() {
  stop();
}

void FleetMonitor::start() {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void FleetMonitor::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

nlohmann::json FleetMonitor::health() const {
  return {{"checks", checks_.load()},
          {"deckies_running", running_.load()},
          {"deckies_brought_back", brought_back_.load()},
          {"deckies_failed", failed_.load()}};
}

void FleetMonitor::run() {
  core::name_this_thread("fleet");
  bool first = true;
  while (true) {
    try {
      const auto report = fleet_.reconcile(first);
      checks_.fetch_add(1, std::memory_order_relaxed);
      running_.store(report.running + report.restarted + report.recreated);
      brought_back_.fetch_add(report.restarted + report.recreated, std::memory_order_relaxed);
      failed_.fetch_add(report.failed, std::memory_order_relaxed);
      if (first || report.restarted || report.recreated || report.failed || report.torn_down) {
        spdlog::info(
            "fleet: {} deckies running, {} restarted, {} recreated, {} failed, {} torn down",
            report.running, report.restarted, report.recreated, report.failed, report.torn_down);
      }
      if (first) {
        for (const auto& name : report.unknown_namespaces) {
          spdlog::warn("fleet: namespace decnet-{} is not in the fleet table; left alone", name);
        }
      }
    } catch (const std::exception& e) {
      spdlog::error("fleet: check failed: {}", e.what());
    }
    first = false;
    std::unique_lock lock(mu_);
    if (wake_.wait_for(lock, interval_, [&] { return stopping_; })) return;
  }
}

}  // namespace decnet::fleet
