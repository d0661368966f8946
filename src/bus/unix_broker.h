// The host-local broker behind `decnet bus`: processes on one machine publish and subscribe
// through a UNIX socket (wire format in frame.h). Authorization is the socket's permissions
// (0660, group DECNET_BUS_GROUP). One thread runs an epoll loop over non-blocking sockets, so a
// slow or hostile client cannot stall the others: each connection has a bounded outbound queue
// that drops its oldest frame when full (counted, logged at most once a second), and a
// malformed or oversize frame closes only that connection, with a log line naming the peer.
// Each event is encoded once and shared by every connection that receives it; a connection
// receives it at most once, never its own publishes, with an id and ts minted here.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bus/frame.h"

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
  struct Connection;
  using FramePtr = std::shared_ptr<const std::string>;

  void accept_clients();
  void read_from(Connection& conn);
  bool handle_frame(Connection& conn, Frame& frame);
  void publish_raw(const Connection* origin, std::string_view topic, std::string_view type_json,
                   std::string_view payload_json);
  void publish(const Connection* origin, std::string_view topic, std::string_view type,
               nlohmann::json payload);
  void enqueue(Connection& conn, FramePtr frame);
  void flush(Connection& conn);
  void flush_dirty();
  void kill(Connection& conn, std::string reason, bool protocol_error);
  void reap();
  void heartbeat();
  void update_interest(Connection& conn);
  void cleanup();

  const Options options_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int timer_fd_ = -1;
  dev_t socket_dev_ = 0;
  ino_t socket_ino_ = 0;
  std::chrono::steady_clock::time_point started_at_;
  std::chrono::steady_clock::time_point accept_paused_until_{};
  bool accept_paused_ = false;

  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
  std::vector<int> dirty_;

  std::atomic<bool> stop_requested_{false};
  mutable std::mutex mu_;
  std::condition_variable stopped_;
  bool running_ = false;
  bool cleaned_ = false;

  std::atomic<std::size_t> connection_count_{0};
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> protocol_errors_{0};
};

}  // namespace decnet::bus
