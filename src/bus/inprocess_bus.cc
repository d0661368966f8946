#include "bus/inprocess_bus.h"

#include "bus/bus_error.h"
#include "bus/matcher.h"

namespace decnet::bus {

InProcessBus::InProcessBus() : subscribers_(std::make_shared<SubscriberSet>()) {}

InProcessBus::~InProcessBus() {
  close();
}

void InProcessBus::publish(std::string_view topic, nlohmann::json payload, std::string_view type) {
  publish_event(make_event(topic, std::move(payload), type));
}

void InProcessBus::publish_event(const EventPtr& event) {
  if (closed_.load(std::memory_order_relaxed)) return;
  published_.fetch_add(1, std::memory_order_relaxed);
  subscribers_->deliver(event);
}

Subscription InProcessBus::subscribe(std::string_view pattern, Handler handler,
                                     SubscribeOptions options) {
  if (closed_.load()) throw BusError("subscribe on a closed bus");
  return subscribers_->add(pattern, std::move(handler), std::move(options));
}

BusHealth InProcessBus::health() const {
  BusHealth h;
  h.transport = "inprocess";
  h.connected = !closed_.load();
  h.published = published_.load(std::memory_order_relaxed);
  h.subscribers = subscribers_->stats();
  return h;
}

void InProcessBus::close() {
  if (closed_.exchange(true)) return;
  subscribers_->clear();
}

Subscription NullBus::subscribe(std::string_view pattern, Handler, SubscribeOptions) {
  if (auto error = pattern_error(pattern)) throw BusError(*error);
  return Subscription();
}

BusHealth NullBus::health() const {
  BusHealth h;
  h.transport = "null";
  h.connected = false;
  h.detail = "bus disabled (DECNET_BUS_ENABLED=false)";
  return h;
}

}  // namespace decnet::bus
