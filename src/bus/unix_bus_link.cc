// One io_context and one thread. Writes are made without blocking straight from a byte buffer
// the owner's queue is drained into (at most 256 KiB at a time), waiting for writability only
// when the socket is full, so the buffer and how much of it went out are always known: a
// dropped connection discards exactly the unsent rest, and at stop the remaining frames and
// BYE are appended to it and given 200 ms to go out. Every connection gets a new number, and
// a handler started for an older one does nothing. Publishing threads wake the I/O thread with
// a posted flush, at most one pending at a time.
#include "bus/unix_bus_link.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/un.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <limits>
#include <thread>
#include <vector>

#include "core/thread_annotations.h"

namespace decnet::bus {

namespace asio = boost::asio;
using Protocol = asio::local::stream_protocol;

namespace {

constexpr std::size_t kWriteBatchBytes = std::size_t{256} << 10;
constexpr std::size_t kReadChunk = std::size_t{64} << 10;
constexpr auto kByePatience = std::chrono::milliseconds(200);

bool would_block(const boost::system::error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

}  // namespace

struct UnixBusLink::Io {
  Io(Options o, Owner& w) : options(std::move(o)), owner(w), backoff(options.reconnect_initial) {}

  bool open(std::string* error);
  void begin();
  void connect_or_retry();
  void read();
  void on_read(std::uint64_t from, const boost::system::error_code& ec, std::size_t n);
  void flush();
  void wait_writable();
  void drop(const std::string& reason);
  void shut_down();
  void close_socket();

  const Options options;
  Owner& owner;
  asio::io_context io;
  std::atomic<bool> wake_pending{false};

  core::Mutex lifecycle;
  std::thread thread GUARDED_BY(lifecycle);

  // The I/O thread's (and the constructing thread's, before start()).
  Protocol::socket socket{io};
  asio::steady_timer retry{io};
  asio::steady_timer patience{io};
  std::uint64_t link = 0;
  FrameDecoder decoder;
  std::vector<char> read_buffer = std::vector<char>(kReadChunk);
  std::string wbuf;
  std::size_t woff = 0;
  std::chrono::milliseconds backoff;
  bool warned_unreachable = false;
  bool waiting_write = false;
  bool stopping = false;
};

bool UnixBusLink::Io::open(std::string* error) {
  const auto& path = options.socket_path.native();
  if (path.empty() || path.size() >= sizeof(sockaddr_un::sun_path)) {
    *error = "invalid socket path '" + path + "'";
    return false;
  }
  Protocol::socket fresh(io);
  boost::system::error_code ec;
  fresh.connect(Protocol::endpoint(path), ec);
  if (ec) {
    *error = ec.message();
    return false;
  }
  ::fcntl(fresh.native_handle(), F_SETFD, FD_CLOEXEC);
  fresh.non_blocking(true, ec);
  socket = std::move(fresh);
  ++link;
  decoder = FrameDecoder();
  wbuf.clear();
  woff = 0;
  waiting_write = false;
  owner.link_up();
  return true;
}

void UnixBusLink::Io::begin() {
  if (!socket.is_open()) return connect_or_retry();
  read();
  flush();
}

void UnixBusLink::Io::connect_or_retry() {
  if (stopping) return;
  std::string error;
  if (open(&error)) {
    backoff = options.reconnect_initial;
    warned_unreachable = false;
    read();
    flush();
    return;
  }
  owner.link_unreachable(error);
  if (!warned_unreachable) {
    spdlog::warn("bus: cannot reach the broker at {}: {}; retrying with backoff",
                 options.socket_path.native(), error);
    warned_unreachable = true;
  }
  retry.expires_after(backoff);
  retry.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) connect_or_retry();
  });
  backoff = std::min(backoff * 2, options.reconnect_max);
}

void UnixBusLink::Io::read() {
  socket.async_read_some(asio::buffer(read_buffer),
                         [this, from = link](const boost::system::error_code& ec, std::size_t n) {
                           on_read(from, ec, n);
                         });
}

