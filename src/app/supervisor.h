// Runs components inside one process: starts them in order, gives each a WorkerLifecycle
// (heartbeat + stop control), and stops them in reverse order. A component stopped by an
// operator stays stopped; the process keeps serving the others.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bus/bus.h"
#include "bus/worker_lifecycle.h"
#include "core/component.h"

namespace decnet::app {

class Supervisor {
 public:
  Supervisor(bus::Bus& bus, std::chrono::milliseconds heartbeat);
  ~Supervisor();

  void add(std::unique_ptr<core::Component> component);
  // A component owned elsewhere; it must outlive the supervisor.
  void add(core::Component& component);
  // Before every other: it starts first and stops last.
  void add_first(std::unique_ptr<core::Component> component);
  // The components' names, in start order.
  std::vector<std::string> names() const;
  // Starts every component; on a failure stops those already started and rethrows.
  void start();
  void stop();
  std::size_t running() const;

 private:
  struct Slot {
    std::unique_ptr<core::Component> owned;
    core::Component* component = nullptr;
    std::unique_ptr<bus::WorkerLifecycle> lifecycle;
    bool running = false;
  };
  void stop_slot(Slot& slot);

  bus::Bus& bus_;
  std::chrono::milliseconds heartbeat_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::mutex stoppers_mu_;
  std::vector<std::thread> stoppers_;  // operator stop requests, joined on destruction
};

}  // namespace decnet::app
