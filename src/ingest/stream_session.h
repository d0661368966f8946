// What the stream receivers' sessions share with their listener, and how a listener starts a
// session on an accepted socket. Internal to the ingest receivers: the listener
// (stream_receiver.cc) owns the accept loop and the slots, the session (stream_session.cc) the
// reading, framing and, for RELP, the answers.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ingest/raw_line.h"
#include "ingest/receiver_stats.h"
#include "ingest/stream_receiver.h"

namespace decnet::ingest {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string address_text(const tcp::endpoint& ep);
std::string endpoint_text(const tcp::endpoint& ep);

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close() = 0;
  // Reads what the socket already holds, hands it to the sink, then closes.
  virtual void drain_and_close() = 0;
  virtual bool authenticated() const = 0;
  virtual const std::string& address() const = 0;
  virtual Clock::time_point last_activity() const = 0;
  // RELP: these lines are stored; runs on the I/O thread.
  virtual void on_stored(const std::vector<std::uint64_t>& tags) { (void)tags; }
};

// Where the pipeline's "stored" reports for RELP lines go: it outlives the receiver (lines in
// the pipeline keep it), so it forgets the I/O context when the receiver goes away and reports
// arriving after that are dropped (the sender sends those lines again, the resend filter
// recognises them).
class StoredReports {
 public:
  explicit StoredReports(asio::io_context& io) : io_(&io) {}
  void detach() {
    std::lock_guard lock(mu_);
    io_ = nullptr;
  }
  template <typename Handler>
  void post(Handler&& handler) {
    std::lock_guard lock(mu_);
    if (io_) asio::post(*io_, std::forward<Handler>(handler));
  }

 private:
  std::mutex mu_;
  asio::io_context* io_;
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
  std::shared_ptr<StoredReports> reports = std::make_shared<StoredReports>(io);
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

// Starts a session on an accepted socket (TLS handshake first when the receiver has TLS). The
// session keeps itself alive through its pending operations and registers in ctx.sessions.
void start_session(Context& ctx, std::uint64_t id, std::string peer, std::string address,
                   tcp::socket socket);

}  // namespace decnet::ingest
