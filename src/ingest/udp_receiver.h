// Plain syslog over UDP (RFC 5426), 127.0.0.1:5514 by default: one message per datagram, which
// is how `logger --udp` and most network devices send. UDP has no connections, so the only
// limits are the line limit (longer datagrams are delivered truncated) and the kernel's receive
// buffer; what the kernel drops before we read it cannot be counted here.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/component.h"
#include "ingest/raw_line.h"
#include "ingest/receiver_options.h"
#include "ingest/receiver_stats.h"

namespace decnet::ingest {

class UdpReceiver : public core::Component {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 5514;  // 0: any free port, see port()
    std::size_t max_line_bytes = 65536;
    std::size_t receive_buffer_bytes = std::size_t{4} * 1024 * 1024;  // SO_RCVBUF asked for
  };
  static Options from(const ReceiverOptions& options);

  UdpReceiver(Options options, LineSink& sink);
  ~UdpReceiver() override;
  UdpReceiver(const UdpReceiver&) = delete;
  UdpReceiver& operator=(const UdpReceiver&) = delete;

  std::string name() const override { return "syslog-udp"; }
  // Binds and starts the I/O thread; throws std::runtime_error naming the address on failure.
  void start() override;
  void stop() override;
  nlohmann::json health() const override;

  std::uint16_t port() const;
  const ReceiverStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace decnet::ingest
