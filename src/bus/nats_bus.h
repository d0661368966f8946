// The bus over NATS (nats.c), for deployments that span hosts. The subject is the topic and
// the message body is the full envelope JSON, so a NATS subscriber outside DECNET sees the
// same {v, id, topic, type, ts, payload} as a webhook receiver. nats.c reconnects by itself
// and replays subscriptions; publishes made while disconnected are buffered by nats.c up to its
// reconnect buffer and counted as dropped beyond it.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "bus/bus.h"

// nats.c's own type names, declared here so its header stays out of ours.
struct __natsConnection;  // NOLINT(bugprone-reserved-identifier)
struct __natsOptions;     // NOLINT(bugprone-reserved-identifier)

namespace decnet::bus {

class NatsBus final : public Bus {
 public:
  // Connects (throws BusError naming the URL on failure).
  NatsBus(const std::string& url, const std::string& client_name);
  ~NatsBus() override;

  void publish(std::string_view topic, nlohmann::json payload, std::string_view type) override;
  Subscription subscribe(std::string_view pattern, Handler handler,
                         SubscribeOptions options) override;
  BusHealth health() const override;
  void close() override;

  struct State;  // shared with subscription handles and nats.c callbacks

 private:
  std::shared_ptr<State> state_;
};

}  // namespace decnet::bus
