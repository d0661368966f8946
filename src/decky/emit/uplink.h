// Carries the outbox to the master. Three transports:
//   - relp (default): RELP over TCP, or TLS with a client certificate. The master answers each
//     line once it is stored, and only then does the line leave the outbox; after a reconnect
//     every unanswered line is sent again. Up to `window` lines are in flight at once.
//   - tcp: RFC 5425 octet-counted frames over TCP or TLS, for receivers without RELP (a Python
//     DECNET master's TLS listener, rsyslog imtcp). A line leaves the outbox once written to the
//     socket: what the receiver had not stored when the connection broke is lost.
//   - stdout: one line per line on standard output, for a decky run under a log collector.
// The uplink reconnects on its own with a backoff (1 s doubling to 30 s) and never blocks the
// services: they only append to the outbox.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "decky/emit/spool.h"

namespace decnet::decky {

enum class UplinkTransport { kRelp, kTcp, kStdout };

struct UplinkOptions {
  UplinkTransport transport = UplinkTransport::kRelp;
  std::string host = "127.0.0.1";
  std::uint16_t port = 2514;
  bool tls = false;
  std::filesystem::path ca_file;    // the master's certificate must chain to it and name `host`
  std::filesystem::path cert_file;  // the decky's client certificate (TLS, optional)
  std::filesystem::path key_file;
  std::size_t window = 128;
  std::chrono::milliseconds reconnect_min{1000};
  std::chrono::milliseconds reconnect_max{30000};
};

struct UplinkStats {
  std::uint64_t delivered = 0;  // lines released from the outbox
  std::uint64_t connects = 0;   // sessions opened with the master
  std::uint64_t failures = 0;   // sessions that ended in an error
  bool connected = false;
  std::string last_error;
};

class Uplink {
 public:
  // Throws std::runtime_error naming the file when a TLS file cannot be loaded.
  Uplink(boost::asio::io_context& io, Spool& spool, UplinkOptions options);
  ~Uplink();
  Uplink(const Uplink&) = delete;
  Uplink& operator=(const Uplink&) = delete;

  void start();
  // Ends the session (lines in flight stay in the outbox); completes on the event loop.
  void stop();
  // New lines are in the outbox.
  void wake();
  const UplinkStats& stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace decnet::decky
