// Binding, stale-socket replacement and permissions; the loop is detail::DatagramLoop. Senders
// are usually unbound, so a line's peer is the sender's socket path when it has one and ours
// otherwise.
#include "ingest/unix_receiver.h"

#include <sys/stat.h>

#include <boost/asio/local/datagram_protocol.hpp>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "core/text.h"
#include "ingest/datagram_loop.h"

namespace decnet::ingest {

namespace {

using local = boost::asio::local::datagram_protocol;

std::string sender_text(const local::endpoint& ep, const std::string& fallback) {
  auto path = ep.path();
  return path.empty() ? fallback : path;
}

}  // namespace

struct UnixReceiver::Impl {
  Impl(Options o, LineSink& sink)
      : options(std::move(o)),
        loop("syslog-unix", "unix", options.max_line_bytes, sink, &sender_text) {}
  Options options;
  detail::DatagramLoop<local> loop;
  bool bound = false;
};

UnixReceiver::Options UnixReceiver::from(const ReceiverOptions& o) {
  return Options{o.unix_socket, o.max_line_bytes};
}

UnixReceiver::UnixReceiver(Options options, LineSink& sink)
    : impl_(std::make_unique<Impl>(std::move(options), sink)) {}

UnixReceiver::~UnixReceiver() {
  UnixReceiver::stop();  // this class's own: a subclass is already gone
}

void UnixReceiver::start() {
  auto& rx = *impl_;
  std::lock_guard lock(rx.loop.lifecycle());
  if (rx.loop.running()) return;
  const auto& path = rx.options.path;
  const auto fail = [&](const std::string& why) {
    throw std::runtime_error("syslog-unix: cannot bind " + path.string() + ": " + why);
  };
  if (path.empty()) fail("no socket path");
  std::error_code fs_ec;
  const auto status = std::filesystem::symlink_status(path, fs_ec);
  if (std::filesystem::exists(status)) {
    if (!std::filesystem::is_socket(status)) fail("the path exists and is not a socket");
    boost::system::error_code probe_ec;
    local::socket probe(rx.loop.io());
    probe.open(local(), probe_ec);
    probe.connect(local::endpoint(path.string()), probe_ec);
    if (!probe_ec) fail("another process is reading from this socket");
    std::filesystem::remove(path, fs_ec);
    spdlog::info("syslog-unix: removed stale socket {}", path.string());
  }
  boost::system::error_code ec;
  auto& socket = rx.loop.socket();
  socket.open(local(), ec);
  if (ec) fail(ec.message());
  socket.bind(local::endpoint(path.string()), ec);
  if (ec) {
    socket.close();
    fail(ec.message());
  }
  if (::chmod(path.c_str(), 0660) != 0) {
    const int err = errno;
    socket.close();
    std::filesystem::remove(path, fs_ec);
    fail(std::string("chmod 0660: ") + core::errno_text(err));
  }
  rx.bound = true;
  boost::system::error_code ignored;
  socket.set_option(boost::asio::socket_base::receive_buffer_size(4 * 1024 * 1024), ignored);
  rx.loop.run(path.string());
  spdlog::info("syslog-unix: listening on {} (mode 0660)", path.string());
}

void UnixReceiver::stop() {
  auto& rx = *impl_;
  std::lock_guard lock(rx.loop.lifecycle());
  const bool was_running = rx.loop.running();
  rx.loop.stop();
  if (rx.bound) {
    std::error_code ignored;
    std::filesystem::remove(rx.options.path, ignored);
    rx.bound = false;
  }
  if (was_running) spdlog::info("syslog-unix: stopped");
}

nlohmann::json UnixReceiver::health() const {
  auto out = impl_->loop.stats().to_json();
  out["path"] = impl_->options.path.string();
  return out;
}

const ReceiverStats& UnixReceiver::stats() const {
  return impl_->loop.stats();
}

}  // namespace decnet::ingest
