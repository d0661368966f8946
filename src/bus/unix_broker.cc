#include "bus/unix_broker.h"

#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>

#include "bus/bus_error.h"
#include "bus/matcher.h"
#include "core/json_text.h"
#include "core/time.h"
#include "core/uuid.h"

namespace decnet::bus {
namespace {

std::size_t skip_ws(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  return i;
}

// End of the JSON value starting at `i` in already validated text.
std::size_t skip_value(std::string_view s, std::size_t i) {
  int depth = 0;
  bool in_string = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (depth == 0) return i + 1;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return i;  // end of the enclosing object: a scalar ended here
      if (--depth == 0) return i + 1;
    } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
      return i;
    }
  }
  return i;
}

// Finds the top-level "type" (a string) and "payload" (an object) of a validated JSON text;
// false when the text is not an object. Later duplicates win, as in a parsed document.
bool top_level_fields(std::string_view s, std::string_view* type, std::string_view* payload) {
  std::size_t i = skip_ws(s, 0);
  if (i >= s.size() || s[i] != '{') return false;
  i = skip_ws(s, i + 1);
  while (i < s.size() && s[i] != '}') {
    const std::size_t key_end = skip_value(s, i);
    const auto key = s.substr(i, key_end - i);
    i = skip_ws(s, key_end) + 1;  // past ':'
    i = skip_ws(s, i);
    const std::size_t value_end = skip_value(s, i);
    const auto value = s.substr(i, value_end - i);
    if (key == R"("type")" && !value.empty() && value.front() == '"') *type = value;
    if (key == R"("payload")" && !value.empty() && value.front() == '{') *payload = value;
    i = skip_ws(s, value_end);
    if (i < s.size() && s[i] == ',') i = skip_ws(s, i + 1);
  }
  return true;
}

using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kEagerFlushFrames = 256;
constexpr int kMaxIov = 64;

std::string errno_text(int err) {
  return std::strerror(err);
}

sockaddr_un unix_address(const std::filesystem::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const auto& text = path.native();
  if (text.size() >= sizeof(addr.sun_path)) {
    throw BusError("bus socket path '" + text + "' is too long (max " +
                   std::to_string(sizeof(addr.sun_path) - 1) + " bytes)");
  }
  std::memcpy(addr.sun_path, text.c_str(), text.size() + 1);
  return addr;
}

// True when something accepts connections on the socket at `path`.
bool socket_is_live(const std::filesystem::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const auto addr = unix_address(path);
  const bool live = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return live;
}

void apply_group(const std::filesystem::path& path, const std::string& group) {
  if (group.empty()) return;
  std::vector<char> buffer(16384);
  struct group g {};
  struct group* found = nullptr;
  if (::getgrnam_r(group.c_str(), &g, buffer.data(), buffer.size(), &found) != 0 || !found) {
    spdlog::info("bus: group '{}' not found; socket {} keeps its group", group, path.native());
    return;
  }
  if (::chown(path.c_str(), static_cast<uid_t>(-1), found->gr_gid) != 0) {
    spdlog::info("bus: cannot give socket {} to group '{}': {}", path.native(), group,
                 errno_text(errno));
  }
}

}  // namespace

struct UnixBroker::Connection {
  int fd = -1;
  pid_t pid = 0;
  uid_t uid = 0;
  std::string name = "<unknown>";
  FrameDecoder decoder;
  std::vector<Pattern> patterns;
  bool ack = false;
  std::deque<FramePtr> out;
  std::size_t out_offset = 0;  // bytes of out.front() already written
  bool want_write = false;     // EPOLLOUT is registered
  bool dirty = false;          // in dirty_, waiting for a flush
  bool dead = false;
  std::string dead_reason;
  bool dead_protocol_error = false;
  std::uint64_t dropped = 0;
  std::uint64_t dropped_unlogged = 0;
  Clock::time_point last_drop_log{};

  std::string peer() const {
    return "client '" + name + "' (pid " + std::to_string(pid) + ", uid " + std::to_string(uid) +
           ")";
  }

  bool subscribed(std::string_view topic) const {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const Pattern& p) { return p.matches(topic); });
  }
};

UnixBroker::UnixBroker(Options options) : options_(std::move(options)) {}

