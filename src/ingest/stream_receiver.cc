// The listener of the TCP, TLS and RELP syslog receivers: one io_context and one thread each,
// the accept loop, the connection slots, TLS set-up and the orderly stop. What happens on a
// connection is in stream_session.cc.
#include "ingest/stream_receiver.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <stdexcept>
#include <thread>

#include "core/thread_name.h"
#include "ingest/stream_session.h"

namespace decnet::ingest {

struct StreamReceiver::Impl : Context {
  using Context::Context;

  tcp::acceptor acceptor{io};
  asio::steady_timer accept_retry{io};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
  std::uint64_t next_id = 0;
  std::atomic<std::uint16_t> bound_port{0};
  std::string listen_text;
  std::mutex lifecycle;

  void setup_tls();
  void listen();
  void accept();
  void on_accept(tcp::socket socket);
  void run();
};

void StreamReceiver::Impl::setup_tls() {
  const auto fail = [&](const std::string& what) {
    throw std::runtime_error(options.name + ": " + what);
  };
  if (options.tls_cert.empty() || options.tls_key.empty()) {
    fail("TLS needs a certificate and a key (DECNET_SYSLOG_TLS_CERT, DECNET_SYSLOG_TLS_KEY)");
  }
  tls.emplace(ssl::context::tls_server);
  auto& ctx = *tls;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                  ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  ctx.use_certificate_chain_file(options.tls_cert.string(), ec);
  if (ec) fail("cannot load certificate " + options.tls_cert.string() + ": " + ec.message());
  ctx.use_private_key_file(options.tls_key.string(), ssl::context::pem, ec);
  if (ec) fail("cannot load private key " + options.tls_key.string() + ": " + ec.message());
  const bool have_ca = !options.tls_client_ca.empty();
  if (have_ca) {
    ctx.load_verify_file(options.tls_client_ca.string(), ec);
    if (ec) fail("cannot load client CA " + options.tls_client_ca.string() + ": " + ec.message());
    if (auto* names = SSL_load_client_CA_file(options.tls_client_ca.c_str())) {
      SSL_CTX_set_client_CA_list(ctx.native_handle(), names);
    }
  }
  if (have_ca || !options.tls_client_fingerprints.empty()) {
    ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  } else {
    ctx.set_verify_mode(ssl::verify_none);
  }
}

void StreamReceiver::Impl::listen() {
  listen_text = options.host + ":" + std::to_string(options.port);
  const auto fail = [&](const std::string& why) {
    throw std::runtime_error(options.name + ": cannot listen on " + listen_text + ": " + why);
  };
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  auto results = resolver.resolve(options.host, std::to_string(options.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) fail(ec ? ec.message() : "no address");
  const tcp::endpoint endpoint = results.begin()->endpoint();
  acceptor.open(endpoint.protocol(), ec);
  if (ec) fail(ec.message());
  acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  acceptor.bind(endpoint, ec);
  if (ec) fail(ec.message());
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail(ec.message());
  bound_port = acceptor.local_endpoint(ec).port();
  listen_text = endpoint_text(tcp::endpoint(endpoint.address(), bound_port));
}

void StreamReceiver::Impl::accept() {
  acceptor.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      log.warn("{}: accept failed: {}", tag(), ec.message());
      accept_retry.expires_after(std::chrono::milliseconds(100));
      accept_retry.async_wait([this](const boost::system::error_code& wait_ec) {
        if (!wait_ec && acceptor.is_open()) accept();
      });
      return;
    }
    on_accept(std::move(socket));
    accept();
  });
}

void StreamReceiver::Impl::on_accept(tcp::socket socket) {
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  const std::string peer = ec ? std::string("unknown") : endpoint_text(remote);
  const std::string address = ec ? peer : address_text(remote);
  if (!make_room(address)) {
    bump(stats.over_limit);
    log.warn("{}: no room for {}: {} anonymous connections open, none silent long enough to close",
             tag(), peer, anonymous.load());
    socket.close(ec);
    return;
  }
  bump(stats.connections);
  bump(stats.active);
  count_anonymous(address, +1);
  start_session(*this, next_id++, peer, address, std::move(socket));
}

