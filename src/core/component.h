// A long-running part of DECNET (a receiver, the writer, a correlator, the API server...).
// `decnet serve` starts the components it is asked for, each announced on the bus as a worker,
// and stops them in reverse order on shutdown or on an operator's stop request. Components get
// their dependencies through their constructors; this interface is only the lifecycle.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace decnet::core {

class Component {
 public:
  virtual ~Component() = default;
  // A single topic segment, e.g. "ingest"; used in system.<name>.health.
  virtual std::string name() const = 0;
  // Starts the component's threads and returns; throws on a start-up failure.
  virtual void start() = 0;
  // Stops and joins; idempotent; must not throw.
  virtual void stop() = 0;
  // Extra fields for the health beat (counters, queue depths).
  virtual nlohmann::json health() const { return nlohmann::json::object(); }
};

}  // namespace decnet::core