UnixBroker::~UnixBroker() {
  stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void UnixBroker::start() {
  if (listen_fd_ >= 0) throw BusError("bus broker already started");
  const auto& path = options_.socket_path;
  if (path.empty()) throw BusError("bus socket path is empty");
  const auto addr = unix_address(path);
  auto parent = path.parent_path();
  if (parent.empty()) parent = ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(parent, ec)) {
    throw BusError("cannot create bus socket " + path.native() + ": directory " + parent.native() +
                   " does not exist");
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      throw BusError("cannot create bus socket " + path.native() +
                     ": the path exists and is not a socket (refusing to remove it)");
    }
    if (socket_is_live(path)) {
      throw BusError("cannot create bus socket " + path.native() +
                     ": another broker is already listening on it");
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      throw BusError("cannot remove stale bus socket " + path.native() + ": " + errno_text(errno));
    }
    spdlog::info("bus: removed stale socket {}", path.native());
  }

  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw BusError("cannot create bus socket: " + errno_text(errno));
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    ::close(fd);
    throw BusError("cannot bind bus socket " + path.native() + ": " + errno_text(err));
  }
  // Permissions are fixed before listen(), so no client can connect through a wider mode.
  if (::chmod(path.c_str(), 0660) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(path.c_str());
    throw BusError("cannot chmod bus socket " + path.native() + ": " + errno_text(err));
  }
  apply_group(path, options_.group);
  if (::stat(path.c_str(), &st) == 0) {
    socket_dev_ = st.st_dev;
    socket_ino_ = st.st_ino;
  }
  if (::listen(fd, 512) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(path.c_str());
    throw BusError("cannot listen on bus socket " + path.native() + ": " + errno_text(err));
  }
  listen_fd_ = fd;

  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0 || timer_fd_ < 0) {
    const int err = errno;
    cleanup();
    throw BusError("cannot set up the bus event loop: " + errno_text(err));
  }
  for (const int watched : {listen_fd_, wake_fd_, timer_fd_}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = watched;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, watched, &ev);
  }
  auto interval = std::max(options_.heartbeat_interval, std::chrono::milliseconds(1));
  itimerspec spec{};
  spec.it_interval.tv_sec = interval.count() / 1000;
  spec.it_interval.tv_nsec = (interval.count() % 1000) * 1000000;
  spec.it_value = spec.it_interval;
  ::timerfd_settime(timer_fd_, 0, &spec, nullptr);
  started_at_ = Clock::now();
  spdlog::info("bus: broker listening on {} (mode 0660, heartbeat {} ms)", path.native(),
               interval.count());
}

void UnixBroker::run() {
  {
    std::lock_guard lock(mu_);
    if (stop_requested_.load() || cleaned_) return;
    if (listen_fd_ < 0) throw BusError("bus broker run() before start()");
    running_ = true;
  }
  struct Running {
    UnixBroker* self;
    ~Running() {
      {
        std::lock_guard lock(self->mu_);
        self->running_ = false;
      }
      self->stopped_.notify_all();
    }
  } running{this};

  heartbeat();
  flush_dirty();
  epoll_event events[64];
  while (!stop_requested_.load()) {
    int timeout = -1;
    if (accept_paused_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(accept_paused_until_ -
                                                                              Clock::now());
      timeout = static_cast<int>(std::max<std::int64_t>(left.count(), 0));
    }
    const int n = ::epoll_wait(epoll_fd_, events, 64, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw BusError("bus event loop failed: " + errno_text(errno));
    }
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      const auto what = events[i].events;
      if (fd == wake_fd_) {
        std::uint64_t value;
        while (::read(wake_fd_, &value, sizeof value) > 0) {
        }
      } else if (fd == timer_fd_) {
        std::uint64_t expirations;
        while (::read(timer_fd_, &expirations, sizeof expirations) > 0) {
        }
        heartbeat();
      } else if (fd == listen_fd_) {
        accept_clients();
      } else {
        auto it = connections_.find(fd);
        if (it == connections_.end() || it->second->dead) continue;
        Connection& conn = *it->second;
        if (what & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_from(conn);
        if (!conn.dead && (what & EPOLLOUT)) flush(conn);
      }
    }
    flush_dirty();
    reap();
    if (accept_paused_ && Clock::now() >= accept_paused_until_) {
      accept_paused_ = false;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = listen_fd_;
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &ev);
    }
  }
}

