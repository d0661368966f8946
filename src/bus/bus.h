// The publish/subscribe interface every component talks through. The embedded default is the
// in-process bus; the UNIX-socket broker links processes on one host and NATS links hosts.
// Components only see this header, so moving a worker to another process or machine changes
// configuration, not code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "bus/event.h"

namespace decnet::bus {

using Handler = std::function<void(const Event&)>;

// What happens when a subscriber's queue is full. The publisher never blocks in either case:
// a slow consumer must not stall ingest or other subscribers.
enum class Overflow {
  kDropOldest,  // discard the oldest queued event (a live view wants the newest)
  kDropNewest,  // discard the incoming event (a consumer that wants a contiguous prefix)
};

struct SubscribeOptions {
  std::string name;  // shown in health; defaults to the pattern
  std::size_t queue_capacity = 4096;
  Overflow overflow = Overflow::kDropOldest;
};

struct SubscriberStats {
  std::string name;
  std::string pattern;
  std::size_t queued = 0;
  std::size_t capacity = 0;
  std::uint64_t delivered = 0;
  std::uint64_t dropped = 0;
};

struct BusHealth {
  std::string transport;  // "inprocess", "unix", "nats", "null"
  bool connected = false;
  std::uint64_t published = 0;
  std::vector<SubscriberStats> subscribers;
  std::string detail;  // e.g. last connection error
};

nlohmann::json to_json(const BusHealth& health);

// A live subscription. Destroying or calling unsubscribe() stops delivery; after unsubscribe()
// returns the handler is not running and will not be called again.
class Subscription {
 public:
  class Impl {
   public:
    virtual ~Impl() = default;
    virtual void cancel() = 0;
    virtual SubscriberStats stats() const = 0;
  };

  Subscription() = default;
  explicit Subscription(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  Subscription(Subscription&&) noexcept = default;
  Subscription& operator=(Subscription&& other) noexcept;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription();

  void unsubscribe();
  bool active() const { return impl_ != nullptr; }
  SubscriberStats stats() const;

 private:
  std::shared_ptr<Impl> impl_;
};

class Bus {
 public:
  virtual ~Bus() = default;

  // Wraps payload in an envelope and delivers it to every matching subscriber. Never blocks on
  // subscribers; a disconnected remote transport drops and counts instead of throwing.
  virtual void publish(std::string_view topic, nlohmann::json payload,
                       std::string_view type = {}) = 0;

  // Throws BusError for an invalid pattern. For remote transports the subscription is active
  // at the broker when this returns, so an event published afterwards is not missed.
  virtual Subscription subscribe(std::string_view pattern, Handler handler,
                                 SubscribeOptions options = {}) = 0;

  virtual BusHealth health() const = 0;

  // Stops delivery and releases the transport. Idempotent.
  virtual void close() = 0;
};

}  // namespace decnet::bus
