// One attacker's connection to one service, as the service code sees it: lines and bytes in
// and out with every bound a decky facing the internet needs, and the emit call that stamps
// each line with the address, port and session id.
//
// Bounds: a read gives up at `max_line` bytes (the line is returned cut, flagged), a connection
// reads at most `max_bytes_in` in all, and every read and write must complete within the idle
// timeout (a slow reader cannot hold a socket by never reading), the whole connection within
// `max_lifetime`. A watchdog closes the socket when a deadline passes; the pending operation
// then fails and the service's coroutine ends. A service may look at what the peer sent first
// without taking it (peek), then turn the connection into TLS (start_tls): the same reads and
// writes then carry plaintext over it, under the same bounds.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "decky/emit/emitter.h"
#include "decky/net/coroutines.h"

namespace decnet::decky {

class TlsServerContext;

struct SessionLimits {
  std::size_t max_line = 8192;
  std::uint64_t max_bytes_in = 1 << 20;
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds max_lifetime{600};
};

struct ReadLine {
  std::string text;  // without the line ending
  bool cut = false;  // longer than max_line: the rest of it was skipped
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `ip_field` is the name the service's lines give the address ("src_ip", "src", ...).
  Session(boost::asio::ip::tcp::socket socket, Emitter& emitter, std::string service,
          std::string ip_field, SessionLimits limits);
  ~Session();

  // Starts the watchdog; call once, on a Session owned by a shared_ptr, before the first read.
  void arm();

  // The next line (LF or CRLF ended); nullopt when the peer closed, a bound was hit or the
  // connection failed.
  boost::asio::awaitable<std::optional<ReadLine>> read_line();
  // Up to `max` bytes, at least one; empty when the connection is over.
  boost::asio::awaitable<std::string> read_some(std::size_t max);
  // Exactly `n` bytes; nullopt when the connection ended first.
  boost::asio::awaitable<std::optional<std::string>> read_exact(std::size_t n);
  // False when the connection is over.
  boost::asio::awaitable<bool> write(std::string_view bytes);
  // The first `n` bytes the peer sent (fewer when it stopped sending first, empty when the
  // connection ended), left to be read. Only before anything was read.
  boost::asio::awaitable<std::string> peek(std::size_t n);
  // A TLS handshake as the server; false (and the connection closed) when it fails.
  boost::asio::awaitable<bool> start_tls(TlsServerContext& tls);
  void close();

  // Emits one line: the address field (first, unless `fields` places it) and src_port after
  // it, then `fields`, then sid.
  void emit(std::string_view event_type, Fields fields, Severity severity = Severity::kInfo,
            std::string msg = {});
  // Every write waits this long first (a tarpit: the attacker's tool waits on each answer); the
  // idle timeout counts from the end of the wait, the lifetime still bounds the whole.
  void set_write_delay(std::chrono::milliseconds delay) { write_delay_ = delay; }
  // The service name the lines carry (a service may emit under another, as smtp_relay does).
  void set_service(std::string service) { service_ = std::move(service); }

  const std::string& peer_ip() const { return peer_ip_; }
  std::uint16_t peer_port() const { return peer_port_; }
  const std::string& id() const { return id_; }
  std::uint64_t bytes_in() const { return bytes_in_; }
  bool open() const { return open_; }
  bool tls() const { return tls_ != nullptr; }

 private:
  void touch();
  void schedule_watchdog();
  boost::asio::awaitable<bool> fill();

  struct TlsLayer;

  boost::asio::ip::tcp::socket socket_;
  std::unique_ptr<TlsLayer> tls_;
  boost::asio::steady_timer watchdog_;
  Emitter& emitter_;
  std::string service_;
  std::string ip_field_;
  SessionLimits limits_;
  std::string peer_ip_;
  std::uint16_t peer_port_ = 0;
  std::string id_;
  std::string buffer_;  // received, not yet consumed
  std::uint64_t bytes_in_ = 0;
  std::chrono::steady_clock::time_point deadline_;
  std::chrono::steady_clock::time_point end_of_life_;
  bool open_ = true;
  std::chrono::milliseconds write_delay_{0};
};

// A random session id: 12 lowercase hex digits.
std::string new_session_id();

}  // namespace decnet::decky