void UnixBroker::stop() {
  stop_requested_.store(true);
  if (wake_fd_ >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  }
  std::unique_lock lock(mu_);
  stopped_.wait(lock, [&] { return !running_; });
  if (cleaned_) return;
  cleaned_ = true;
  lock.unlock();
  cleanup();
}

void UnixBroker::cleanup() {
  for (auto& [fd, conn] : connections_) ::close(fd);
  connections_.clear();
  dirty_.clear();
  connection_count_.store(0);
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    // Unlink only our own socket: a new broker may already have replaced it.
    struct stat st {};
    if (::stat(options_.socket_path.c_str(), &st) == 0 && st.st_dev == socket_dev_ &&
        st.st_ino == socket_ino_) {
      ::unlink(options_.socket_path.c_str());
    }
    spdlog::info("bus: broker stopped");
  }
  for (int* fd : {&epoll_fd_, &timer_fd_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
  // wake_fd_ stays open so a late stop() from another thread never writes to a reused fd.
}

UnixBroker::Stats UnixBroker::stats() const {
  Stats s;
  s.connections = connection_count_.load();
  s.published = published_.load();
  s.delivered = delivered_.load();
  s.dropped = dropped_.load();
  s.protocol_errors = protocol_errors_.load();
  return s;
}

void UnixBroker::accept_clients() {
  while (true) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        spdlog::warn("bus: cannot accept clients ({}); pausing for 100 ms", errno_text(errno));
        accept_paused_ = true;
        accept_paused_until_ = Clock::now() + std::chrono::milliseconds(100);
        epoll_event ev{};
        ev.data.fd = listen_fd_;
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &ev);
        return;
      }
      spdlog::warn("bus: accept failed: {}", errno_text(errno));
      return;
    }
    if (connections_.size() >= options_.max_connections) {
      spdlog::warn("bus: refusing a client: {} connections already open", options_.max_connections);
      ::close(fd);
      continue;
    }
    auto conn = std::make_unique<Connection>();
    conn->fd = fd;
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
      conn->pid = cred.pid;
      conn->uid = cred.uid;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      spdlog::warn("bus: cannot watch a new client: {}", errno_text(errno));
      ::close(fd);
      continue;
    }
    spdlog::debug("bus: {} connected", conn->peer());
    connections_.emplace(fd, std::move(conn));
    connection_count_.store(connections_.size());
  }
}

void UnixBroker::read_from(Connection& conn) {
  char buffer[kReadChunk];
  const ssize_t n = ::recv(conn.fd, buffer, sizeof buffer, 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    kill(conn, "read failed: " + errno_text(errno), false);
    return;
  }
  if (n == 0) {
    if (auto cut = conn.decoder.finish()) {
      kill(conn, "disconnected: " + *cut, true);
    } else {
      kill(conn, "disconnected", false);
    }
    return;
  }
  std::string_view data(buffer, static_cast<std::size_t>(n));
  while (!conn.dead) {
    data.remove_prefix(conn.decoder.feed(data));
    if (conn.decoder.failed()) {
      kill(conn, "protocol error: " + conn.decoder.error(), true);
      return;
    }
    if (!conn.decoder.has_frame()) break;
    Frame frame = conn.decoder.take();
    if (!handle_frame(conn, frame)) return;
  }
}

