// One io_context and one thread per listener. Sessions are shared_ptrs kept alive by their
// pending operations; the receiver keeps weak references only to close them on stop() and to
// find an idle one to evict. Inactivity is checked by one timer per session that re-arms itself
// from the time of the last read, so reads never touch the timer. Everything a receiver owns is
// touched on its I/O thread only, so the slot accounting needs no lock.
#include "ingest/stream_receiver.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "core/hash.h"
#include "ingest/stream_framer.h"

namespace decnet::ingest {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kReadBuffer = std::size_t{16} << 10;
// How often a sender held back by a full pipeline checks for room again.
constexpr std::chrono::milliseconds kResumePoll{1};
// At stop, how long the sink may refuse drained lines before they are given up.
constexpr std::chrono::seconds kDrainPatience{10};

std::string address_text(const tcp::endpoint& ep) {
  auto address = ep.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

std::string endpoint_text(const tcp::endpoint& ep) {
  const auto address = ep.address();
  if (address.is_v6()) return "[" + address.to_string() + "]:" + std::to_string(ep.port());
  return address.to_string() + ":" + std::to_string(ep.port());
}

std::string cert_fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return {};
  return core::to_hex({md, len});
}

std::string cert_common_name(X509* cert) {
  X509_NAME* subject = X509_get_subject_name(cert);
  if (!subject) return {};
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0) return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close() = 0;
  // Reads what the socket already holds, hands it to the sink, then closes.
  virtual void drain_and_close() = 0;
  virtual bool authenticated() const = 0;
  virtual const std::string& address() const = 0;
  virtual Clock::time_point last_activity() const = 0;
};

// What sessions share with their receiver; touched on the I/O thread only, except the atomics.
struct Context {
  Context(StreamReceiver::Options o, LineSink& s) : options(std::move(o)), sink(s) {}

  StreamReceiver::Options options;
  LineSink& sink;
  ReceiverStats stats;
  LogLimiter log;
  asio::io_context io;
  std::optional<ssl::context> tls;
  std::unordered_map<std::uint64_t, std::weak_ptr<SessionBase>> sessions;
  // Slot accounting: anonymous sessions (plain TCP, and TLS until a client certificate has been
  // verified) per address and in all; sessions of authenticated sensors apart.
  std::unordered_map<std::string, std::size_t> anonymous_by_address;
  // Written on the I/O thread only; atomic because health() reads them from elsewhere.
  std::atomic<std::size_t> anonymous{0};
  std::atomic<std::size_t> authenticated{0};

  const char* tag() const { return options.name.c_str(); }

  void count_anonymous(const std::string& address, int delta) {
    anonymous += static_cast<std::size_t>(delta);
    auto& n = anonymous_by_address[address];
    n += static_cast<std::size_t>(delta);
    if (n == 0) anonymous_by_address.erase(address);
  }

  // Whether an anonymous connection from `address` fits, evicting the anonymous session silent
  // longest (of that address, when it is the address that is full) if a limit is reached.
  bool make_room(const std::string& address) {
    const auto it = anonymous_by_address.find(address);
    const bool address_full =
        it != anonymous_by_address.end() && it->second >= options.max_connections_per_address;
    if (!address_full && anonymous < options.max_connections) return true;
    std::shared_ptr<SessionBase> victim;
    const auto cutoff = Clock::now() - options.evict_after_silence;
    for (auto& [id, weak] : sessions) {
      auto s = weak.lock();
      if (!s || s->authenticated() || s->last_activity() > cutoff) continue;
      if (address_full && s->address() != address) continue;
      if (!victim || s->last_activity() < victim->last_activity()) victim = std::move(s);
    }
    if (!victim) return false;
    bump(stats.evicted);
    log.warn("{}: {} connections open ({} from {}); closing the longest silent one, from {}", tag(),
             anonymous.load(), address_full ? it->second : 0, address, victim->address());
    victim->close();
    return true;
  }
};

