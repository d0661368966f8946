#include "bus/unix_bus.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <limits>

#include "bus/bus_error.h"
#include "bus/matcher.h"
#include "core/json_text.h"

namespace decnet::bus {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kWriteBatchBytes = 256 * 1024;
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr auto kDropWarningInterval = std::chrono::seconds(10);

std::string default_name() {
  return "decnet-bus-client[" + std::to_string(::getpid()) + "]";
}

}  // namespace

UnixSocketBus::UnixSocketBus(Options options)
    : options_(std::move(options)),
      name_(options_.client_name.empty() ? default_name() : options_.client_name),
      subscribers_(std::make_shared<SubscriberSet>()),
      alive_(std::make_shared<Alive>()) {
  alive_->bus = this;
  std::string error;
  const int fd = connect_socket(&error);
  if (fd < 0 && options_.require_broker) {
    throw BusError("cannot connect to the bus broker at " + options_.socket_path.native() + ": " +
                   error);
  }
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    if (fd >= 0) ::close(fd);
    throw BusError("cannot create the bus client wake-up descriptor");
  }
  if (fd < 0) {
    last_error_ = error;
  } else {
    on_connected(fd);  // before the thread starts, so a publish right after construction is sent
  }
  io_thread_ = std::thread([this, fd] { io_loop(fd); });
}

UnixSocketBus::~UnixSocketBus() {
  close();
}

int UnixSocketBus::connect_socket(std::string* error) const {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const auto& path = options_.socket_path.native();
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    *error = "invalid socket path '" + path + "'";
    return -1;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::strerror(errno);
    return -1;
  }
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    *error = std::strerror(errno);
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

