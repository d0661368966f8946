// The client side of the host-local broker (`decnet bus`, see unix_broker.h). Unlike the
// reference client it (1) asks the broker to acknowledge subscriptions (frame.h), so
// subscribe() returns only once the broker applies the pattern and nothing published after
// that is missed, and (2) survives broker restarts: after the connection drops it reconnects
// with exponential backoff (100 ms doubling to 5 s) and re-sends HELLO and every current
// pattern. Publishes while disconnected are dropped and counted, never queued for later, so a
// long outage cannot pile up memory; health() says why.
//
// One I/O thread owns the socket (unix_bus_link.h): it writes what publishers queue (publish
// never blocks on the broker), reads EVT frames and fans them out to local subscribers by the
// header topic. This class keeps what publishing, subscribing and that thread share — the
// outbound queue, the acknowledgement count subscribe() waits on, the figures of health() —
// under one lock. As with the reference, a client does not receive its own publishes (the
// broker suppresses self-echo); use the in-process bus for same-process delivery.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>

#include "bus/bus.h"
#include "bus/frame.h"
#include "bus/subscriber_set.h"
#include "bus/unix_bus_link.h"
#include "core/thread_annotations.h"

namespace decnet::bus {

class UnixSocketBus final : public Bus, private UnixBusLink::Owner {
 public:
  struct Options {
    std::filesystem::path socket_path;
    std::string client_name;  // HELLO name; empty: decnet-bus-client[<pid>]
    std::chrono::milliseconds ack_timeout{std::chrono::seconds(5)};
    std::chrono::milliseconds reconnect_initial{100};
    std::chrono::milliseconds reconnect_max{std::chrono::seconds(5)};
    std::size_t outbound_frames = 65536;  // queued publishes before new ones are dropped
    // Throw BusError from the constructor when the broker cannot be reached; otherwise start
    // disconnected and keep retrying.
    bool require_broker = true;
  };

  explicit UnixSocketBus(Options options);
  ~UnixSocketBus() override;
  UnixSocketBus(const UnixSocketBus&) = delete;
  UnixSocketBus& operator=(const UnixSocketBus&) = delete;

  // Thread-safe and non-blocking. Dropped (and counted) while disconnected, when closed, when
  // the outbound queue is full or when the event would exceed the frame limits.
  void publish(std::string_view topic, nlohmann::json payload, std::string_view type) override;

  // Blocks until the broker acknowledges the pattern; throws BusError for an invalid pattern,
  // a closed bus, or no acknowledgement within ack_timeout (e.g. no broker).
  Subscription subscribe(std::string_view pattern, Handler handler,
                         SubscribeOptions options) override;

  // connected is true once the current connection's HELLO and subscriptions are acknowledged.
  BusHealth health() const override;
  void close() override;

  std::uint64_t dropped() const;
  std::uint64_t connects() const;  // successful connections so far (1 + reconnects)

 private:
  struct Alive {
    core::Mutex mu;
    UnixSocketBus* bus GUARDED_BY(mu) = nullptr;
  };

  struct OutFrame {
    std::string bytes;
    bool publish = false;
  };

  void link_up() override;
  void link_down(const std::string& reason) override;
  void link_unreachable(const std::string& error) override;
  void take_outbound(std::string& out, std::size_t limit) override;
  void on_frame(Frame& frame) override;

  void push_locked(OutFrame frame) REQUIRES(mu_);
  void unsubscribe_pattern(const std::string& pattern);
  void count_drop_locked(std::string_view why) REQUIRES(mu_);

  const Options options_;
  const std::string name_;
  std::shared_ptr<SubscriberSet> subscribers_;
  std::shared_ptr<Alive> alive_;

  mutable core::Mutex mu_;
  std::condition_variable acked_cv_;
  std::deque<OutFrame> outq_ GUARDED_BY(mu_);
  bool connected_ GUARDED_BY(mu_) = false;
  bool closing_ GUARDED_BY(mu_) = false;
  std::uint64_t generation_ GUARDED_BY(mu_) = 0;
  std::uint64_t sent_ GUARDED_BY(mu_) = 0;    // frames on this connection the broker acknowledges
  std::uint64_t acked_ GUARDED_BY(mu_) = 0;   // OK frames received on this connection
  std::uint64_t resync_ GUARDED_BY(mu_) = 0;  // acks that complete HELLO and re-subscription
  std::uint64_t connects_ GUARDED_BY(mu_) = 0;
  std::uint64_t published_ GUARDED_BY(mu_) = 0;
  std::uint64_t dropped_ GUARDED_BY(mu_) = 0;
  std::string last_error_ GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point last_drop_warning_ GUARDED_BY(mu_){};
  bool warned_drop_ GUARDED_BY(mu_) = false;

  // Last, so it is gone (its thread joined) before the state it calls back into.
  std::unique_ptr<UnixBusLink> link_;
};

}  // namespace decnet::bus
