// One connection: a shared_ptr kept alive by its pending operations, on its own strand, with a
// single deadline timer that closes the socket when the current phase (handshake, first byte,
// headers, body, write) overruns. Handlers run on the server's thread pool and post their
// Response back to the connection's strand.
//
// Beast parses requests (its parser enforces the header and body limits); responses are
// serialised by hand, which keeps the template instantiations down to the parser and lets plain
// responses and event streams share one write path.
#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/http/api_error.h"
#include "api/http/event_stream.h"
#include "api/http/http_server_state.h"
#include "api/http/route_table.h"

namespace decnet::api::detail {

namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {

std::string serialize_head(const Response& r, bool keep_alive, bool with_length) {
  std::string head =
      "HTTP/1.1 " + std::to_string(r.status) + " " + std::string(reason_phrase(r.status)) + "\r\n";
  if (!r.content_type.empty()) head += "Content-Type: " + single_line(r.content_type) + "\r\n";
  if (with_length && r.status != 204 && r.status != 304 && r.status >= 200) {
    head += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  }
  head += "X-Content-Type-Options: nosniff\r\n";
  head += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  for (const auto& [name, value] : r.headers) {
    head += single_line(name) + ": " + single_line(value) + "\r\n";
  }
  head += "\r\n";
  return head;
}

template <typename Stream>
class Connection : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  Connection(ServerState& server, std::uint64_t id, Stream stream, std::string peer,
             std::uint16_t peer_port)
      : server_(server),
        id_(id),
        stream_(std::move(stream)),
        timer_(stream_.get_executor()),
        keepalive_timer_(stream_.get_executor()),
        peer_(std::move(peer)),
        peer_port_(peer_port) {}

  ~Connection() override { server_.remove(id_); }

  void start() override {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        self->arm(self->server_.options.header_timeout);
        self->stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
          self->disarm();
          if (ec) return self->close();
          self->wait_request();
        });
      } else {
        self->wait_request();
      }
    });
  }

  void stop_soft() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      // A response or stream chunk being written finishes first, then closes: a client whose
      // stream was accepted always gets its head and whole events, never an empty reply.
      if (self->in_handler_ || self->writing_response_ || self->writing_stream_) return;
      self->close();
    });
  }

  void stop_hard() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close(); });
  }

  std::int64_t idle_since() const override { return idle_since_.load(std::memory_order_relaxed); }

  bool evict() override {
    auto since = idle_since_.load(std::memory_order_relaxed);
    if (since == 0 || !idle_since_.compare_exchange_strong(since, 0)) return false;
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->in_handler_ || self->writing_response_ || self->writing_stream_) return;
      self->close();
    });
    return true;
  }

 private:
  tcp::socket& socket() { return beast::get_lowest_layer(stream_); }

  void arm(std::chrono::milliseconds d) {
    deadline_ = Clock::now() + d;
    timer_.expires_at(deadline_);
    timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      if (Clock::now() >= self->deadline_) {
        self->server_.timeouts.fetch_add(1, std::memory_order_relaxed);
        self->close();
      }
    });
  }

  void disarm() {
    deadline_ = Clock::time_point::max();
    timer_.cancel();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    disarm();
    keepalive_timer_.cancel();
    beast::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
    if (stream_state_) {
      stream_state_->finish();
      stream_state_.reset();
      server_.sse_clients.fetch_sub(1, std::memory_order_relaxed);
    }
  }

  // Half-closes after an error response and reads (discarding) for a moment, so the client sees
  // the response instead of a reset caused by its unread upload.
  void linger_close() {
    beast::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_send, ignored);
    arm(std::chrono::seconds(2));
    drain();
  }

  void drain() {
    drain_buffer_.resize(4096);
    socket().async_read_some(asio::buffer(drain_buffer_),
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec) return self->close();
                               self->drain();
                             });
  }

  // Waits for the first byte of the next request under the idle (or, for a new connection, the
  // header) deadline; the header deadline then starts with that byte. Reading through the stream
  // rather than polling the socket keeps TLS records already decrypted by the engine in view.
  void wait_request() {
    if (closed_) return;
    if (server_.stopping.load()) return close();
    if (buffer_.size() > 0) return read_header();
    if (idle_since_.load(std::memory_order_relaxed) == 0) {
      idle_since_.store(std::max<std::int64_t>(1, Clock::now().time_since_epoch().count()),
                        std::memory_order_relaxed);
    }
    // Only a client that showed a valid token may hold a connection open for long.
    const auto& o = server_.options;
    arm(first_           ? o.header_timeout
        : authenticated_ ? o.idle_timeout
                         : std::min(o.header_timeout, o.idle_timeout));
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec || self->closed_) return self->close();
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    first_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
    parser_->body_limit(server_.options.body_limit);
    arm(server_.options.header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  bool fail_read(beast::error_code ec) {
    disarm();
    if (!ec) return false;
    if (closed_) return true;
    if (ec == http::error::header_limit) {
      server_.oversize.fetch_add(1, std::memory_order_relaxed);
      reject(431, "request header fields too large");
    } else if (ec == http::error::body_limit) {
      server_.oversize.fetch_add(1, std::memory_order_relaxed);
      reject(413, "request body too large");
    } else if (ec.category() == beast::error_code(http::error::end_of_stream).category() &&
               ec != http::error::end_of_stream && ec != http::error::partial_message) {
      reject(400, "malformed HTTP request");
    } else {
      close();
    }
    return true;
  }

  void reject(int status, std::string detail) {
    Response r = json(status, {{"detail", detail}});
    Request req;
    req.peer_address = peer_;
    if (parser_ && parser_->is_header_done()) {
      req.method = std::string(parser_->get().method_string());
      const auto target = parser_->get().target();
      req.set_target(std::string_view(target.data(), target.size()));
    }
    server_.record(req, "", status, r.body.size(), Clock::now());
    write_response(r, false, true);
  }

  void on_header(beast::error_code ec) {
    if (fail_read(ec)) return;
    idle_since_.store(0, std::memory_order_relaxed);
    auto& msg = parser_->get();
    const auto expect = msg[http::field::expect];
    if (!expect.empty() && beast::iequals(expect, "100-continue")) {
      continue_ = "HTTP/1.1 100 Continue\r\n\r\n";
      arm(server_.options.body_timeout);
      asio::async_write(stream_, asio::buffer(continue_),
                        [self = this->shared_from_this()](beast::error_code ec2, std::size_t) {
                          if (ec2) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    arm(server_.options.body_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_body(ec);
                     });
  }

  void on_body(beast::error_code ec) {
    if (fail_read(ec)) return;
    auto msg = parser_->release();
    parser_.reset();
    auto request = std::make_shared<Request>();
    request->method = std::string(msg.method_string());
    request->set_target(std::string_view(msg.target().data(), msg.target().size()));
    for (const auto& field : msg) {
      const std::string name(field.name_string());
      auto [it, inserted] = request->headers.emplace(name, std::string(field.value()));
      if (!inserted) {
        it->second += ", ";
        it->second += std::string(field.value());
      }
    }
    request->body = std::move(msg.body());
    request->peer_address = peer_;
    request->peer_port = peer_port_;
    keep_alive_ = msg.keep_alive();
    const auto began = Clock::now();
    const bool query = server_.router.lane_of(*request) == Lane::kQuery;
    if (query && server_.queries_admitted.fetch_add(1, std::memory_order_relaxed) >=
                     server_.options.query_queue_limit) {
      server_.queries_admitted.fetch_sub(1, std::memory_order_relaxed);
      server_.queries_refused.fetch_add(1, std::memory_order_relaxed);
      Router::Outcome busy;
      busy.response =
          service_unavailable(std::chrono::seconds(1), "Too many queries in progress; retry")
              .to_response();
      busy.response.headers["Cache-Control"] = "no-store";
      return on_response(*request, std::move(busy), began);
    }
    in_handler_ = true;
    server_.active_handlers.fetch_add(1, std::memory_order_relaxed);
    auto& pool = query ? *server_.workers : *server_.fast_workers;
    asio::post(pool, [self = this->shared_from_this(), request, began, query] {
      auto outcome = std::make_shared<Router::Outcome>();
      const auto waited = Clock::now() - began;
      const auto& limit = self->server_.options.query_queue_wait;
      if (query && limit.count() > 0 && waited > limit) {
        self->server_.queries_refused.fetch_add(1, std::memory_order_relaxed);
        outcome->response =
            service_unavailable(std::chrono::seconds(1), "The server is busy; retry").to_response();
        outcome->response.headers["Cache-Control"] = "no-store";
      } else {
        try {
          *outcome = self->server_.router.handle(*request);
        } catch (...) {
          outcome->response = json(500, {{"detail", "internal error"}});
        }
      }
      if (query) self->server_.queries_admitted.fetch_sub(1, std::memory_order_relaxed);
      self->server_.active_handlers.fetch_sub(1, std::memory_order_relaxed);
      asio::post(self->stream_.get_executor(), [self, request, outcome, began] {
        self->in_handler_ = false;
        self->on_response(*request, std::move(*outcome), began);
      });
    });
  }

  void on_response(const Request& request, Router::Outcome outcome, Clock::time_point began) {
    Response& r = outcome.response;
    server_.record(request, outcome.route, r.status, r.body.size(), began);
    authenticated_ = outcome.authenticated;
    if (closed_) {
      if (r.event_stream) r.event_stream->finish();
      return;
    }
    // A stream answered during a stop still gets its head; start_stream then ends it at once.
    if (r.event_stream) return start_stream(std::move(r));
    const bool keep = keep_alive_ && !server_.stopping.load();
    write_response(r, keep, false, request.method == "HEAD");
  }

  // A HEAD answer is the GET answer's head, Content-Length included, without the body.
  void write_response(const Response& r, bool keep_alive, bool linger, bool head_only = false) {
    out_ = serialize_head(r, keep_alive, true);
    if (!head_only) out_ += r.body;
    writing_response_ = true;
    arm(server_.options.idle_timeout);
    asio::async_write(
        stream_, asio::buffer(out_),
        [self = this->shared_from_this(), keep_alive, linger](beast::error_code ec, std::size_t) {
          self->writing_response_ = false;
          self->disarm();
          if (ec) return self->close();
          if (linger) return self->linger_close();
          if (!keep_alive) return self->close();
          self->wait_request();
        });
  }

  // Server-Sent Events: headers, then whatever the producer queues, until either side ends.
  void start_stream(Response r) {
    stream_state_ = std::move(r.event_stream);
    server_.sse_clients.fetch_add(1, std::memory_order_relaxed);
    beast::error_code ignored;
    socket().set_option(
        asio::socket_base::send_buffer_size(static_cast<int>(server_.options.sse_socket_buffer)),
        ignored);
    out_ = serialize_head(r, false, false);
    writing_stream_ = true;
    arm(server_.options.idle_timeout);
    asio::async_write(stream_, asio::buffer(out_),
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->writing_stream_ = false;
                        self->disarm();
                        if (ec || !self->stream_state_ || self->server_.stopping.load()) {
                          return self->close();
                        }
                        std::weak_ptr<Connection> weak = self;
                        auto executor = self->stream_.get_executor();
                        self->stream_state_->attach([weak, executor] {
                          asio::post(executor, [weak] {
                            if (auto s = weak.lock()) s->pump();
                          });
                        });
                        self->watch_peer();
                        self->schedule_keepalive();
                      });
  }

  void pump() {
    if (closed_ || !stream_state_) return;
    if (stream_state_->overflowed()) {
      server_.sse_dropped.fetch_add(1, std::memory_order_relaxed);
      spdlog::debug("api: event stream to {} dropped: client not reading", peer_);
      return close();
    }
    if (writing_stream_) return;
    if (stream_state_->take(&out_)) {
      writing_stream_ = true;
      wrote_since_tick_ = true;
      arm(server_.options.idle_timeout);
      asio::async_write(stream_, asio::buffer(out_),
                        [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                          self->writing_stream_ = false;
                          self->disarm();
                          if (self->stream_state_) self->stream_state_->written(n);
                          if (ec || self->server_.stopping.load()) return self->close();
                          self->pump();
                        });
      return;
    }
    if (stream_state_->should_end()) close();
  }

  // Anything the client sends on a stream is ignored; its end (EOF, reset) ends the stream.
  void watch_peer() {
    drain_buffer_.resize(512);
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->watch_peer();
                            });
  }

  void schedule_keepalive() {
    if (!stream_state_) return;
    keepalive_timer_.expires_after(stream_state_->options().keepalive);
    keepalive_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_ || !self->stream_state_) return;
      if (!self->wrote_since_tick_) self->stream_state_->comment("keep-alive");
      self->wrote_since_tick_ = false;
      self->schedule_keepalive();
    });
  }

  ServerState& server_;
  const std::uint64_t id_;
  Stream stream_;
  asio::steady_timer timer_;
  asio::steady_timer keepalive_timer_;
  Clock::time_point deadline_ = Clock::time_point::max();
  std::string peer_;
  std::uint16_t peer_port_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string out_;
  std::string continue_;
  std::vector<char> drain_buffer_;
  std::shared_ptr<EventStream> stream_state_;
  bool first_ = true;
  bool authenticated_ = false;  // the last request carried a valid token
  std::atomic<std::int64_t> idle_since_{0};
  bool keep_alive_ = false;
  bool in_handler_ = false;
  bool writing_response_ = false;
  bool writing_stream_ = false;
  bool wrote_since_tick_ = false;
  bool closed_ = false;
};

}  // namespace

std::shared_ptr<ConnectionBase> make_connection(ServerState& server, std::uint64_t id,
                                                tcp::socket socket, std::string peer,
                                                std::uint16_t peer_port) {
  if (server.tls) {
    return std::make_shared<Connection<ssl::stream<tcp::socket>>>(
        server, id, ssl::stream<tcp::socket>(std::move(socket), *server.tls), std::move(peer),
        peer_port);
  }
  return std::make_shared<Connection<tcp::socket>>(server, id, std::move(socket), std::move(peer),
                                                   peer_port);
}

}  // namespace decnet::api::detail
