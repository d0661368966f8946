#include "decky/net/session.h"

#include <openssl/rand.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include "decky/net/coroutines.h"
#include "decky/net/tls_server.h"

namespace decnet::decky {

namespace asio = boost::asio;
using asio::awaitable;

struct Session::TlsLayer {
  asio::ssl::stream<asio::ip::tcp::socket&> stream;
};

std::string new_session_id() {
  unsigned char bytes[6];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw std::runtime_error("no randomness for a session id");
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (const auto b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

Session::Session(asio::ip::tcp::socket socket, Emitter& emitter, std::string service,
                 std::string ip_field, SessionLimits limits)
    : socket_(std::move(socket)),
      watchdog_(socket_.get_executor()),
      emitter_(emitter),
      service_(std::move(service)),
      ip_field_(std::move(ip_field)),
      limits_(limits),
      id_(new_session_id()) {
  boost::system::error_code ec;
  const auto peer = socket_.remote_endpoint(ec);
  if (!ec) {
    auto address = peer.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
      address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    peer_ip_ = address.to_string();
    peer_port_ = peer.port();
  }
  const auto now = std::chrono::steady_clock::now();
  deadline_ = now + limits_.idle_timeout;
  end_of_life_ = now + limits_.max_lifetime;
}

Session::~Session() {
  close();
}

void Session::arm() {
  schedule_watchdog();
}

void Session::schedule_watchdog() {
  watchdog_.expires_at(std::min(deadline_, end_of_life_));
  watchdog_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    const auto self = weak.lock();
    if (!self || !self->open_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now >= self->deadline_ || now >= self->end_of_life_) {
      self->close();
      return;
    }
    self->schedule_watchdog();
  });
}

void Session::touch() {
  deadline_ = std::chrono::steady_clock::now() + limits_.idle_timeout;
}

void Session::close() {
  if (!open_) return;
  open_ = false;
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  watchdog_.cancel();
}

awaitable<bool> Session::fill() {
  if (!open_ || bytes_in_ >= limits_.max_bytes_in) co_return false;
  char chunk[4096];
  const auto room = std::min<std::uint64_t>(sizeof chunk, limits_.max_bytes_in - bytes_in_);
  boost::system::error_code ec;
  touch();
  std::size_t n = 0;
  if (tls_) {
    n = co_await tls_->stream.async_read_some(asio::buffer(chunk, room),
                                              asio::redirect_error(asio::use_awaitable, ec));
  } else {
    n = co_await socket_.async_read_some(asio::buffer(chunk, room),
                                         asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec || n == 0) {
    close();
    co_return false;
  }
  bytes_in_ += n;
  buffer_.append(chunk, n);
  co_return true;
}

awaitable<std::optional<ReadLine>> Session::read_line() {
  ReadLine line;
  while (true) {
    const auto newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      if (!line.cut) line.text = buffer_.substr(0, std::min(newline, limits_.max_line));
      line.cut = line.cut || newline > limits_.max_line;
      buffer_.erase(0, newline + 1);
      if (!line.text.empty() && line.text.back() == '\r') line.text.pop_back();
      co_return line;
    }
    if (buffer_.size() > limits_.max_line) {
      // Keep the head of an overlong line and skip the rest of it up to its end.
      if (!line.cut) line.text = buffer_.substr(0, limits_.max_line);
      line.cut = true;
      buffer_.clear();
    }
    if (!co_await fill()) co_return std::nullopt;
  }
}

awaitable<std::string> Session::read_some(std::size_t max) {
  if (buffer_.empty() && !co_await fill()) co_return std::string{};
  const auto n = std::min(max, buffer_.size());
  std::string out = buffer_.substr(0, n);
  buffer_.erase(0, n);
  co_return out;
}

awaitable<std::optional<std::string>> Session::read_exact(std::size_t n) {
  while (buffer_.size() < n) {
    if (!co_await fill()) co_return std::nullopt;
  }
  std::string out = buffer_.substr(0, n);
  buffer_.erase(0, n);
  co_return out;
}

awaitable<bool> Session::write(std::string_view bytes) {
  if (!open_) co_return false;
  boost::system::error_code ec;
  if (write_delay_.count() > 0) {
    deadline_ = std::chrono::steady_clock::now() + write_delay_ + limits_.idle_timeout;
    asio::steady_timer wait(socket_.get_executor());
    wait.expires_after(write_delay_);
    co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!open_) co_return false;
  }
  touch();
  if (tls_) {
    co_await asio::async_write(tls_->stream, asio::buffer(bytes.data(), bytes.size()),
                               asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                               asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec) {
    close();
    co_return false;
  }
  co_return true;
}

awaitable<std::string> Session::peek(std::size_t n) {
  std::string out(n, '\0');
  asio::steady_timer pause(socket_.get_executor());
  auto wait = std::chrono::milliseconds(5);
  touch();
  while (open_) {
    boost::system::error_code ec;
    co_await socket_.async_wait(asio::ip::tcp::socket::wait_read,
                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    const auto got = ::recv(socket_.native_handle(), out.data(), n, MSG_PEEK | MSG_DONTWAIT);
    if (got <= 0) break;
    if (static_cast<std::size_t>(got) == n) co_return out;
    // Part of it is there: the rest may be in flight. The watchdog bounds the wait as it bounds
    // any read; a peer that stops sending gets what it sent.
    const auto before = got;
    pause.expires_after(wait);
    co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    wait = std::min(wait * 2, std::chrono::milliseconds(200));
    const auto again = ::recv(socket_.native_handle(), out.data(), n, MSG_PEEK | MSG_DONTWAIT);
    if (again == before && wait >= std::chrono::milliseconds(200)) {
      out.resize(static_cast<std::size_t>(again));
      co_return out;
    }
  }
  close();
  co_return std::string{};
}

awaitable<bool> Session::start_tls(TlsServerContext& tls) {
  if (!open_ || tls_) co_return false;
  tls_ = std::make_unique<TlsLayer>(TlsLayer{{socket_, tls.context()}});
  boost::system::error_code ec;
  touch();
  co_await tls_->stream.async_handshake(asio::ssl::stream_base::server,
                                        asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    close();
    co_return false;
  }
  co_return true;
}

void Session::emit(std::string_view event_type, Fields fields, Severity severity, std::string msg) {
  auto all = stamp_peer(std::move(fields), ip_field_, peer_ip_, peer_port_);
  all.emplace_back("sid", id_);
  emitter_.emit(service_, event_type, std::move(all), severity, std::move(msg));
}

}  // namespace decnet::decky
