// One connection of a stream receiver. Sessions are shared_ptrs kept alive by their pending
// operations; the receiver keeps weak references only to close them on stop() and to find an
// idle one to evict. Inactivity is checked by one timer per session that re-arms itself from the
// time of the last read, so reads never touch the timer. Everything here runs on the receiver's
// I/O thread, except the stored reports of RELP lines, which arrive from the pipeline's thread
// and are posted onto it.
#include "ingest/stream_session.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <thread>

#include "core/hash.h"
#include "ingest/relp_conversation.h"
#include "ingest/stream_framer.h"

namespace decnet::ingest {

namespace {

constexpr std::size_t kReadBuffer = std::size_t{16} << 10;
// How often a sender held back by a full pipeline checks for room again.
constexpr std::chrono::milliseconds kResumePoll{1};
// At stop, how long the sink may refuse drained lines (or RELP lines may wait to be stored)
// before they are given up.
constexpr std::chrono::seconds kDrainPatience{10};

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
        buffer_(kReadBuffer) {
    if (rx_.options.relp) {
      relp_ = std::make_unique<RelpConversation>(rx_.options.max_line_bytes);
    }
  }

  void begin() {
    last_ = Clock::now();
    if (relp_) {
      receipts_ = std::make_shared<Receipts>(rx_.reports, this->shared_from_this());
      // Answers are small writes the sender waits for: Nagle would hold each one until the
      // sender's delayed ACK, some 40 ms per window of frames.
      boost::system::error_code ignored;
      lowest().set_option(tcp::no_delay(true), ignored);
    }
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
    if (relp_) {
      stop_relp();
      return;
    }
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

  void on_stored(const std::vector<std::uint64_t>& tags) override {
    if (closed_ || !relp_) return;
    for (const auto tag : tags) relp_->acknowledge(tag);
    answer();
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
    if (relp_) {
      on_relp_read(ec, n);
      return;
    }
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
    while (!held_.empty() && rx_.sink.submit(held_.front())) {
      if (relp_) awaiting_through_ = held_.front().delivery->tag;
      held_.pop_front();
    }
    if (relp_ && relp_->finished()) return;  // answered "close": closes once the answer is out
    if (!held_.empty() || (relp_ && relp_too_far_ahead())) {
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

  // --- RELP -------------------------------------------------------------------------------

  // Reports from the pipeline's thread, handed to the session on the I/O thread in bunches.
  class Receipts final : public DeliveryReceipts, public std::enable_shared_from_this<Receipts> {
   public:
    Receipts(std::shared_ptr<StoredReports> reports, std::weak_ptr<SessionBase> session)
        : reports_(std::move(reports)), session_(std::move(session)) {}
    void stored(std::uint64_t tag) override {
      {
        std::lock_guard lock(mu_);
        tags_.push_back(tag);
        if (posted_) return;
        posted_ = true;
      }
      reports_->post([self = this->shared_from_this()] { self->deliver(); });
    }

   private:
    void deliver() {
      std::vector<std::uint64_t> tags;
      {
        std::lock_guard lock(mu_);
        tags.swap(tags_);
        posted_ = false;
      }
      if (auto s = session_.lock()) s->on_stored(tags);
    }

    std::shared_ptr<StoredReports> reports_;
    std::weak_ptr<SessionBase> session_;
    std::mutex mu_;
    std::vector<std::uint64_t> tags_;
    bool posted_ = false;
  };

  // A sender that does not read its answers cannot make them pile up without bound.
  bool relp_too_far_ahead() const {
    return relp_->unanswered() > kMaxUnanswered || outbox_.size() > kMaxOutbox;
  }

  // A broken RELP connection is closed at once: whatever it sent that was not stored yet
  // (held lines included) is sent again by the sender after it reconnects.
  void on_relp_read(const boost::system::error_code& ec, std::size_t n) {
    if (n > 0) {
      last_ = Clock::now();
      if (!got_data_) {
        got_data_ = true;
        window_ = rx_.options.idle_timeout;
      }
      const bool ok = relp_->feed(
          {buffer_.data(), n}, [this](FramedLine framed, std::uint64_t tag, bool may_be_resent) {
            auto line = frame_line(rx_.stats, rx_.log, rx_.tag(), std::move(framed),
                                   rx_.options.source, peer_);
            line.delivery = Delivery{receipts_, tag, may_be_resent};
            if (held_.empty() && rx_.sink.submit(line)) {
              awaiting_through_ = tag;
              return;
            }
            if (held_.empty()) bump(rx_.stats.paused);
            held_.push_back(std::move(line));
          });
      if (!ok) {
        bump(rx_.stats.framing_errors);
        rx_.log.warn("{}: closing {}: {}", rx_.tag(), peer_, relp_->error());
        close();
        return;
      }
      answer();
    }
    if (ec) {
      close();
      return;
    }
    continue_or_wait();
  }

  // Writes the answers whose turn has come; one write at a time, the next batch queued behind.
  void answer() {
    relp_->take_responses(outbox_);
    if (stopping_relp_ && !closing_after_write_ &&
        (relp_->unanswered() == 0 || !awaiting_through_ ||
         relp_->oldest_unanswered() > *awaiting_through_)) {
      outbox_ += "0 serverclose 0\n";
      closing_after_write_ = true;
    }
    if (relp_->finished()) closing_after_write_ = true;
    write();
  }

  void write() {
    if (closed_ || !writing_.empty()) return;
    if (outbox_.empty()) {
      if (closing_after_write_) close();
      return;
    }
    writing_.swap(outbox_);
    asio::async_write(
        stream_, asio::buffer(writing_),
        [self = this->shared_from_this()](const boost::system::error_code& ec, std::size_t) {
          if (self->closed_) return;
          self->writing_.clear();
          if (ec) {
            self->close();
            return;
          }
          self->write();
        });
  }

  // At stop: read nothing more, wait (bounded) until every line handed to the pipeline is
  // stored and answered, then say goodbye with a serverclose hint. Held lines are dropped: they
  // were never answered, so the sender sends them again.
  void stop_relp() {
    stopping_relp_ = true;
    draining_ = true;
    held_.clear();
    boost::system::error_code ec;
    timer_.cancel();
    if (!handshaking_) lowest().cancel(ec);
    resume_timer_.expires_after(kDrainPatience);
    resume_timer_.async_wait([self = this->shared_from_this()](const boost::system::error_code& e) {
      if (!e && !self->closed_) {
        self->rx_.log.warn("{}: {} still had unanswered lines at stop", self->rx_.tag(),
                           self->peer_);
        self->close();
      }
    });
    if (handshaking_) {
      close();
      return;
    }
    answer();
  }

  static constexpr std::size_t kMaxUnanswered = 65536;
  static constexpr std::size_t kMaxOutbox = std::size_t{1} << 20;

  std::unique_ptr<RelpConversation> relp_;
  std::shared_ptr<Receipts> receipts_;
  std::optional<std::uint64_t> awaiting_through_;  // tag of the last line the sink took
  std::string outbox_;
  std::string writing_;
  bool stopping_relp_ = false;
  bool closing_after_write_ = false;

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

void start_session(Context& ctx, std::uint64_t id, std::string peer, std::string address,
                   tcp::socket socket) {
  if (ctx.tls) {
    auto s = std::make_shared<Session<ssl::stream<tcp::socket>>>(
        ctx, id, std::move(peer), std::move(address), std::move(socket), *ctx.tls);
    ctx.sessions.emplace(id, s);
    s->begin();
  } else {
    auto s = std::make_shared<Session<tcp::socket>>(ctx, id, std::move(peer), std::move(address),
                                                    std::move(socket));
    ctx.sessions.emplace(id, s);
    s->begin();
  }
}

}  // namespace decnet::ingest
