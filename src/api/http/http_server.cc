// The listener: one io_context on one thread owns every socket, handlers run on a thread pool.
// The server keeps weak references to its connections only to stop them: a stop closes the
// acceptor, lets in-flight answers finish within the grace period, then closes what is left.
#include "api/http/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "api/http/http_server_state.h"
#include "api/http/metrics.h"
#include "core/config.h"

namespace decnet::api {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace detail {

namespace {

std::string peer_text(const tcp::endpoint& ep) {
  auto address = ep.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

}  // namespace

bool ServerState::make_room(const std::string& address) {
  std::shared_ptr<ConnectionBase> victim;
  {
    std::lock_guard lock(mutex);
    const auto it = per_address.find(address);
    const std::size_t same = it == per_address.end() ? 0 : it->second;
    const bool address_full = same >= options.max_connections_per_address;
    if (!address_full && connections.size() < options.max_connections) return true;
    std::int64_t oldest = 0;
    for (auto& [id, entry] : connections) {
      if (address_full && entry.address != address) continue;
      auto c = entry.connection.lock();
      if (!c) continue;
      const auto since = c->idle_since();
      if (since != 0 && (oldest == 0 || since < oldest)) {
        oldest = since;
        victim = std::move(c);
      }
    }
  }
  if (!victim || !victim->evict()) return false;
  evicted_connections.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void ServerState::record(const Request& req, const std::string& route, int status,
                         std::size_t bytes, Clock::time_point began) {
  requests.fetch_add(1, std::memory_order_relaxed);
  const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
  spdlog::debug("api: {} \"{} {}\" {} {}B {:.1f}ms", req.peer_address, req.method, req.path, status,
                bytes, seconds * 1000);
  if (!metrics) return;
  const std::string label = route.empty() ? "unmatched" : route;
  metrics
      ->counter("decnet_http_requests_total", "HTTP requests by route pattern and status",
                {{"method", req.method}, {"route", label}, {"status", std::to_string(status)}})
      .inc();
  metrics
      ->histogram("decnet_http_request_duration_seconds",
                  "Time from complete request to response (streams: to first byte)",
                  default_latency_buckets(), {{"method", req.method}, {"route", label}})
      .observe(seconds);
}

void ServerState::accept() {
  acceptor->async_accept(asio::make_strand(io), [this](error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping.load()) return;
      spdlog::warn("api: accept failed: {}", ec.message());
      return accept();
    }
    if (stopping.load()) return;
    error_code peer_ec;
    const auto remote = socket.remote_endpoint(peer_ec);
    const auto address = peer_ec ? std::string() : peer_text(remote);
    if (peer_ec || !make_room(address)) {
      refused_connections.fetch_add(1, std::memory_order_relaxed);
      socket.close(peer_ec);
      return accept();
    }
    std::uint64_t id = 0;
    {
      std::lock_guard lock(mutex);
      id = ++next_id;
    }
    auto connection = make_connection(*this, id, std::move(socket), address, remote.port());
    add(id, address, connection);
    connection->start();
    accept();
  });
}

}  // namespace detail

struct HttpServer::Impl : detail::ServerState {
  using ServerState::ServerState;
};

HttpServer::Options HttpServer::Options::from_config(const core::Config& config) {
  Options o;
  o.host = config.api_host();
  o.port = static_cast<std::uint16_t>(config.api_port());
  o.tls_cert = config.api_tls_cert();
  o.tls_key = config.api_tls_key();
  o.body_limit = static_cast<std::size_t>(config.api_max_body_bytes());
  o.header_timeout = std::chrono::seconds(config.api_header_timeout_seconds());
  o.idle_timeout = std::chrono::seconds(config.api_idle_timeout_seconds());
  o.threads = static_cast<std::size_t>(config.api_query_workers());
  o.max_connections = static_cast<std::size_t>(config.api_max_connections());
  o.max_connections_per_address =
      static_cast<std::size_t>(config.api_max_connections_per_address());
  o.query_queue_limit = static_cast<std::size_t>(config.api_query_queue());
  o.query_queue_wait = std::chrono::milliseconds(config.api_query_timeout_ms());
  return o;
}

HttpServer::HttpServer(Options options, const Router& router, MetricsRegistry* metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}

HttpServer::~HttpServer() {
  HttpServer::stop();  // this class's stop, on purpose: a subclass is already gone
}

void HttpServer::start() {
  auto& s = *impl_;
  if (s.started) return;
  const auto& o = s.options;
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    throw std::runtime_error("api: TLS needs both a certificate and a key");
  }
  if (!o.tls_cert.empty()) {
    s.tls.emplace(ssl::context::tls_server);
    s.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
    error_code ec;
    s.tls->use_certificate_chain_file(o.tls_cert.string(), ec);
    if (ec) throw std::runtime_error("api: cannot load TLS certificate " + o.tls_cert.string());
    s.tls->use_private_key_file(o.tls_key.string(), ssl::context::pem, ec);
    if (ec) throw std::runtime_error("api: cannot load TLS key " + o.tls_key.string());
  }
  error_code ec;
  const auto address = asio::ip::make_address(o.host, ec);
  if (ec) throw std::runtime_error("api: bad listen address " + o.host);
  const tcp::endpoint endpoint(address, o.port);
  s.acceptor.emplace(s.io);
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("api: cannot listen on " + o.host + ":" + std::to_string(o.port) +
                             ": " + ec.message());
  }
  s.bound_port = s.acceptor->local_endpoint().port();
  s.workers = std::make_unique<asio::thread_pool>(std::max<std::size_t>(1, o.threads));
  s.fast_workers = std::make_unique<asio::thread_pool>(std::max<std::size_t>(1, o.fast_threads));
  s.stopping = false;
  s.work.emplace(s.io.get_executor());
  s.accept();
  s.io_thread = std::thread([&s] { s.io.run(); });
  s.started = true;
  spdlog::info("api: listening on {}://{}:{}", s.tls ? "https" : "http", o.host, s.bound_port);
}

