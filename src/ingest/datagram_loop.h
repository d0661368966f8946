// The receive loop shared by the UDP and UNIX datagram receivers: one socket, one I/O thread,
// one message per datagram (RFC 5426), a trailing LF (and CR) stripped, empty datagrams
// ignored. The buffer is one byte larger than the line limit, so a datagram that fills it is
// known to be longer and is delivered truncated. Internal: include only from receiver sources,
// it pulls in Asio.
//
// Asio only says when the socket is readable; the datagrams are then taken with recvmmsg(2),
// up to kBatch per system call, which is what lets one thread keep up with a flood. The kernel
// drops datagrams silently when the socket's receive buffer is full; SO_RXQ_OVFL makes it
// report its running count of such drops with every datagram, and that count is the
// receiver's `kernel_drops`, so a loss the process never saw is still visible on /metrics.
// stop() reads what the socket already holds before closing it.
#pragma once

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/text.h"
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

  static constexpr std::size_t kBatch = 32;

  DatagramLoop(std::string name, std::string source, std::size_t max_line_bytes, LineSink& sink,
               PeerFn peer_fn)
      : name_(std::move(name)),
        source_(std::move(source)),
        max_(max_line_bytes),
        sink_(sink),
        peer_fn_(peer_fn),
        buffers_(kBatch * (max_line_bytes + 1)) {}

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
    const int on = 1;
    if (::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on) != 0) {
      spdlog::warn("{}: the kernel will not report dropped datagrams (SO_RXQ_OVFL): {}", name_,
                   core::errno_text(errno));
    }
    boost::system::error_code ignored;
    socket_.non_blocking(true, ignored);
    work_.emplace(io_.get_executor());
    wait();
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

  // Reads what the socket holds, closes it and joins; the caller holds lifecycle().
  void stop() {
    if (!thread_.joinable()) {
      boost::system::error_code ignored;
      socket_.close(ignored);
      return;
    }
    boost::asio::post(io_, [this] {
      stopping_ = true;
      boost::system::error_code ignored;
      socket_.cancel(ignored);
      // What the buffer can hold at most (the kernel charges each datagram a few hundred bytes
      // of bookkeeping), so a sender still flooding cannot keep the stop going.
      int buffer = 0;
      socklen_t length = sizeof buffer;
      ::getsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVBUF, &buffer, &length);
      for (std::size_t left = static_cast<std::size_t>(buffer) / 256 + kBatch;
           left > 0 && socket_.is_open();) {
        const auto n = read_batch();
        if (n == 0) break;
        left -= std::min(left, n);
      }
      socket_.close(ignored);
    });
    work_.reset();
    thread_.join();
    io_.restart();
    stopping_ = false;
  }

 private:
  void wait() {
    socket_.async_wait(Socket::wait_read, [this](const boost::system::error_code& ec) {
      if (ec == boost::asio::error::operation_aborted || !socket_.is_open() || stopping_) return;
      // A few batches per wake, then back to the loop so stop() is never kept waiting.
      for (int i = 0; i < 8 && read_batch() == kBatch; ++i) {
      }
      wait();
    });
  }

  // One recvmmsg(2); returns how many datagrams it took.
  std::size_t read_batch() {
    const std::size_t size = max_ + 1;
    mmsghdr messages[kBatch];
    iovec vectors[kBatch];
    sockaddr_storage senders[kBatch];
    alignas(cmsghdr) char control[kBatch][CMSG_SPACE(sizeof(std::uint32_t))];
    for (std::size_t i = 0; i < kBatch; ++i) {
      vectors[i] = {buffers_.data() + i * size, size};
      messages[i] = {};
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
      messages[i].msg_hdr.msg_name = &senders[i];
      messages[i].msg_hdr.msg_namelen = sizeof senders[i];
      messages[i].msg_hdr.msg_control = control[i];
      messages[i].msg_hdr.msg_controllen = sizeof control[i];
    }
    const int n = ::recvmmsg(socket_.native_handle(), messages, kBatch, MSG_DONTWAIT, nullptr);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        log_.warn("{}: receive failed: {}", name_, core::errno_text(errno));
      }
      return 0;
    }
    for (int i = 0; i < n; ++i) {
      auto& header = messages[i].msg_hdr;
      note_kernel_drops(header);
      Endpoint sender;
      if (header.msg_namelen > 0 && header.msg_namelen <= sender.capacity()) {
        std::memcpy(sender.data(), &senders[i], header.msg_namelen);
        sender.resize(header.msg_namelen);
      }
      const bool cut = (header.msg_flags & MSG_TRUNC) != 0;
      on_datagram(buffers_.data() + static_cast<std::size_t>(i) * size, messages[i].msg_len, cut,
                  sender);
    }
    return static_cast<std::size_t>(n);
  }

  void note_kernel_drops(msghdr& header) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SO_RXQ_OVFL) continue;
      std::uint32_t total = 0;
      std::memcpy(&total, CMSG_DATA(c), sizeof total);
      // The kernel's count is cumulative for the socket (and wraps at 2^32).
      const std::uint32_t fresh = total - last_kernel_drops_;
      last_kernel_drops_ = total;
      if (fresh > 0) {
        bump(stats_.kernel_drops, fresh);
        log_.warn("{}: the kernel dropped {} datagrams: receive buffer full", name_, fresh);
      }
    }
  }

  void on_datagram(const char* data, std::size_t n, bool cut, const Endpoint& sender) {
    bool truncated = cut;
    if (n > max_) {
      n = max_;
      truncated = true;
    } else if (!truncated) {
      if (n > 0 && data[n - 1] == '\n') --n;
      if (n > 0 && data[n - 1] == '\r') --n;
    }
    if (n == 0) return;
    const auto peer = peer_fn_(sender, fallback_peer_);
    if (!stopping_) {
      deliver(sink_, stats_, log_, name_.c_str(), std::string(data, n), truncated, source_, peer);
      return;
    }
    // Stopping: the pipeline still accepts, it may only need a moment.
    auto line = frame_line(stats_, log_, name_.c_str(),
                           FramedLine{std::string(data, n), truncated, {}}, source_, peer);
    bump(stats_.drained_lines);
    const auto patience = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!sink_.submit(line)) {
      if (std::chrono::steady_clock::now() >= patience) {
        bump(stats_.lost_at_stop);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
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
  std::vector<char> buffers_;
  std::uint32_t last_kernel_drops_ = 0;
  bool stopping_ = false;  // touched on the I/O thread only
  std::string fallback_peer_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::mutex lifecycle_;
};

}  // namespace decnet::ingest::detail
