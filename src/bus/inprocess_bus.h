// The embedded default: publish and subscribe inside one process. Unlike the UNIX broker it
// delivers to subscribers of the same instance (there is only one instance per process).
#pragma once

#include <atomic>

#include "bus/bus.h"
#include "bus/subscriber_set.h"

namespace decnet::bus {

class InProcessBus final : public Bus {
 public:
  InProcessBus();
  ~InProcessBus() override;

  void publish(std::string_view topic, nlohmann::json payload, std::string_view type) override;
  // Publishes an already built event (used when re-publishing across transports).
  void publish_event(const EventPtr& event);
  Subscription subscribe(std::string_view pattern, Handler handler,
                         SubscribeOptions options) override;
  BusHealth health() const override;
  void close() override;

 private:
  std::shared_ptr<SubscriberSet> subscribers_;
  std::atomic<std::uint64_t> published_{0};
  std::atomic<bool> closed_{false};
};

// Accepts everything and delivers nothing; selected by DECNET_BUS_ENABLED=false.
class NullBus final : public Bus {
 public:
  void publish(std::string_view, nlohmann::json, std::string_view) override {}
  Subscription subscribe(std::string_view pattern, Handler handler,
                         SubscribeOptions options) override;
  BusHealth health() const override;
  void close() override {}
};

}  // namespace decnet::bus