template <typename Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, ssl::stream<tcp::socket>>;

  template <typename... Args>
  Session(Context& rx, std::uint64_t id, std::string peer, std::string address, Args&&... args)
      : rx_(rx),
        id_(id),
        stream_(std::forward<Args>(args)...),
        timer_(rx.io),
        resume_timer_(rx.io),
        framer_(rx.options.max_line_bytes),
        peer_(std::move(peer)),
        remote_(peer_),
        address_(std::move(address)),
        buffer_(kReadBuffer) {}

  void begin() {
    last_ = Clock::now();
    if constexpr (kTls) {
      window_ = rx_.options.handshake_timeout;
      arm_timer();
      if (!rx_.options.tls_client_fingerprints.empty()) {
        stream_.set_verify_callback([this](bool preverified, ssl::verify_context& ctx) {
          return verify(preverified, ctx);
        });
      }
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](
                                  const boost::system::error_code& ec) { self->on_handshake(ec); });
    } else {
      window_ = first_data_window();
      arm_timer();
      read();
    }
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    auto& socket = lowest();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    timer_.cancel();
    resume_timer_.cancel();
    rx_.sessions.erase(id_);
    if (authenticated_) {
      --rx_.authenticated;
    } else {
      rx_.count_anonymous(address_, -1);
    }
    rx_.stats.active.fetch_sub(1, std::memory_order_relaxed);
  }

  // Runs on the I/O thread during stop(): the pending read is cancelled, and exactly what the
  // kernel holds at this moment is read without waiting (a sender still writing cannot keep the
  // stop going), framed, an unterminated line or frame included, and handed over in order after
  // the lines already held back.
  void drain_and_close() override {
    if (closed_) return;
    draining_ = true;
    boost::system::error_code ec;
    timer_.cancel();
    resume_timer_.cancel();
    const auto patience = Clock::now() + kDrainPatience;
    const auto hand_over = [&](RawLine line) {
      while (!rx_.sink.submit(line)) {
        if (Clock::now() >= patience) {
          bump(rx_.stats.lost_at_stop);
          return;
        }
        std::this_thread::sleep_for(kResumePoll);
      }
    };
    for (auto& line : held_) hand_over(std::move(line));
    held_.clear();
    if (!handshaking_) {
      lowest().cancel(ec);
      lowest().non_blocking(true, ec);
      std::size_t budget = lowest().available(ec);
      const auto keep = [&](FramedLine framed) {
        bump(rx_.stats.drained_lines);
        hand_over(frame_line(rx_.stats, rx_.log, rx_.tag(), std::move(framed), rx_.options.source,
                             peer_));
      };
      while (budget > 0 && !eof_) {
        const auto n =
            stream_.read_some(asio::buffer(buffer_.data(), std::min(budget, buffer_.size())), ec);
        if (n > 0) feed(n, keep);
        budget -= std::min(budget, n);
        if (ec) break;
      }
      framer_.finish(keep);
    }
    if (rx_.stats.lost_at_stop.load() > 0) {
      rx_.log.warn("{}: {} lines could not be handed over at stop", rx_.tag(),
                   rx_.stats.lost_at_stop.load());
    }
    close();
  }

  bool authenticated() const override { return authenticated_; }
  const std::string& address() const override { return address_; }
  Clock::time_point last_activity() const override { return last_; }

 private:
  tcp::socket& lowest() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  bool verify(bool preverified, ssl::verify_context& ctx) {
    X509_STORE_CTX* store = ctx.native_handle();
    const bool have_ca = !rx_.options.tls_client_ca.empty();
    if (X509_STORE_CTX_get_error_depth(store) > 0) return have_ca ? preverified : true;
    X509* cert = X509_STORE_CTX_get_current_cert(store);
    if (!cert) return false;
    const auto fp = cert_fingerprint(cert);
    const auto& pins = rx_.options.tls_client_fingerprints;
    if (std::find(pins.begin(), pins.end(), fp) == pins.end()) {
      rejected_fingerprint_ = fp;
      return false;
    }
    return have_ca ? preverified : true;
  }

  void on_handshake(const boost::system::error_code& ec) {
    if (closed_) return;
    if (ec) {
      bump(rx_.stats.tls_rejected);
      if (!rejected_fingerprint_.empty()) {
        rx_.log.warn("{}: rejected {}: client certificate sha256:{} is not registered", rx_.tag(),
                     remote_, rejected_fingerprint_);
      } else {
        rx_.log.warn("{}: TLS handshake with {} failed: {}", rx_.tag(), remote_, ec.message());
      }
      close();
      return;
    }
    if constexpr (kTls) {
      if (X509* cert = SSL_get1_peer_certificate(stream_.native_handle())) {
        auto cn = cert_common_name(cert);
        peer_ = cn.empty() ? "sha256:" + cert_fingerprint(cert) : std::move(cn);
        X509_free(cert);
        // A verified sensor leaves the anonymous pool for the pool of authenticated sensors.
        if (!rx_.options.tls_client_ca.empty() || !rx_.options.tls_client_fingerprints.empty()) {
          rx_.count_anonymous(address_, -1);
          ++rx_.authenticated;
          authenticated_ = true;
        }
      }
    }
    handshaking_ = false;
    last_ = Clock::now();
    window_ = first_data_window();
    read();
  }

  void arm_timer() {
    timer_.expires_at(last_ + window_);
    timer_.async_wait([self = this->shared_from_this()](const boost::system::error_code& ec) {
      self->on_timer(ec);
    });
  }

  void on_timer(const boost::system::error_code& ec) {
    if (closed_ || ec == asio::error::operation_aborted) return;
    if (!held_.empty() || Clock::now() < last_ + window_) {  // a held-back sender is not idle
      arm_timer();
      return;
    }
    if (handshaking_) {
      bump(rx_.stats.tls_rejected);
      rx_.log.warn("{}: TLS handshake with {} timed out", rx_.tag(), remote_);
    } else {
      bump(rx_.stats.idle_closed);
      rx_.log.warn("{}: closing {} after {} ms without data", rx_.tag(), peer_, window_.count());
    }
    close();
  }

  void read() {
    stream_.async_read_some(asio::buffer(buffer_), [self = this->shared_from_this()](
                                                       const boost::system::error_code& ec,
                                                       std::size_t n) { self->on_read(ec, n); });
  }

  std::chrono::milliseconds first_data_window() const {
    return std::min(rx_.options.first_data_timeout, rx_.options.idle_timeout);
  }

  template <typename OnLine>
  void feed(std::size_t n, const OnLine& on_line) {
    last_ = Clock::now();
    if (!got_data_) {
      got_data_ = true;
      window_ = rx_.options.idle_timeout;
    }
    const auto skipped = framer_.skipped_bytes();
    framer_.feed({buffer_.data(), n}, on_line);
    bump(rx_.stats.skipped_bytes, framer_.skipped_bytes() - skipped);
  }

  // Lines go to the pipeline in order; once it refuses one, that line and every later one of
  // the same read are held and the socket is not read again until they are all accepted.
  // What is held is bounded by one read buffer.
  void on_read(const boost::system::error_code& ec, std::size_t n) {
    if (closed_ || draining_) return;
    const auto on_line = [this](FramedLine framed) {
      auto line =
          frame_line(rx_.stats, rx_.log, rx_.tag(), std::move(framed), rx_.options.source, peer_);
      if (held_.empty() && rx_.sink.submit(line)) return;
      if (held_.empty()) bump(rx_.stats.paused);
      held_.push_back(std::move(line));
    };
    if (n > 0) feed(n, on_line);
    if (ec) {
      framer_.finish(on_line);
      eof_ = true;
    }
    continue_or_wait();
  }

  void continue_or_wait() {
    if (closed_ || draining_) return;
    while (!held_.empty() && rx_.sink.submit(held_.front())) held_.pop_front();
    if (!held_.empty()) {
      resume_timer_.expires_after(kResumePoll);
      resume_timer_.async_wait(
          [self = this->shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) self->continue_or_wait();
          });
      return;
    }
    if (eof_) {
      close();
      return;
    }
    last_ = Clock::now();
    read();
  }

  Context& rx_;
  std::uint64_t id_;
  Stream stream_;
  asio::steady_timer timer_;
  asio::steady_timer resume_timer_;
  std::deque<RawLine> held_;
  bool eof_ = false;
  StreamFramer framer_;
  std::string peer_;     // what lines record: certificate name, or address:port
  std::string remote_;   // address:port, for messages
  std::string address_;  // the address alone, for the per-address limit
  std::vector<char> buffer_;
  Clock::time_point last_;
  std::chrono::milliseconds window_{0};
  std::string rejected_fingerprint_;
  bool handshaking_ = kTls;
  bool authenticated_ = false;
  bool got_data_ = false;
  bool draining_ = false;
  bool closed_ = false;
};

}  // namespace

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
  const auto id = next_id++;
  if (tls) {
    auto s = std::make_shared<Session<ssl::stream<tcp::socket>>>(*this, id, peer, address,
                                                                 std::move(socket), *tls);
    sessions.emplace(id, s);
    s->begin();
  } else {
    auto s = std::make_shared<Session<tcp::socket>>(*this, id, peer, address, std::move(socket));
    sessions.emplace(id, s);
    s->begin();
  }
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

StreamReceiver::StreamReceiver(Options options, LineSink& sink)
    : impl_(std::make_unique<Impl>(std::move(options), sink)) {}

StreamReceiver::~StreamReceiver() {
  StreamReceiver::stop();  // this class's own: a subclass is already gone
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
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
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
