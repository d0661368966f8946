// The host-local broker behind `decnet bus`: processes on one machine publish and subscribe
// through a UNIX socket (wire format in frame.h). Authorization is the socket's permissions
// (0660, group DECNET_BUS_GROUP). One thread serves every client through asynchronous sockets,
// so a slow or hostile client cannot stall the others: each connection has a bounded outbound
// queue that drops its oldest frame when full (counted, logged at most once a second), and a
// malformed or oversize frame closes only that connection, with a log line naming the peer.
// Each event is encoded once and shared by every connection that receives it; a connection
// receives it at most once, never its own publishes, with an id and ts minted here.
//
// This class only ties the parts together and owns their lifecycle: the listening socket
// (broker_listener.h), the client connections (broker_connection.h), the protocol each one
// speaks (broker_session.h) and the routing of events between them (broker_router.h).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/thread_annotations.h"

namespace decnet::bus {

class UnixBroker {
 public:
  struct Options {
    std::filesystem::path socket_path;
    std::string group = "decnet";  // empty: leave the socket's group alone
    std::chrono::milliseconds heartbeat_interval{std::chrono::seconds(10)};
    std::size_t queue_frames = 1024;  // per-connection outbound queue
    std::size_t max_connections = 4096;
  };

  struct Stats {
    std::size_t connections = 0;
    std::uint64_t published = 0;  // events fanned out (PUB frames and heartbeats)
    std::uint64_t delivered = 0;  // EVT frames queued to connections
    std::uint64_t dropped = 0;    // EVT frames discarded by full queues
    std::uint64_t protocol_errors = 0;
  };

  explicit UnixBroker(Options options);
  ~UnixBroker();
  UnixBroker(const UnixBroker&) = delete;
  UnixBroker& operator=(const UnixBroker&) = delete;

  // Binds and listens. Throws BusError when the parent directory is missing, the path exists
  // and is not a socket, another broker is live on it, or the bind fails. A stale socket left
  // by a dead broker is replaced.
  void start();

  // Serves until stop(); call after start(), from one thread.
  void run();

  // Thread-safe and idempotent: ends run(), closes every client (no BYE: they see EOF) and
  // unlinks the socket if it is still ours. Waits for run() to return.
  void stop();

  Stats stats() const;
  const Options& options() const { return options_; }

 private:
  struct Parts;  // the io_context and the parts that run on it (unix_broker.cc)

  void shut_down_parts();

  const Options options_;
  const std::unique_ptr<Parts> parts_;

  mutable core::Mutex mu_;
  std::condition_variable stopped_;
  bool started_ GUARDED_BY(mu_) = false;
  bool running_ GUARDED_BY(mu_) = false;
  bool stop_requested_ GUARDED_BY(mu_) = false;
  bool cleaned_ GUARDED_BY(mu_) = false;
};

}  // namespace decnet::bus