bool UnixBroker::handle_frame(Connection& conn, Frame& frame) {
  const auto acknowledge = [&](std::string_view verb, const std::string& args,
                               std::string_view body = {}) {
    if (!conn.ack) return;
    const std::string text = args.empty() ? std::string(verb) : std::string(verb) + " " + args;
    enqueue(conn, std::make_shared<const std::string>(encode_frame(Verb::kOk, text, body)));
  };
  std::string error;
  switch (frame.verb) {
    case Verb::kHello: {
      if (!frame.args.empty()) conn.name = frame.args;
      auto body = decode_body(frame.body, &error);
      if (!body) {
        kill(conn, "malformed HELLO: " + error, true);
        return false;
      }
      const auto features = body->find("features");
      if (features != body->end() && features->is_array()) {
        for (const auto& f : *features) {
          if (f.is_string() && f.get_ref<const std::string&>() == kAckFeature) conn.ack = true;
        }
      }
      spdlog::info("bus: {} said hello{}", conn.peer(), conn.ack ? " (acks)" : "");
      acknowledge("HELLO", {}, R"({"features":["ack"]})");
      return true;
    }
    case Verb::kSub: {
      if (frame.args.empty()) {
        kill(conn, "SUB without a pattern", true);
        return false;
      }
      if (auto bad = pattern_error(frame.args)) {
        kill(conn, "rejected SUB: " + *bad, true);
        return false;
      }
      const bool known = std::any_of(conn.patterns.begin(), conn.patterns.end(),
                                     [&](const Pattern& p) { return p.text() == frame.args; });
      if (!known) conn.patterns.emplace_back(frame.args);
      acknowledge("SUB", frame.args);
      return true;
    }
    case Verb::kUnsub: {
      std::erase_if(conn.patterns, [&](const Pattern& p) { return p.text() == frame.args; });
      acknowledge("UNSUB", frame.args);
      return true;
    }
    case Verb::kPub: {
      if (frame.args.empty()) {
        kill(conn, "PUB without a topic", true);
        return false;
      }
      // The broker only needs `type` and `payload` out of the body and passes the payload on
      // as it came: validate without building a document, then splice the raw text.
      std::string_view type = "\"\"";
      std::string_view payload = "{}";
      if (!frame.body.empty()) {
        if (!nlohmann::json::accept(frame.body) || !top_level_fields(frame.body, &type, &payload)) {
          kill(conn, "malformed PUB " + frame.args + ": body is not a JSON object", true);
          return false;
        }
      }
      publish_raw(&conn, frame.args, type, payload);
      return true;
    }
    case Verb::kBye:
      kill(conn, "said goodbye", false);
      return false;
    case Verb::kEvt:
    case Verb::kOk:
      kill(conn, std::string(verb_name(frame.verb)) + " is not a client verb", true);
      return false;
  }
  return true;
}

void UnixBroker::publish(const Connection* origin, std::string_view topic, std::string_view type,
                         nlohmann::json payload) {
  std::string type_json, payload_json;
  try {
    type_json = core::json_text(type);
    payload_json = core::json_text(payload);
  } catch (const std::exception& e) {
    spdlog::warn("bus: cannot encode event on {}: {}", topic, e.what());
    return;
  }
  publish_raw(origin, topic, type_json, payload_json);
}

// The EVT envelope assembled from JSON texts: `type_json` a JSON string, `payload_json` a JSON
// object, both already valid.
void UnixBroker::publish_raw(const Connection* origin, std::string_view topic,
                             std::string_view type_json, std::string_view payload_json) {
  std::string body;
  body.reserve(96 + topic.size() + type_json.size() + payload_json.size());
  body += R"({"v":1,"id":")";
  body += core::random_hex_id();
  body += R"(","topic":)";
  body += core::json_text(topic);
  body += R"(,"type":)";
  body += type_json;
  body += R"(,"ts":)";
  body += fmt::format("{:.6f}", core::now_epoch_seconds());
  body += R"(,"payload":)";
  body += payload_json;
  body += '}';
  if (auto error = frame_error("EVT", topic, body.size())) {
    spdlog::warn("bus: dropping event on {} for everyone: {}", topic, *error);
    return;
  }
  published_.fetch_add(1, std::memory_order_relaxed);
  FramePtr frame;
  for (auto& [fd, conn] : connections_) {
    if (conn.get() == origin || conn->dead || !conn->subscribed(topic)) continue;
    if (!frame) frame = std::make_shared<const std::string>(encode_frame(Verb::kEvt, topic, body));
    enqueue(*conn, frame);
    delivered_.fetch_add(1, std::memory_order_relaxed);
  }
}