void StreamReceiver::Impl::run() {
  while (true) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("{}: unexpected error in the I/O loop: {}", tag(), e.what());
    }
  }
}

StreamReceiver::Options StreamReceiver::tcp_options(const ReceiverOptions& o) {
  Options out;
  out.name = "syslog-tcp";
  out.source = "tcp";
  out.host = o.tcp_host;
  out.port = o.tcp_port;
  out.max_line_bytes = o.max_line_bytes;
  out.max_connections = o.max_connections;
  out.max_connections_per_address = o.max_connections_per_address;
  out.idle_timeout = o.idle_timeout;
  out.first_data_timeout = o.first_data_timeout;
  return out;
}

StreamReceiver::Options StreamReceiver::tls_options(const ReceiverOptions& o) {
  Options out = tcp_options(o);
  out.name = "syslog-tls";
  out.source = "tls";
  out.host = o.tls_host;
  out.port = o.tls_port;
  out.tls = true;
  out.tls_cert = o.tls_cert;
  out.tls_key = o.tls_key;
  out.tls_client_ca = o.tls_client_ca;
  out.tls_client_fingerprints = o.tls_client_fingerprints;
  return out;
}

StreamReceiver::Options StreamReceiver::relp_options(const ReceiverOptions& o) {
  Options out = o.relp_tls ? tls_options(o) : tcp_options(o);
  out.name = "syslog-relp";
  out.source = "relp";
  out.host = o.relp_host;
  out.port = o.relp_port;
  out.relp = true;
  return out;
}

StreamReceiver::StreamReceiver(Options options, LineSink& sink)
    : impl_(std::make_unique<Impl>(std::move(options), sink)) {}

StreamReceiver::~StreamReceiver() {
  StreamReceiver::stop();  // this class's own: a subclass is already gone
  // RELP lines still in the pipeline report to the I/O context, which goes away with us.
  impl_->reports->detach();
}

std::string StreamReceiver::name() const {
  return impl_->options.name;
}

void StreamReceiver::start() {
  std::lock_guard lock(impl_->lifecycle);
  if (impl_->thread.joinable()) return;
  if (impl_->options.tls) impl_->setup_tls();
  impl_->listen();
  impl_->work.emplace(impl_->io.get_executor());
  impl_->accept();
  impl_->thread = std::thread([impl = impl_.get()] {
    core::name_this_thread(impl->options.name);
    impl->run();
  });
  spdlog::info("{}: listening on {}{}", impl_->tag(), impl_->listen_text,
               impl_->options.tls ? " (TLS)" : "");
}

void StreamReceiver::stop() {
  std::lock_guard lock(impl_->lifecycle);
  auto& rx = *impl_;
  if (!rx.thread.joinable()) {
    boost::system::error_code ignored;
    rx.acceptor.close(ignored);
    return;
  }
  asio::post(rx.io, [&rx] {
    boost::system::error_code ignored;
    rx.acceptor.close(ignored);
    rx.accept_retry.cancel();
    std::vector<std::shared_ptr<SessionBase>> open;
    for (auto& [id, weak] : rx.sessions) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
    for (auto& s : open) s->drain_and_close();
  });
  rx.work.reset();
  rx.thread.join();
  rx.io.restart();
  spdlog::info("{}: stopped after {} lines ({} read from sockets at stop, {} not taken)", rx.tag(),
               rx.stats.lines.load(), rx.stats.drained_lines.load(), rx.stats.lost_at_stop.load());
}

nlohmann::json StreamReceiver::health() const {
  auto out = impl_->stats.to_json();
  out["listen"] = impl_->listen_text;
  out["tls"] = impl_->options.tls;
  out["anonymous"] = impl_->anonymous.load();
  out["authenticated"] = impl_->authenticated.load();
  return out;
}

std::uint16_t StreamReceiver::port() const {
  return impl_->bound_port.load();
}

const ReceiverStats& StreamReceiver::stats() const {
  return impl_->stats;
}

}  // namespace decnet::ingest