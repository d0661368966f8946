// A connection waits for readiness and then reads or writes without blocking, rather than
// keeping an asynchronous read and write in flight. Reads then go into the one buffer all
// connections share, and writes gather up to 64 queued frames into one sendmsg while the
// queue stays an ordinary deque: only the front frame can be half written, so the drop policy
// may discard any other frame at any time. Frames queued while a read is handled are written
// together by one posted flush, or at once when 256 pile up.
//
// A connection that must end is marked dead at once (it takes no more frames and reads no
// more) and closed by a posted handler, because the decision can be made while the router is
// walking its routes, which closing would change.
#include "bus/broker_connection.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <deque>
#include <string>

#include "bus/broker_session.h"

namespace decnet::bus {

namespace asio = boost::asio;
using Socket = asio::local::stream_protocol::socket;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kReadChunk = std::size_t{64} << 10;
constexpr std::size_t kEagerFlushFrames = 256;
constexpr std::size_t kMaxGather = 64;

bool would_block(const boost::system::error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

}  // namespace

class BrokerConnection final : public BrokerEndpoint,
                               public std::enable_shared_from_this<BrokerConnection> {
 public:
  BrokerConnection(BrokerConnections& owner, std::uint64_t id, Socket socket, pid_t pid, uid_t uid)
      : owner_(owner),
        id_(id),
        socket_(std::move(socket)),
        session_(owner.router_, *this, pid, uid) {
    gather_.reserve(kMaxGather);
  }

  void begin() {
    spdlog::debug("bus: {} connected", session_.peer());
    wait_readable();
  }

  bool send(FramePtr frame) override {
    if (dead_) return false;
    const std::size_t limit = owner_.queue_frames_;
    if (out_.size() >= limit && !out_.empty()) {
      // The front frame may be half written; dropping it would corrupt the stream.
      if (out_offset_ > 0 && out_.size() > 1) {
        out_.erase(out_.begin() + 1);
      } else if (out_offset_ == 0) {
        out_.pop_front();
      }
      count_drop();
    }
    out_.push_back(std::move(frame));
    if (waiting_write_) return true;  // the writability wait flushes
    if (out_.size() >= kEagerFlushFrames) {
      flush();
    } else {
      schedule_flush();
    }
    return true;
  }

  // Closes at once and logs nothing: the broker is stopping.
  void shut() {
    if (closed_) return;
    dead_ = true;
    release();
  }

 private:
  void count_drop() {
    ++dropped_;
    ++dropped_unlogged_;
    owner_.dropped_.fetch_add(1, std::memory_order_relaxed);
    const auto now = Clock::now();
    if (now - last_drop_log_ >= std::chrono::seconds(1)) {
      spdlog::warn("bus: outbound queue of {} is full ({} frames); dropped {} oldest ({} total)",
                   session_.peer(), owner_.queue_frames_, dropped_unlogged_, dropped_);
      last_drop_log_ = now;
      dropped_unlogged_ = 0;
    }
  }

  void wait_readable() {
    socket_.async_wait(Socket::wait_read,
                       [self = shared_from_this()](const boost::system::error_code& ec) {
                         if (self->dead_) return;
                         if (ec) return self->kill("read failed: " + ec.message(), false);
                         self->read();
                       });
  }

  // Reads until the socket is empty, or one buffer's worth and then lets others have a turn.
  void read() {
    auto& buffer = owner_.read_buffer_;
    std::size_t taken = 0;
    while (!dead_) {
      boost::system::error_code ec;
      const std::size_t n = socket_.receive(asio::buffer(buffer), 0, ec);
      if (would_block(ec)) return wait_readable();
      if (ec == asio::error::interrupted) continue;
      if (ec == asio::error::eof) {
        auto end = session_.on_end();
        return kill(std::move(end.reason), end.protocol_error);
      }
      if (ec) return kill("read failed: " + ec.message(), false);
      if (auto end = session_.on_bytes({buffer.data(), n})) {
        return kill(std::move(end->reason), end->protocol_error);
      }
      taken += n;
      if (taken >= buffer.size()) {
        asio::post(owner_.io_, [self = shared_from_this()] {
          if (!self->dead_) self->read();
        });
        return;
      }
    }
  }

  void schedule_flush() {
    if (flush_posted_) return;
    flush_posted_ = true;
    asio::post(owner_.io_, [self = shared_from_this()] {
      self->flush_posted_ = false;
      if (!self->dead_ && !self->waiting_write_) self->flush();
    });
  }

  void flush() {
    while (!out_.empty() && !dead_) {
      gather_.clear();
      std::size_t skip = out_offset_;
      for (auto it = out_.begin(); it != out_.end() && gather_.size() < kMaxGather; ++it) {
        gather_.emplace_back((*it)->data() + skip, (*it)->size() - skip);
        skip = 0;
      }
      boost::system::error_code ec;
      std::size_t left = socket_.send(gather_, 0, ec);
      if (would_block(ec)) return wait_writable();
      if (ec == asio::error::interrupted) continue;
      if (ec) return kill("write failed: " + ec.message(), false);
      while (left > 0 && !out_.empty()) {
        const std::size_t rest = out_.front()->size() - out_offset_;
        if (left < rest) {
          out_offset_ += left;
          break;
        }
        left -= rest;
        out_.pop_front();
        out_offset_ = 0;
      }
    }
  }

  void wait_writable() {
    waiting_write_ = true;
    socket_.async_wait(Socket::wait_write,
                       [self = shared_from_this()](const boost::system::error_code& ec) {
                         self->waiting_write_ = false;
                         if (self->dead_) return;
                         if (ec) return self->kill("write failed: " + ec.message(), false);
                         self->flush();
                       });
  }

  void kill(std::string reason, bool protocol_error) {
    if (dead_) return;
    dead_ = true;
    asio::post(owner_.io_, [self = shared_from_this(), reason = std::move(reason), protocol_error] {
      self->close(reason, protocol_error);
    });
  }

  void close(const std::string& reason, bool protocol_error) {
    if (closed_) return;
    if (protocol_error) {
      owner_.protocol_errors_.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("bus: closing connection from {}: {}", session_.peer(), reason);
    } else {
      spdlog::debug("bus: {} {}", session_.peer(), reason);
    }
    if (dropped_ > 0) {
      spdlog::warn("bus: {} lost {} events to a full queue", session_.peer(), dropped_);
    }
    release();
  }

  void release() {
    closed_ = true;
    owner_.router_.forget(*this);
    boost::system::error_code ignored;
    socket_.close(ignored);
    out_.clear();
    owner_.forget(id_);
  }

  BrokerConnections& owner_;
  const std::uint64_t id_;
  Socket socket_;
  BrokerSession session_;
  std::deque<FramePtr> out_;
  std::size_t out_offset_ = 0;  // bytes of out_.front() already written
  std::vector<asio::const_buffer> gather_;
  bool waiting_write_ = false;  // a writability wait is pending
  bool flush_posted_ = false;
  bool dead_ = false;  // takes no more frames, reads no more; closing is posted
  bool closed_ = false;
  std::uint64_t dropped_ = 0;
  std::uint64_t dropped_unlogged_ = 0;
  Clock::time_point last_drop_log_{};
};

BrokerConnections::BrokerConnections(asio::io_context& io, BrokerRouter& router,
                                     std::size_t queue_frames)
    : io_(io), router_(router), queue_frames_(queue_frames), read_buffer_(kReadChunk) {}

void BrokerConnections::open(Socket socket) {
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) cred = {};
  const auto id = next_id_++;
  auto conn = std::make_shared<BrokerConnection>(*this, id, std::move(socket), cred.pid, cred.uid);
  open_.emplace(id, conn);
  count_.store(open_.size(), std::memory_order_relaxed);
  conn->begin();
}

void BrokerConnections::forget(std::uint64_t id) {
  open_.erase(id);
  count_.store(open_.size(), std::memory_order_relaxed);
}

void BrokerConnections::close_all() {
  std::vector<std::shared_ptr<BrokerConnection>> all;
  all.reserve(open_.size());
  for (auto& [id, weak] : open_) {
    if (auto conn = weak.lock()) all.push_back(std::move(conn));
  }
  for (auto& conn : all) conn->shut();
  open_.clear();
  count_.store(0, std::memory_order_relaxed);
}

}  // namespace decnet::bus