void UnixBusLink::Io::on_read(std::uint64_t from, const boost::system::error_code& ec,
                              std::size_t n) {
  if (from != link || stopping) return;
  std::string_view data(read_buffer.data(), n);
  while (true) {
    data.remove_prefix(decoder.feed(data));
    if (decoder.failed()) return drop("protocol error from the broker: " + decoder.error());
    if (!decoder.has_frame()) break;
    Frame frame = decoder.take();
    if (frame.verb == Verb::kBye) return drop("broker said goodbye");
    owner.on_frame(frame);
  }
  if (ec == asio::error::eof) {
    const auto cut = decoder.finish();
    return drop(cut ? "broker closed the connection: " + *cut
                    : std::string("broker closed the connection"));
  }
  if (ec) return drop("read failed: " + ec.message());
  read();
}

void UnixBusLink::Io::flush() {
  if (!socket.is_open() || waiting_write) return;
  while (true) {
    if (!stopping && wbuf.size() - woff < kWriteBatchBytes) {
      owner.take_outbound(wbuf, woff + kWriteBatchBytes);
    }
    if (woff == wbuf.size()) {
      wbuf.clear();
      woff = 0;
      if (stopping) close_socket();
      return;
    }
    boost::system::error_code ec;
    const std::size_t n = socket.send(asio::buffer(wbuf.data() + woff, wbuf.size() - woff), 0, ec);
    if (would_block(ec)) return wait_writable();
    if (ec == asio::error::interrupted) continue;
    if (ec && stopping) return close_socket();
    if (ec) return drop("write failed: " + ec.message());
    woff += n;
  }
}

void UnixBusLink::Io::wait_writable() {
  waiting_write = true;
  socket.async_wait(Protocol::socket::wait_write,
                    [this, from = link](const boost::system::error_code& ec) {
                      if (from != link) return;
                      waiting_write = false;
                      if (!ec) flush();
                    });
}

void UnixBusLink::Io::drop(const std::string& reason) {
  owner.link_down(reason);
  close_socket();
  wbuf.clear();
  woff = 0;
  asio::post(io, [this] { connect_or_retry(); });
}

void UnixBusLink::Io::close_socket() {
  boost::system::error_code ignored;
  socket.close(ignored);
  patience.cancel();
  waiting_write = false;
  ++link;
}

void UnixBusLink::Io::shut_down() {
  stopping = true;
  retry.cancel();
  if (!socket.is_open()) return;
  // Best effort: what is queued, then BYE, with a little time for the kernel to take it.
  owner.take_outbound(wbuf, std::numeric_limits<std::size_t>::max());
  wbuf += encode_frame(Verb::kBye);
  patience.expires_after(kByePatience);
  patience.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) close_socket();
  });
  flush();
}

UnixBusLink::UnixBusLink(Options options, Owner& owner)
    : io_(std::make_unique<Io>(std::move(options), owner)) {}

UnixBusLink::~UnixBusLink() {
  stop();
}

bool UnixBusLink::connect(std::string* error) {
  return io_->open(error);
}

void UnixBusLink::start() {
  core::MutexLock lock(io_->lifecycle);
  if (io_->thread.joinable()) return;
  asio::post(io_->io, [io = io_.get()] { io->begin(); });
  io_->thread = std::thread([io = io_.get()] { io->io.run(); });
}

void UnixBusLink::wake() {
  if (io_->wake_pending.exchange(true, std::memory_order_acq_rel)) return;
  asio::post(io_->io, [io = io_.get()] {
    io->wake_pending.store(false, std::memory_order_release);
    io->flush();
  });
}

void UnixBusLink::stop() {
  core::MutexLock lock(io_->lifecycle);
  if (io_->thread.joinable()) {
    asio::post(io_->io, [io = io_.get()] { io->shut_down(); });
    io_->thread.join();
    return;
  }
  io_->close_socket();
}

}  // namespace decnet::bus
