// What makes a component a supervised worker: it announces itself on system.<name>.health at
// start and every interval, and it stops when an operator publishes {"action":"stop"} on
// system.<name>.control. The registry behind GET /workers and the dashboard's workers page
// only needs these two topics, whatever process or host the worker runs in.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "bus/bus.h"

namespace decnet::bus {

class WorkerLifecycle {
 public:
  struct Options {
    std::string name;  // a single topic segment, e.g. "ingest"
    std::chrono::milliseconds interval = std::chrono::seconds(30);
    // Extra health fields, merged after {worker, ts}. An exception is logged and the beat is
    // still sent without them.
    std::function<nlohmann::json()> extra;
    // Called once, from the bus delivery thread, on the first {"action":"stop"}.
    std::function<void()> on_stop;
  };

  // Validates the name (BusError), subscribes to the control topic and sends the first beat.
  WorkerLifecycle(Bus& bus, Options options);
  ~WorkerLifecycle();
  WorkerLifecycle(const WorkerLifecycle&) = delete;
  WorkerLifecycle& operator=(const WorkerLifecycle&) = delete;

  // Stops beating and listening. Idempotent.
  void stop();

  const std::string& name() const { return options_.name; }

 private:
  void beat();
  void beat_loop();

  Bus& bus_;
  Options options_;
  std::string health_topic_;
  Subscription control_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool stop_requested_ = false;
  std::thread beater_;
};

}  // namespace decnet::bus
