// Counters shared by every syslog receiver, and the one place where a framed line is handed to
// the pipeline. Receivers run on their own threads while health() is read from another, so the
// counters are relaxed atomics: each is exact on its own, a snapshot across them is not atomic.
// Complaints about hostile or broken senders are logged at most once a second per receiver
// (with the number swallowed since), so a flood cannot turn into a flood of log lines.
#pragma once

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "core/log_limiter.h"
#include "ingest/raw_line.h"
#include "ingest/stream_framer.h"

namespace decnet::ingest {

using core::LogLimiter;

struct ReceiverStats {
  std::atomic<std::uint64_t> connections{0};   // accepted (stream) connections, ever
  std::atomic<std::uint64_t> active{0};        // connections open now
  std::atomic<std::uint64_t> over_limit{0};    // accepted and closed at once: too many open
  std::atomic<std::uint64_t> lines{0};         // lines handed to the sink (accepted or not)
  std::atomic<std::uint64_t> bytes{0};         // payload bytes of those lines
  std::atomic<std::uint64_t> oversize{0};      // lines delivered truncated
  std::atomic<std::uint64_t> refused{0};       // datagrams dropped: the pipeline was full
  std::atomic<std::uint64_t> kernel_drops{0};  // datagrams the kernel dropped (buffer full)
  std::atomic<std::uint64_t> paused{0};        // times a sender was held back until there was room
  std::atomic<std::uint64_t> idle_closed{0};   // connections closed for inactivity
  std::atomic<std::uint64_t> framing_errors{0};  // runs of bytes that were not a frame
  std::atomic<std::uint64_t> skipped_bytes{0};   // bytes beyond the limit of oversize lines
  std::atomic<std::uint64_t> evicted{0};         // idle connections closed to make room
  std::atomic<std::uint64_t> drained_lines{0};   // lines read from sockets while stopping
  std::atomic<std::uint64_t> lost_at_stop{0};    // lines the sink would not take at stop
  std::atomic<std::uint64_t> tls_rejected{0};    // failed handshakes or unregistered certs

  nlohmann::json to_json() const {
    const auto v = [](const std::atomic<std::uint64_t>& a) {
      return a.load(std::memory_order_relaxed);
    };
    return {{"connections", v(connections)},
            {"active", v(active)},
            {"over_limit", v(over_limit)},
            {"lines", v(lines)},
            {"bytes", v(bytes)},
            {"oversize", v(oversize)},
            {"refused", v(refused)},
            {"kernel_drops", v(kernel_drops)},
            {"paused", v(paused)},
            {"idle_closed", v(idle_closed)},
            {"framing_errors", v(framing_errors)},
            {"skipped_bytes", v(skipped_bytes)},
            {"evicted", v(evicted)},
            {"drained_lines", v(drained_lines)},
            {"lost_at_stop", v(lost_at_stop)},
            {"tls_rejected", v(tls_rejected)}};
  }
};

inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) {
  counter.fetch_add(n, std::memory_order_relaxed);
}

// Counts one framed line (or run of bytes that is not a frame) and wraps it for the pipeline.
inline RawLine frame_line(ReceiverStats& stats, LogLimiter& log, const char* receiver,
                          FramedLine framed, const std::string& source, const std::string& peer) {
  bump(stats.lines);
  bump(stats.bytes, framed.bytes.size());
  if (framed.truncated) {
    bump(stats.oversize);
    log.warn("{}: line from {} longer than the limit, delivered truncated to {} bytes", receiver,
             peer, framed.bytes.size());
  }
  if (!framed.error.empty()) {
    bump(stats.framing_errors);
    log.warn("{}: {} bytes from {} are not a frame ({}); kept as a dead letter", receiver,
             framed.bytes.size(), peer, framed.error);
  }
  return RawLine{std::move(framed.bytes), source,           peer,
                 core::now_micros(),      framed.truncated, std::move(framed.error)};
}

// Datagram receivers: submits one line, or counts it as dropped when the pipeline is full.
inline bool deliver(LineSink& sink, ReceiverStats& stats, LogLimiter& log, const char* receiver,
                    std::string bytes, bool truncated, const std::string& source,
                    const std::string& peer) {
  auto line =
      frame_line(stats, log, receiver, FramedLine{std::move(bytes), truncated, {}}, source, peer);
  if (sink.submit(line)) return true;
  bump(stats.refused);
  log.warn("{}: pipeline full, dropped a datagram from {}", receiver, peer);
  return false;
}

}  // namespace decnet::ingest
