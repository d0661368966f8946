// The fleet's watchman inside `decnet serve`: at start it reconciles the fleet table with the
// namespaces and processes really on this host (a restarted master finds its deckies running,
// brings back those a reboot or a crash took, and finishes an interrupted teardown), then
// repeats that check every interval, so a decky that dies is marked failed, announced on
// `decky.<name>.state`, and started again.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/component.h"
#include "fleet/fleet.h"

namespace decnet::fleet {

class FleetMonitor final : public core::Component {
 public:
  FleetMonitor(Fleet& fleet, std::chrono::seconds interval);
  ~FleetMonitor() override;

  std::string name() const override { return "fleet"; }
  void start() override;
  void stop() override;
  nlohmann::json health() const override;

 private:
  void run();

  Fleet& fleet_;
  std::chrono::seconds interval_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> checks_{0};
  std::atomic<std::uint64_t> brought_back_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> running_{0};
};

}  // namespace decnet::fleet
