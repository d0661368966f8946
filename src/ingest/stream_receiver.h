// The TCP syslog listener (plain on 5514, RFC 6587) and its TLS twin (6514, RFC 5425): one
// implementation, since the two differ only in the handshake and in how the peer is named.
// Each receiver runs one I/O thread with asynchronous sockets, so a slow or hostile client
// occupies a buffer, never the thread: lines are bounded by the line limit, silence by the idle
// timeout (and by a shorter first-data timeout for a connection that has sent nothing yet), and
// a framing error costs only the bytes it spoils. All of it is counted in health().
//
// Connection slots cannot be hogged by idle sockets: at most `max_connections` anonymous
// connections and `max_connections_per_address` from one address; at either limit the
// connection that has been silent longest (of that address, when it is the address that is
// full) is closed to make room, provided it has been silent for evict_after_silence, else the
// newcomer is refused. Sensors that authenticate with a client certificate leave the anonymous pool
// once their handshake succeeds and have a pool of the same size of their own, which anonymous
// arrivals never touch.
//
// stop() stops accepting, then reads what every socket already holds and hands it to the sink
// before closing, so a SIGTERM loses nothing a sender managed to write.
//
// With TLS, client certificates are required as soon as a client CA or a list of SHA-256
// fingerprints is configured: a CA checks the chain, a fingerprint list pins the exact sensor
// certificates (with or without a CA). The peer recorded with each line is then the
// certificate's subject CN, or "sha256:<fingerprint>" when it has none; without client
// certificates it is the remote "address:port".
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/component.h"
#include "ingest/raw_line.h"
#include "ingest/receiver_options.h"
#include "ingest/receiver_stats.h"

namespace decnet::ingest {

class StreamReceiver : public core::Component {
 public:
  struct Options {
    std::string name = "syslog-tcp";  // component name, also the log prefix
    std::string source = "tcp";       // RawLine::source
    std::string host = "127.0.0.1";
    std::uint16_t port = 5514;  // 0: any free port, see port()
    std::size_t max_line_bytes = 65536;
    std::size_t max_connections = 1024;
    std::size_t max_connections_per_address = 64;
    std::chrono::milliseconds idle_timeout = std::chrono::seconds(300);
    std::chrono::milliseconds first_data_timeout = std::chrono::seconds(10);
    // A connection silent for less than this is never evicted: it may be a sensor between lines.
    std::chrono::milliseconds evict_after_silence = std::chrono::seconds(2);
    std::chrono::milliseconds handshake_timeout = std::chrono::seconds(10);
    // RELP (librelp's protocol, as rsyslog's omrelp speaks it) instead of RFC 6587 framing:
    // every line is answered once it is stored, see relp_conversation.h.
    bool relp = false;
    bool tls = false;
    std::filesystem::path tls_cert;  // PEM chain
    std::filesystem::path tls_key;   // PEM private key
    std::filesystem::path tls_client_ca;
    std::vector<std::string> tls_client_fingerprints;  // normalised, see normalize_fingerprint
  };

  static Options tcp_options(const ReceiverOptions& options);
  static Options tls_options(const ReceiverOptions& options);
  static Options relp_options(const ReceiverOptions& options);

  StreamReceiver(Options options, LineSink& sink);
  ~StreamReceiver() override;
  StreamReceiver(const StreamReceiver&) = delete;
  StreamReceiver& operator=(const StreamReceiver&) = delete;

  std::string name() const override;
  // Loads the certificates (TLS), binds and listens, starts the I/O thread. Throws
  // std::runtime_error naming the address (or file) on failure.
  void start() override;
  void stop() override;
  nlohmann::json health() const override;

  std::uint16_t port() const;  // the bound port once started
  const ReceiverStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace decnet::ingest
