// One decky process: the services of its configuration listening on their ports, the outbox
// their lines go to, and the uplink that carries the outbox to the master, all on one
// Boost.Asio event loop on one thread. Connections beyond the limits are closed on accept.
// Started as root, the process binds its ports and then becomes DECNET_DECKY_USER before it
// reads a byte from anyone.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "decky/decky_config.h"

namespace decnet::decky {

struct DeckyStats {
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;
  std::uint64_t datagrams_dropped = 0;  // over the UDP answer limits
  std::size_t open = 0;
  std::uint64_t lines = 0;
  std::uint64_t outbox_dropped = 0;
  std::uint64_t outbox_pending_bytes = 0;
  std::uint64_t delivered = 0;
  bool master_connected = false;
};

class DeckyServer {
 public:
  // Binds every port (throws std::runtime_error naming the service and port that failed) and
  // opens the outbox; nothing is served until run().
  explicit DeckyServer(DeckyConfig config);
  ~DeckyServer();
  DeckyServer(const DeckyServer&) = delete;
  DeckyServer& operator=(const DeckyServer&) = delete;

  // Switches to the configured user when root (throws when that fails: a decky must not serve
  // attackers as root because a user name was mistyped).
  void drop_privileges();
  // Serves until stop(); returns when the event loop has drained.
  void run();
  // Thread-safe.
  void stop();
  // Serves `next`'s services from now on (thread-safe): services it drops or changes stop and
  // their connections end, new or changed ones bind and start, the others are not touched.
  // Only the service list of `next` is taken; a port that cannot be bound is reported in the
  // status file's errors and its service left out.
  void reconfigure(DeckyConfig next);
  // The ports actually bound, per service (a configured 0 picks a free one; for tests).
  std::vector<std::pair<std::string, std::uint16_t>> bound_ports() const;
  // Read on the event loop's thread, or after run() returned.
  DeckyStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace decnet::decky