void UnixSocketBus::wake() const {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void UnixSocketBus::push_locked(OutFrame frame) {
  const bool was_empty = outq_.empty();
  outq_.push_back(std::move(frame));
  if (was_empty) wake();
}

void UnixSocketBus::count_drop_locked(std::string_view why) {
  ++dropped_;
  const auto now = Clock::now();
  if (!warned_drop_) {
    warned_drop_ = true;
    last_drop_warning_ = now;
    spdlog::warn("bus: publish dropped ({}); further drops are counted in health()", why);
  } else if (now - last_drop_warning_ >= kDropWarningInterval) {
    last_drop_warning_ = now;
    spdlog::warn("bus: {} publishes dropped so far ({})", dropped_, why);
  } else {
    spdlog::debug("bus: publish dropped ({})", why);
  }
}

void UnixSocketBus::publish(std::string_view topic, nlohmann::json payload, std::string_view type) {
  // The broker reads only type and payload and mints id and ts itself.
  std::string body;
  std::optional<std::string> error;
  try {
    nlohmann::json envelope{
        {"type", type},
        {"payload", payload.is_object() ? std::move(payload) : nlohmann::json::object()}};
    body = core::json_text(envelope);
    error = topic.empty() ? std::optional<std::string>("empty topic")
                          : frame_error("PUB", topic, body.size());
  } catch (const std::exception& e) {
    error = e.what();
  }
  std::lock_guard lock(mu_);
  if (error) {
    count_drop_locked("invalid event on '" + std::string(topic.substr(0, 200)) + "': " + *error);
    return;
  }
  if (closing_) {
    count_drop_locked("publish on a closed bus");
    return;
  }
  if (!connected_) {
    count_drop_locked("not connected to the broker at " + options_.socket_path.native());
    return;
  }
  if (outq_.size() >= options_.outbound_frames) {
    count_drop_locked("outbound queue full");
    return;
  }
  push_locked(OutFrame{encode_frame(Verb::kPub, topic, body), true});
  ++published_;
}

Subscription UnixSocketBus::subscribe(std::string_view pattern, Handler handler,
                                      SubscribeOptions options) {
  {
    std::lock_guard lock(mu_);
    if (closing_) throw BusError("subscribe on a closed bus");
  }
  if (auto error = frame_error("SUB", pattern, 0)) throw BusError(*error);
  auto subscription = subscribers_->add(pattern, std::move(handler), std::move(options),
                                        [alive = alive_](const std::string& p) {
                                          std::lock_guard lock(alive->mu);
                                          if (alive->bus) alive->bus->unsubscribe_pattern(p);
                                        });
  std::unique_lock lock(mu_);
  const std::uint64_t generation = generation_;
  std::uint64_t seq = std::numeric_limits<std::uint64_t>::max();
  if (connected_) {
    push_locked(OutFrame{encode_frame(Verb::kSub, pattern), false});
    seq = ++sent_;
  }
  const auto deadline = Clock::now() + options_.ack_timeout;
  const bool acked = acked_cv_.wait_until(lock, deadline, [&] {
    if (closing_) return true;
    if (!connected_) return false;
    return generation_ == generation ? acked_ >= seq : acked_ >= resync_;
  });
  if (closing_) {
    lock.unlock();
    subscription.unsubscribe();
    throw BusError("bus closed while subscribing to " + std::string(pattern));
  }
  if (!acked) {
    const std::string detail = connected_ ? "connected, no acknowledgement" : last_error_;
    lock.unlock();
    subscription.unsubscribe();
    throw BusError("the bus broker at " + options_.socket_path.native() +
                   " did not acknowledge SUB " + std::string(pattern) + " within " +
                   std::to_string(options_.ack_timeout.count()) + " ms (" + detail + ")");
  }
  return subscription;
}

void UnixSocketBus::unsubscribe_pattern(const std::string& pattern) {
  std::lock_guard lock(mu_);
  if (closing_ || !connected_ || subscribers_->has_pattern(pattern)) return;
  push_locked(OutFrame{encode_frame(Verb::kUnsub, pattern), false});
  ++sent_;
}

BusHealth UnixSocketBus::health() const {
  BusHealth h;
  h.transport = "unix";
  h.subscribers = subscribers_->stats();
  std::lock_guard lock(mu_);
  h.connected = connected_ && !closing_ && acked_ >= resync_;
  h.published = published_;
  const auto& path = options_.socket_path.native();
  if (closing_) {
    h.detail = "closed";
  } else if (connected_) {
    h.detail = "connected to " + path;
    if (connects_ > 1) h.detail += " (reconnected " + std::to_string(connects_ - 1) + " times)";
  } else {
    h.detail = "disconnected from " + path + ": " + last_error_ + "; reconnecting";
  }
  if (dropped_ > 0) h.detail += "; " + std::to_string(dropped_) + " publishes dropped";
  return h;
}

std::uint64_t UnixSocketBus::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

std::uint64_t UnixSocketBus::connects() const {
  std::lock_guard lock(mu_);
  return connects_;
}

void UnixSocketBus::close() {
  {
    std::lock_guard lock(mu_);
    if (closing_) return;
    closing_ = true;
  }
  {
    // A Subscription may outlive the bus; from now on cancelling it does not call back here.
    std::lock_guard lock(alive_->mu);
    alive_->bus = nullptr;
  }
  acked_cv_.notify_all();
  wake();
  if (io_thread_.joinable()) io_thread_.join();
  subscribers_->clear();
  ::close(wake_fd_);
}

void UnixSocketBus::on_connected(int fd) {
  (void)fd;
  decoder_ = FrameDecoder();
  wbuf_.clear();
  woff_ = 0;
  {
    std::lock_guard lock(mu_);
    ++generation_;
    ++connects_;
    sent_ = 0;
    acked_ = 0;
    outq_.clear();
    push_locked(OutFrame{encode_frame(Verb::kHello, name_, R"({"features":["ack"]})"), false});
    ++sent_;
    for (const auto& pattern : subscribers_->patterns()) {
      push_locked(OutFrame{encode_frame(Verb::kSub, pattern), false});
      ++sent_;
    }
    resync_ = sent_;
    connected_ = true;
    last_error_.clear();
    if (connects_ > 1) {
      spdlog::info("bus: reconnected to the broker at {} ({} subscriptions restored)",
                   options_.socket_path.native(), sent_ - 1);
    }
  }
  acked_cv_.notify_all();
}

void UnixSocketBus::on_disconnected(const std::string& reason) {
  std::uint64_t lost = 0;
  {
    std::lock_guard lock(mu_);
    if (!closing_) {
      spdlog::warn("bus: lost the broker at {}: {}; reconnecting", options_.socket_path.native(),
                   reason);
    }
    for (const auto& frame : outq_) lost += frame.publish ? 1 : 0;
    dropped_ += lost;
    outq_.clear();
    connected_ = false;
    last_error_ = reason;
  }
  wbuf_.clear();
  woff_ = 0;
  acked_cv_.notify_all();
}

void UnixSocketBus::handle_frame(Frame& frame) {
  switch (frame.verb) {
    case Verb::kEvt: {
      if (frame.args.empty()) return;
      std::string error;
      auto body = decode_body(frame.body, &error);
      if (!body) {
        spdlog::warn("bus: dropping EVT {} from the broker: {}", frame.args, error);
        return;
      }
      subscribers_->deliver(event_from_json(frame.args, *body));
      return;
    }
    case Verb::kOk: {
      {
        std::lock_guard lock(mu_);
        ++acked_;
      }
      acked_cv_.notify_all();
      return;
    }
    default:
      spdlog::debug("bus: ignoring {} from the broker", verb_name(frame.verb));
      return;
  }
}

bool UnixSocketBus::service(int fd) {
  {
    std::lock_guard lock(mu_);
    while (!outq_.empty() && wbuf_.size() - woff_ < kWriteBatchBytes) {
      wbuf_.append(outq_.front().bytes);
      outq_.pop_front();
    }
  }
  while (woff_ < wbuf_.size()) {
    const ssize_t n =
        ::send(fd, wbuf_.data() + woff_, wbuf_.size() - woff_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      on_disconnected(std::string("write failed: ") + std::strerror(errno));
      return false;
    }
    woff_ += static_cast<std::size_t>(n);
  }
  if (woff_ == wbuf_.size()) {
    wbuf_.clear();
    woff_ = 0;
  }

  char buffer[kReadChunk];
  for (int round = 0; round < 16; ++round) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      on_disconnected(std::string("read failed: ") + std::strerror(errno));
      return false;
    }
    if (n == 0) {
      const auto cut = decoder_.finish();
      on_disconnected(cut ? "broker closed the connection: " + *cut
                          : std::string("broker closed the connection"));
      return false;
    }
    std::string_view data(buffer, static_cast<std::size_t>(n));
    while (true) {
      data.remove_prefix(decoder_.feed(data));
      if (decoder_.failed()) {
        on_disconnected("protocol error from the broker: " + decoder_.error());
        return false;
      }
      if (!decoder_.has_frame()) break;
      Frame frame = decoder_.take();
      if (frame.verb == Verb::kBye) {
        on_disconnected("broker said goodbye");
        return false;
      }
      handle_frame(frame);
    }
  }
  return true;
}