void UnixBroker::enqueue(Connection& conn, FramePtr frame) {
  if (conn.out.size() >= options_.queue_frames && !conn.out.empty()) {
    // The front frame may be half written; dropping it would corrupt the stream.
    if (conn.out_offset > 0 && conn.out.size() > 1) {
      conn.out.erase(conn.out.begin() + 1);
    } else if (conn.out_offset == 0) {
      conn.out.pop_front();
    }
    ++conn.dropped;
    ++conn.dropped_unlogged;
    dropped_.fetch_add(1, std::memory_order_relaxed);
    const auto now = Clock::now();
    if (now - conn.last_drop_log >= std::chrono::seconds(1)) {
      spdlog::warn("bus: outbound queue of {} is full ({} frames); dropped {} oldest ({} total)",
                   conn.peer(), options_.queue_frames, conn.dropped_unlogged, conn.dropped);
      conn.last_drop_log = now;
      conn.dropped_unlogged = 0;
    }
  }
  conn.out.push_back(std::move(frame));
  if (!conn.dirty) {
    conn.dirty = true;
    dirty_.push_back(conn.fd);
  }
  if (conn.out.size() >= kEagerFlushFrames && !conn.want_write) flush(conn);
}

void UnixBroker::flush(Connection& conn) {
  while (!conn.out.empty() && !conn.dead) {
    iovec iov[kMaxIov];
    int count = 0;
    for (auto it = conn.out.begin(); it != conn.out.end() && count < kMaxIov; ++it, ++count) {
      const std::string& bytes = **it;
      const std::size_t skip = count == 0 ? conn.out_offset : 0;
      iov[count].iov_base = const_cast<char*>(bytes.data() + skip);
      iov[count].iov_len = bytes.size() - skip;
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<std::size_t>(count);
    ssize_t sent = ::sendmsg(conn.fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      kill(conn, "write failed: " + errno_text(errno), false);
      return;
    }
    auto left = static_cast<std::size_t>(sent);
    while (left > 0 && !conn.out.empty()) {
      const std::size_t rest = conn.out.front()->size() - conn.out_offset;
      if (left >= rest) {
        left -= rest;
        conn.out.pop_front();
        conn.out_offset = 0;
      } else {
        conn.out_offset += left;
        left = 0;
      }
    }
  }
  update_interest(conn);
}

void UnixBroker::update_interest(Connection& conn) {
  if (conn.dead) return;
  const bool want = !conn.out.empty();
  if (want == conn.want_write) return;
  epoll_event ev{};
  ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
  ev.data.fd = conn.fd;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, conn.fd, &ev);
  conn.want_write = want;
}

void UnixBroker::flush_dirty() {
  auto dirty = std::move(dirty_);
  dirty_.clear();
  for (const int fd : dirty) {
    auto it = connections_.find(fd);
    if (it == connections_.end()) continue;
    it->second->dirty = false;
    if (!it->second->dead && !it->second->want_write) flush(*it->second);
  }
}

void UnixBroker::kill(Connection& conn, std::string reason, bool protocol_error) {
  if (conn.dead) return;
  conn.dead = true;
  conn.dead_reason = std::move(reason);
  conn.dead_protocol_error = protocol_error;
  if (!conn.dirty) {
    conn.dirty = true;
    dirty_.push_back(conn.fd);
  }
}

void UnixBroker::reap() {
  for (auto it = connections_.begin(); it != connections_.end();) {
    Connection& conn = *it->second;
    if (!conn.dead) {
      ++it;
      continue;
    }
    if (conn.dead_protocol_error) {
      protocol_errors_.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("bus: closing connection from {}: {}", conn.peer(), conn.dead_reason);
    } else {
      spdlog::debug("bus: {} {}", conn.peer(), conn.dead_reason);
    }
    if (conn.dropped > 0) {
      spdlog::warn("bus: {} lost {} events to a full queue", conn.peer(), conn.dropped);
    }
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, conn.fd, nullptr);
    ::close(conn.fd);
    it = connections_.erase(it);
  }
  connection_count_.store(connections_.size());
}

void UnixBroker::heartbeat() {
  const double uptime = std::chrono::duration<double>(Clock::now() - started_at_).count();
  publish(nullptr, "system.bus.health", "bus.health",
          {{"pid", static_cast<std::int64_t>(::getpid())},
           {"uptime_sec", std::round(uptime * 1000.0) / 1000.0},
           {"ts", core::now_epoch_seconds()}});
}

}  // namespace decnet::bus
