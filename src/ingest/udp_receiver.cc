// Binding is all that is UDP-specific; the loop itself is detail::DatagramLoop.
#include "ingest/udp_receiver.h"

#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/udp.hpp>
#include <stdexcept>

#include "ingest/datagram_loop.h"

namespace decnet::ingest {

namespace {

using udp = boost::asio::ip::udp;

std::string sender_text(const udp::endpoint& ep, const std::string& fallback) {
  boost::system::error_code ec;
  const auto address = ep.address().to_string(ec);
  if (ec) return fallback;
  if (ep.address().is_v6()) return "[" + address + "]:" + std::to_string(ep.port());
  return address + ":" + std::to_string(ep.port());
}

}  // namespace

struct UdpReceiver::Impl {
  Impl(Options o, LineSink& sink)
      : options(std::move(o)),
        loop("syslog-udp", "udp", options.max_line_bytes, sink, &sender_text) {}
  Options options;
  detail::DatagramLoop<udp> loop;
  std::atomic<std::uint16_t> bound_port{0};
  std::string listen_text;
  int receive_buffer = 0;
};

UdpReceiver::Options UdpReceiver::from(const ReceiverOptions& o) {
  return Options{o.udp_host, o.udp_port, o.max_line_bytes, o.udp_receive_buffer_bytes};
}

UdpReceiver::UdpReceiver(Options options, LineSink& sink)
    : impl_(std::make_unique<Impl>(std::move(options), sink)) {}

UdpReceiver::~UdpReceiver() {
  UdpReceiver::stop();  // this class's own: a subclass is already gone
}

void UdpReceiver::start() {
  auto& rx = *impl_;
  std::lock_guard lock(rx.loop.lifecycle());
  if (rx.loop.running()) return;
  rx.listen_text = rx.options.host + ":" + std::to_string(rx.options.port);
  const auto fail = [&](const std::string& why) {
    throw std::runtime_error("syslog-udp: cannot bind " + rx.listen_text + ": " + why);
  };
  boost::system::error_code ec;
  udp::resolver resolver(rx.loop.io());
  auto results = resolver.resolve(rx.options.host, std::to_string(rx.options.port),
                                  udp::resolver::passive | udp::resolver::numeric_service, ec);
  if (ec || results.empty()) fail(ec ? ec.message() : "no address");
  const auto endpoint = results.begin()->endpoint();
  auto& socket = rx.loop.socket();
  socket.open(endpoint.protocol(), ec);
  if (ec) fail(ec.message());
  socket.bind(endpoint, ec);
  if (ec) {
    socket.close();
    fail(ec.message());
  }
  // SO_RCVBUFFORCE passes net.core.rmem_max when the process may (CAP_NET_ADMIN); the kernel
  // doubles what it is given and reports the doubled size.
  const int asked = static_cast<int>(rx.options.receive_buffer_bytes);
  if (::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVBUFFORCE, &asked, sizeof asked) != 0) {
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVBUF, &asked, sizeof asked);
  }
  int granted = 0;
  socklen_t granted_len = sizeof granted;
  ::getsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVBUF, &granted, &granted_len);
  rx.receive_buffer = granted;
  if (granted / 2 < asked) {
    spdlog::warn(
        "syslog-udp: receive buffer is {} bytes, not the {} asked for "
        "(DECNET_SYSLOG_UDP_RECEIVE_BUFFER_BYTES); raise net.core.rmem_max",
        granted / 2, asked);
  }
  rx.bound_port = socket.local_endpoint(ec).port();
  rx.listen_text = sender_text(udp::endpoint(endpoint.address(), rx.bound_port), rx.listen_text);
  rx.loop.run(rx.listen_text);
  spdlog::info("syslog-udp: listening on {}/udp", rx.listen_text);
}

void UdpReceiver::stop() {
  std::lock_guard lock(impl_->loop.lifecycle());
  const bool was_running = impl_->loop.running();
  impl_->loop.stop();
  if (was_running) spdlog::info("syslog-udp: stopped");
}

nlohmann::json UdpReceiver::health() const {
  auto out = impl_->loop.stats().to_json();
  out["listen"] = impl_->listen_text;
  out["receive_buffer_bytes"] = impl_->receive_buffer;
  return out;
}

std::uint16_t UdpReceiver::port() const {
  return impl_->bound_port.load();
}

const ReceiverStats& UdpReceiver::stats() const {
  return impl_->loop.stats();
}

}  // namespace decnet::ingest
