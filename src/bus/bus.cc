#include "bus/bus.h"

namespace decnet::bus {

Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    unsubscribe();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Subscription::~Subscription() {
  unsubscribe();
}

void Subscription::unsubscribe() {
  if (auto impl = std::move(impl_)) impl->cancel();
}

SubscriberStats Subscription::stats() const {
  return impl_ ? impl_->stats() : SubscriberStats{};
}

nlohmann::json to_json(const BusHealth& health) {
  auto subscribers = nlohmann::json::array();
  for (const auto& s : health.subscribers) {
    subscribers.push_back({{"name", s.name},
                           {"pattern", s.pattern},
                           {"queued", s.queued},
                           {"capacity", s.capacity},
                           {"delivered", s.delivered},
                           {"dropped", s.dropped}});
  }
  return {{"transport", health.transport},
          {"connected", health.connected},
          {"published", health.published},
          {"subscribers", std::move(subscribers)},
          {"detail", health.detail}};
}

}  // namespace decnet::bus
