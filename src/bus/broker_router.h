// The routing side of the UNIX-socket broker: which endpoint (client connection) is subscribed
// to which patterns, and the fan-out of each event to them. It knows nothing of sockets or of
// the wire protocol beyond encoding the EVT frame, so it can be exercised with fake endpoints.
// Each event is encoded once, only if somebody receives it, and the one buffer is shared by
// every receiver; a receiver gets an event at most once however many of its patterns match,
// and never its own publishes. The broker's own heartbeat on system.bus.health is published
// here too, on a timer of the broker's io_context, so it is routed like any other event.
//
// Everything runs on the broker's I/O thread; the two figures are atomics because stats()
// reads them from elsewhere.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bus/matcher.h"

namespace decnet::bus {

// One encoded frame, shared by every connection that sends it.
using FramePtr = std::shared_ptr<const std::string>;

// Something the router can hand frames to: a client connection.
class BrokerEndpoint {
 public:
  // Queues the frame for the client; false when the endpoint is closing and took nothing.
  // Called while the router walks its routes, so it must not call back into the router.
  virtual bool send(FramePtr frame) = 0;

 protected:
  ~BrokerEndpoint() = default;
};

class BrokerRouter {
 public:
  using Clock = std::chrono::steady_clock;

  BrokerRouter(boost::asio::io_context& io, std::chrono::milliseconds heartbeat_interval);
  BrokerRouter(const BrokerRouter&) = delete;
  BrokerRouter& operator=(const BrokerRouter&) = delete;

  // The pattern must be valid (pattern_error); subscribing twice to one pattern is one
  // subscription. Takes effect for the next publish.
  void subscribe(BrokerEndpoint& endpoint, const std::string& pattern);
  void unsubscribe(BrokerEndpoint& endpoint, std::string_view pattern);
  // Forgets every subscription of the endpoint; call before it goes away.
  void forget(BrokerEndpoint& endpoint);

  // Fans out an EVT with a fresh id and ts to every subscriber but `origin` (may be null).
  // `type_json` is a JSON string and `payload_json` a JSON object, both already valid.
  void publish_raw(const BrokerEndpoint* origin, std::string_view topic, std::string_view type_json,
                   std::string_view payload_json);
  void publish(const BrokerEndpoint* origin, std::string_view topic, std::string_view type,
               const nlohmann::json& payload);

  // Uptime in heartbeats counts from here.
  void mark_started() { started_at_ = Clock::now(); }
  // Publishes a heartbeat now, then one every interval until stop_heartbeats().
  void start_heartbeats();
  void stop_heartbeats();
  std::chrono::milliseconds heartbeat_interval() const { return interval_; }

  std::uint64_t published() const { return published_.load(std::memory_order_relaxed); }
  std::uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }

 private:
  void heartbeat();
  void arm_heartbeat();

  std::unordered_map<BrokerEndpoint*, std::vector<Pattern>> routes_;
  boost::asio::steady_timer heartbeat_timer_;
  const std::chrono::milliseconds interval_;
  Clock::time_point started_at_ = Clock::now();
  Clock::time_point next_beat_{};
  bool beating_ = false;
  std::atomic<std::uint64_t> published_{0};  // events fanned out (PUB frames and heartbeats)
  std::atomic<std::uint64_t> delivered_{0};  // EVT frames handed to endpoints
};

}  // namespace decnet::bus
