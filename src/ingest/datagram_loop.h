// The receive loop shared by the UDP and UNIX datagram receivers: one socket, one I/O thread,
// one message per datagram (RFC 5426), a trailing LF (and CR) stripped, empty datagrams
// ignored. The buffer is one byte larger than the line limit, so a datagram that fills it is
// known to be longer and is delivered truncated. Internal: include only from receiver sources,
// it pulls in Asio.
#pragma once

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ingest/raw_line.h"
#include "ingest/receiver_stats.h"

namespace decnet::ingest::detail {

template <typename Protocol>
class DatagramLoop {
 public:
  using Socket = typename Protocol::socket;
  using Endpoint = typename Protocol::endpoint;
  // Names the sender of a datagram for RawLine::peer.
  using PeerFn = std::string (*)(const Endpoint& sender, const std::string& fallback);

  DatagramLoop(std::string name, std::string source, std::size_t max_line_bytes, LineSink& sink,
               PeerFn peer_fn)
      : name_(std::move(name)),
        source_(std::move(source)),
        max_(max_line_bytes),
        sink_(sink),
        peer_fn_(peer_fn),
        buffer_(max_line_bytes + 1) {}

  ~DatagramLoop() { stop(); }

  boost::asio::io_context& io() { return io_; }
  Socket& socket() { return socket_; }
  std::mutex& lifecycle() { return lifecycle_; }
  bool running() const { return thread_.joinable(); }
  const ReceiverStats& stats() const { return stats_; }
  const std::string& name() const { return name_; }

  // The socket is open and bound; `fallback_peer` names senders without an address.
  void run(std::string fallback_peer) {
    fallback_peer_ = std::move(fallback_peer);
    work_.emplace(io_.get_executor());
    receive();
    thread_ = std::thread([this] {
      while (true) {
        try {
          io_.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("{}: unexpected error in the I/O loop: {}", name_, e.what());
        }
      }
    });
  }

  // Closes the socket and joins; the caller holds lifecycle().
  void stop() {
    if (!thread_.joinable()) {
      boost::system::error_code ignored;
      socket_.close(ignored);
      return;
    }
    boost::asio::post(io_, [this] {
      boost::system::error_code ignored;
      socket_.close(ignored);
    });
    work_.reset();
    thread_.join();
    io_.restart();
  }

 private:
  void receive() {
    socket_.async_receive_from(
        boost::asio::buffer(buffer_), sender_,
        [this](const boost::system::error_code& ec, std::size_t n) {
          if (ec == boost::asio::error::operation_aborted || !socket_.is_open()) return;
          if (ec) {
            log_.warn("{}: receive failed: {}", name_, ec.message());
          } else {
            on_datagram(n);
          }
          receive();
        });
  }

  void on_datagram(std::size_t n) {
    bool truncated = false;
    if (n > max_) {
      n = max_;
      truncated = true;
    } else {
      if (n > 0 && buffer_[n - 1] == '\n') --n;
      if (n > 0 && buffer_[n - 1] == '\r') --n;
    }
    if (n == 0) return;
    deliver(sink_, stats_, log_, name_.c_str(), std::string(buffer_.data(), n), truncated, source_,
            peer_fn_(sender_, fallback_peer_));
  }

  std::string name_;
  std::string source_;
  std::size_t max_;
  LineSink& sink_;
  PeerFn peer_fn_;
  ReceiverStats stats_;
  LogLimiter log_;
  boost::asio::io_context io_;
  Socket socket_{io_};
  Endpoint sender_;
  std::vector<char> buffer_;
  std::string fallback_peer_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::mutex lifecycle_;
};

}  // namespace decnet::ingest::detail
