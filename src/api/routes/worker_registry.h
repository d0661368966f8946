// What the API knows about the workers: the last system.<name>.health beat of each, wherever
// the worker runs. A worker is ok when it beat within the last 90 s (three missed 30 s beats
// make it stale) and unknown when it was never heard from.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bus/bus.h"

namespace decnet::api {

class WorkerRegistry {
 public:
  // `known` are the workers listed even before their first beat.
  WorkerRegistry(bus::Bus& bus, std::vector<std::string> known, double stale_after_seconds = 90);
  ~WorkerRegistry();

  struct Row {
    std::string name;
    std::string status;  // ok | stale | unknown
    std::optional<double> last_heartbeat_ts;
    std::optional<double> seconds_since;
    nlohmann::json extra = nlohmann::json::object();
  };
  std::vector<Row> snapshot(double now) const;
  bool knows(const std::string& name) const;

 private:
  void on_beat(const bus::Event& event);

  const double stale_after_;
  mutable std::mutex mu_;
  std::map<std::string, std::optional<std::pair<double, nlohmann::json>>> workers_;
  bus::Subscription subscription_;
};

}  // namespace decnet::api
