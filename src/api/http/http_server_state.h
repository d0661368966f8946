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

#include "api/http/http_server.h"
#include "api/http/http_types.h"

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
  // Steady-clock ticks since the connection began waiting for a request (or trickling one);
  // 0 while it is being served, writing or streaming.
  virtual std::int64_t idle_since() const = 0;
  // Closes it if it is still idle; false when it became busy meanwhile.
  virtual bool evict() = 0;
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
  struct Entry {
    std::weak_ptr<ConnectionBase> connection;
    std::string address;
  };
  std::unordered_map<std::uint64_t, Entry> connections;
  std::unordered_map<std::string, std::size_t> per_address;
  std::uint64_t next_id = 0;

  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> refused_connections{0};
  std::atomic<std::uint64_t> evicted_connections{0};
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
  // Whether a connection from `address` fits, evicting the longest-idle one (of that address
  // when it is the address that is full) when a limit is reached.
  bool make_room(const std::string& address);
  void add(std::uint64_t id, const std::string& address, const std::shared_ptr<ConnectionBase>& c) {
    std::lock_guard lock(mutex);
    connections[id] = {c, address};
    ++per_address[address];
  }
  void remove(std::uint64_t id) {
    std::lock_guard lock(mutex);
    const auto it = connections.find(id);
    if (it == connections.end()) return;
    const auto count = per_address.find(it->second.address);
    if (count != per_address.end() && --count->second == 0) per_address.erase(count);
    connections.erase(it);
    if (connections.empty()) drained.notify_all();
  }
  std::size_t open_connections() const {
    std::lock_guard lock(mutex);
    return connections.size();
  }
  std::vector<std::shared_ptr<ConnectionBase>> live() {
    std::vector<std::shared_ptr<ConnectionBase>> out;
    std::lock_guard lock(mutex);
    for (auto& [id, entry] : connections) {
      if (auto c = entry.connection.lock()) out.push_back(std::move(c));
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