void UnixSocketBus::io_loop(int fd) {
  auto backoff = options_.reconnect_initial;
  bool warned_unreachable = false;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (closing_) break;
    }
    if (fd < 0) {
      std::string error;
      fd = connect_socket(&error);
      if (fd >= 0) {
        on_connected(fd);
        backoff = options_.reconnect_initial;
        warned_unreachable = false;
        continue;
      }
      {
        std::lock_guard lock(mu_);
        last_error_ = error;
      }
      if (!warned_unreachable) {
        spdlog::warn("bus: cannot reach the broker at {}: {}; retrying with backoff",
                     options_.socket_path.native(), error);
        warned_unreachable = true;
      }
      pollfd wait{wake_fd_, POLLIN, 0};
      ::poll(&wait, 1, static_cast<int>(backoff.count()));
      std::uint64_t value;
      while (::read(wake_fd_, &value, sizeof value) > 0) {
      }
      backoff = std::min(backoff * 2, options_.reconnect_max);
      continue;
    }
    bool want_write;
    {
      std::lock_guard lock(mu_);
      want_write = !outq_.empty() || woff_ < wbuf_.size();
    }
    pollfd fds[2] = {{fd, static_cast<short>(POLLIN | (want_write ? POLLOUT : 0)), 0},
                     {wake_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) {
      on_disconnected(std::string("poll failed: ") + std::strerror(errno));
      ::close(fd);
      fd = -1;
      continue;
    }
    if (fds[1].revents & POLLIN) {
      std::uint64_t value;
      while (::read(wake_fd_, &value, sizeof value) > 0) {
      }
    }
    if (!service(fd)) {
      ::close(fd);
      fd = -1;
    }
  }
  if (fd >= 0) {
    // Best effort: flush what is queued, say goodbye, and give the kernel a moment.
    {
      std::lock_guard lock(mu_);
      for (auto& frame : outq_) wbuf_.append(frame.bytes);
      outq_.clear();
    }
    wbuf_.append(encode_frame(Verb::kBye));
    const auto deadline = Clock::now() + std::chrono::milliseconds(200);
    while (woff_ < wbuf_.size() && Clock::now() < deadline) {
      const ssize_t n =
          ::send(fd, wbuf_.data() + woff_, wbuf_.size() - woff_, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        woff_ += static_cast<std::size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd out{fd, POLLOUT, 0};
        ::poll(&out, 1, 20);
      } else if (n < 0 && errno != EINTR) {
        break;
      }
    }
    ::close(fd);
  }
  std::lock_guard lock(mu_);
  connected_ = false;
}

}  // namespace decnet::bus
