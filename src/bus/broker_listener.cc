// Asio creates descriptors without close-on-exec, so the listening socket and every accepted
// one get the flag right after they are made; nothing here forks, but whatever embeds the
// broker might.
#include "bus/broker_listener.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <vector>

#include "bus/bus_error.h"
#include "core/text.h"

namespace decnet::bus {

namespace asio = boost::asio;
using Protocol = asio::local::stream_protocol;

namespace {

constexpr int kBacklog = 512;
constexpr auto kAcceptPause = std::chrono::milliseconds(100);

void set_cloexec(int fd) {
  ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

// True when something accepts connections on the socket at `path`.
bool socket_is_live(const asio::any_io_executor& executor, const std::filesystem::path& path) {
  Protocol::socket probe(executor);
  boost::system::error_code ec;
  probe.connect(Protocol::endpoint(path.native()), ec);
  return !ec;
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
                 core::errno_text(errno));
  }
}

// Running out of descriptors or memory: retrying at once would only spin.
bool resources_exhausted(const boost::system::error_code& ec) {
  if (ec.category() != boost::system::system_category()) return false;
  const int e = ec.value();
  return e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM;
}

}  // namespace

BrokerListener::BrokerListener(asio::io_context& io, BrokerConnections& connections,
                               Options options)
    : options_(std::move(options)), connections_(connections), acceptor_(io), pause_(io) {}

void BrokerListener::listen() {
  if (acceptor_.is_open()) throw BusError("bus broker already started");
  const auto& path = options_.socket_path;
  if (path.empty()) throw BusError("bus socket path is empty");
  if (path.native().size() >= sizeof(sockaddr_un::sun_path)) {
    throw BusError("bus socket path '" + path.native() + "' is too long (max " +
                   std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes)");
  }
  auto parent = path.parent_path();
  if (parent.empty()) parent = ".";
  std::error_code exists_ec;
  if (!std::filesystem::is_directory(parent, exists_ec)) {
    throw BusError("cannot create bus socket " + path.native() + ": directory " + parent.native() +
                   " does not exist");
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      throw BusError("cannot create bus socket " + path.native() +
                     ": the path exists and is not a socket (refusing to remove it)");
    }
    if (socket_is_live(acceptor_.get_executor(), path)) {
      throw BusError("cannot create bus socket " + path.native() +
                     ": another broker is already listening on it");
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      throw BusError("cannot remove stale bus socket " + path.native() + ": " +
                     core::errno_text(errno));
    }
    spdlog::info("bus: removed stale socket {}", path.native());
  }

  boost::system::error_code ec;
  acceptor_.open(Protocol(), ec);
  if (ec) throw BusError("cannot create bus socket: " + ec.message());
  set_cloexec(acceptor_.native_handle());
  const auto fail = [&](const std::string& what, const std::string& why, bool bound) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    if (bound) ::unlink(path.c_str());
    throw BusError(what + " " + path.native() + ": " + why);
  };
  acceptor_.bind(Protocol::endpoint(path.native()), ec);
  if (ec) fail("cannot bind bus socket", ec.message(), false);
  if (::chmod(path.c_str(), 0660) != 0)
    fail("cannot chmod bus socket", core::errno_text(errno), true);
  apply_group(path, options_.group);
  if (::stat(path.c_str(), &st) == 0) {
    socket_dev_ = st.st_dev;
    socket_ino_ = st.st_ino;
  }
  acceptor_.listen(kBacklog, ec);
  if (ec) fail("cannot listen on bus socket", ec.message(), true);
}

void BrokerListener::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, Protocol::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void BrokerListener::on_accept(const boost::system::error_code& ec, Protocol::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    if (resources_exhausted(ec)) {
      spdlog::warn("bus: cannot accept clients ({}); pausing for 100 ms", ec.message());
      pause_.expires_after(kAcceptPause);
      pause_.async_wait([this](const boost::system::error_code& wait_ec) {
        if (!wait_ec && acceptor_.is_open()) accept();
      });
      return;
    }
    spdlog::warn("bus: accept failed: {}", ec.message());
    accept();
    return;
  }
  set_cloexec(socket.native_handle());
  if (connections_.size() >= options_.max_connections) {
    spdlog::warn("bus: refusing a client: {} connections already open", options_.max_connections);
    boost::system::error_code ignored;
    socket.close(ignored);
  } else {
    connections_.open(std::move(socket));
  }
  accept();
}

bool BrokerListener::close() {
  pause_.cancel();
  if (!acceptor_.is_open()) return false;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  struct stat st {};
  if (::stat(options_.socket_path.c_str(), &st) == 0 && st.st_dev == socket_dev_ &&
      st.st_ino == socket_ino_) {
    ::unlink(options_.socket_path.c_str());
  }
  return true;
}

}  // namespace decnet::bus
