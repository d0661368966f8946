// The HTTP/1.1 server of the API (Boost.Beast underneath, kept out of this header). One I/O
// thread runs every socket asynchronously, so a slow or hostile client holds a buffer and a
// timer, never a thread: headers must arrive within the header timeout (a slow-loris client is
// cut off there), a keep-alive connection idle longer than the idle timeout is closed, header
// and body sizes are capped (431 and 413, then the connection is closed). Handlers, which may
// block on the database, run on worker pools chosen by the route's lane: query routes on
// `threads` workers, admitted only while fewer than `query_queue_limit` are waiting or running
// (past that: 503 with Retry-After at once; and one that waited past `query_queue_wait` is
// answered 503 unrun), everything else on `fast_threads` workers of its own, so a health check
// never queues behind a slow search. Server-Sent Events responses are
// written from the I/O thread as their producers fill them.
//
// Connection slots are guarded against idle hogs: at most `max_connections` in all and
// `max_connections_per_address` per client address. When a limit is reached, the connection
// that has waited longest for its next request (or is still trickling its headers) is closed to
// make room, so a pile of idle sockets cannot lock real clients out; a new connection, and a
// keep-alive connection whose last request carried no valid token, get only the header timeout
// to send their next request instead of the idle timeout.
//
// stop() is graceful: it stops accepting, closes idle connections, lets requests whose handler
// is already running finish and answer (with Connection: close), ends event streams, and after
// the grace period closes whatever is left.
//
// Every request gets one access-log line at debug level (method, path without the query, status,
// size, duration; never a header, so never a token) and is counted in the metrics registry by
// route pattern and status, with a latency histogram per route.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/component.h"

namespace decnet::core {
class Config;
}

namespace decnet::api {

class Router;
class MetricsRegistry;

class HttpServer : public core::Component {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8000;       // 0: any free port, see port()
    std::filesystem::path tls_cert;  // both set: HTTPS
    std::filesystem::path tls_key;
    std::size_t body_limit = std::size_t{1024} * 1024;
    std::size_t header_limit = std::size_t{8} * 1024;
    std::chrono::milliseconds header_timeout = std::chrono::seconds(10);
    std::chrono::milliseconds body_timeout = std::chrono::seconds(30);
    std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);
    std::chrono::milliseconds shutdown_grace = std::chrono::seconds(5);
    std::size_t threads = 2;              // query-lane handler workers
    std::size_t fast_threads = 2;         // fast-lane handler workers
    std::size_t query_queue_limit = 256;  // query requests waiting or running, at most
    // A query request that waited longer than this for a worker is answered 503 unrun: its
    // client is better told to retry than served late. 0: no limit.
    std::chrono::milliseconds query_queue_wait{0};
    std::size_t max_connections = 1024;
    std::size_t max_connections_per_address = 128;
    std::size_t sse_socket_buffer =
        std::size_t{64} * 1024;  // SO_SNDBUF of event-stream connections

    // DECNET_API_* settings (the query time budget is the router's: Router::set_query_timeout).
    static Options from_config(const core::Config& config);
  };

  // `router` and `metrics` must outlive the server; `metrics` may be null.
  HttpServer(Options options, const Router& router, MetricsRegistry* metrics = nullptr);
  ~HttpServer() override;
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::string name() const override { return "api"; }
  // Loads the certificate (TLS), binds, listens and starts the threads; throws
  // std::runtime_error naming the address or file on failure.
  void start() override;
  void stop() override;
  nlohmann::json health() const override;

  std::uint16_t port() const;  // the bound port once started

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace decnet::api
