// What the listener and its connections share: the options, the router, a registry of live
// connections (weak references, so a stop can reach them without keeping them alive) and the
// counters behind health(). Private to the HTTP server: http_server.cc accepts and stops,
// http_connection.cc serves one connection.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/http_server.h"
#include "api/http_types.h"

namespace decnet::api {

class Router;
class MetricsRegistry;

namespace detail {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  virtual void start() = 0;
  virtual void stop_soft() = 0;
  virtual void stop_hard() = 0;
};
struct ServerState {
  ServerState(HttpServer::Options o, const Router& r, MetricsRegistry* m)
      : options(std::move(o)), router(r), metrics(m) {}

  HttpServer::Options options;
  const Router& router;
  MetricsRegistry* metrics;
  std::optional<ssl::context> tls;
  std::atomic<bool> stopping{false};
  bool started = false;
  std::uint16_t bound_port = 0;

  mutable std::mutex mutex;
  std::condition_variable drained;
  std::unordered_map<std::uint64_t, std::weak_ptr<ConnectionBase>> connections;
  std::uint64_t next_id = 0;

  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> refused_connections{0};
  std::atomic<std::uint64_t> timeouts{0};
  std::atomic<std::uint64_t> oversize{0};
  std::atomic<std::uint64_t> active_handlers{0};
  std::atomic<std::uint64_t> queries_admitted{0};  // query-lane requests waiting or running
  std::atomic<std::uint64_t> queries_refused{0};
  std::atomic<std::uint64_t> sse_clients{0};
  std::atomic<std::uint64_t> sse_dropped{0};

  // Declared last: destroyed first, so handlers still queued in the io_context (which own
  // connections) are released while the registry above is alive.
  asio::io_context io;
  // Keeps io.run() going while the only pending work is a handler on the pool.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::thread io_thread;
  std::unique_ptr<asio::thread_pool> workers;       // query lane
  std::unique_ptr<asio::thread_pool> fast_workers;  // everything else

  void accept();
  void add(std::uint64_t id, const std::shared_ptr<ConnectionBase>& c) {
    std::lock_guard lock(mutex);
    connections[id] = c;
  }
  void remove(std::uint64_t id) {
    std::lock_guard lock(mutex);
    connections.erase(id);
    if (connections.empty()) drained.notify_all();
  }
  std::size_t open_connections() const {
    std::lock_guard lock(mutex);
    return connections.size();
  }
  std::vector<std::shared_ptr<ConnectionBase>> live() {
    std::vector<std::shared_ptr<ConnectionBase>> out;
    std::lock_guard lock(mutex);
    for (auto& [id, weak] : connections) {
      if (auto c = weak.lock()) out.push_back(std::move(c));
    }
    return out;
  }

  void record(const Request& req, const std::string& route, int status, std::size_t bytes,
              Clock::time_point began);
};

// A connection for an accepted socket, TLS when the server has a context; started by the caller.
std::shared_ptr<ConnectionBase> make_connection(ServerState& server, std::uint64_t id,
                                                tcp::socket socket, std::string peer,
                                                std::uint16_t peer_port);

}  // namespace detail
}  // namespace decnet::api