void HttpServer::stop() {
  auto& s = *impl_;
  if (!s.started) return;
  s.started = false;
  s.stopping = true;
  asio::post(s.io, [&s] {
    error_code ignored;
    s.acceptor->close(ignored);
  });
  for (auto& c : s.live()) c->stop_soft();
  {
    std::unique_lock lock(s.mutex);
    s.drained.wait_for(lock, s.options.shutdown_grace, [&] { return s.connections.empty(); });
  }
  s.workers->join();
  s.fast_workers->join();
  for (auto& c : s.live()) c->stop_hard();
  {
    std::unique_lock lock(s.mutex);
    s.drained.wait_for(lock, std::chrono::seconds(2), [&] { return s.connections.empty(); });
  }
  s.work.reset();
  s.io.stop();
  if (s.io_thread.joinable()) s.io_thread.join();
  s.io.restart();
  s.acceptor.reset();
  s.workers.reset();
  s.fast_workers.reset();
  spdlog::info("api: stopped");
}

nlohmann::json HttpServer::health() const {
  const auto& s = *impl_;
  return {{"port", s.bound_port},
          {"connections", s.open_connections()},
          {"requests", s.requests.load()},
          {"active_handlers", s.active_handlers.load()},
          {"queries_in_progress", s.queries_admitted.load()},
          {"queries_refused", s.queries_refused.load()},
          {"event_streams", s.sse_clients.load()},
          {"event_streams_dropped", s.sse_dropped.load()},
          {"timeouts", s.timeouts.load()},
          {"oversize_requests", s.oversize.load()},
          {"refused_connections", s.refused_connections.load()},
          {"evicted_connections", s.evicted_connections.load()}};
}

std::uint16_t HttpServer::port() const {
  return impl_->bound_port;
}

}  // namespace decnet::api
