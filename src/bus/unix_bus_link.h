// The connection of a UnixSocketBus to its broker, on an I/O thread of its own. It knows how to
// connect, to reconnect with exponential backoff after the connection drops, to write what its
// owner has queued and to cut incoming bytes into frames; what the frames mean, which
// subscriptions exist and what is queued are its owner's business, asked through Owner. The
// owner's queue and state are shared with publishing and subscribing threads, so the owner
// guards them; the socket and the decoder are the I/O thread's alone.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "bus/frame.h"

namespace decnet::bus {

class UnixBusLink {
 public:
  // Called on the I/O thread, except link_up() for the first connection (see connect()).
  class Owner {
   public:
    // A connection is up: queue HELLO and the current subscriptions, before anything else.
    virtual void link_up() = 0;
    // The connection is gone (a reconnection attempt follows at once).
    virtual void link_down(const std::string& reason) = 0;
    // A connection attempt failed; the next one follows after the backoff.
    virtual void link_unreachable(const std::string& error) = 0;
    // Appends queued frames to `out` while it is shorter than `limit` bytes.
    virtual void take_outbound(std::string& out, std::size_t limit) = 0;
    // A frame from the broker other than BYE, which ends the connection.
    virtual void on_frame(Frame& frame) = 0;

   protected:
    ~Owner() = default;
  };

  struct Options {
    std::filesystem::path socket_path;
    std::chrono::milliseconds reconnect_initial{100};
    std::chrono::milliseconds reconnect_max{std::chrono::seconds(5)};
  };

  UnixBusLink(Options options, Owner& owner);
  ~UnixBusLink();
  UnixBusLink(const UnixBusLink&) = delete;
  UnixBusLink& operator=(const UnixBusLink&) = delete;

  // The first connection attempt, on the calling thread and before start(), so the owner can
  // refuse to start without a broker; calls link_up() when it succeeds.
  bool connect(std::string* error);
  // Starts the I/O thread: it serves the connection, or keeps trying to make one.
  void start();
  // Thread-safe: the owner has queued frames.
  void wake();
  // Thread-safe and idempotent: writes what is still queued and BYE (for at most 200 ms),
  // closes the connection and joins the I/O thread.
  void stop();

 private:
  struct Io;  // the io_context, the socket and everything only the I/O thread touches
  const std::unique_ptr<Io> io_;
};

}  // namespace decnet::bus
