// Syslog over a local UNIX datagram socket (like /dev/log), for processes on the master host
// that cannot or should not open a network port: `logger --socket <path>`, rsyslog omuxsock.
// The socket is created with mode 0660 so only the owner and its group may write. A stale socket
// left by a previous run is replaced; one another process still reads from is not (start fails).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/component.h"
#include "ingest/raw_line.h"
#include "ingest/receiver_options.h"
#include "ingest/receiver_stats.h"

namespace decnet::ingest {

class UnixReceiver : public core::Component {
 public:
  struct Options {
    std::filesystem::path path;
    std::size_t max_line_bytes = 65536;
  };
  static Options from(const ReceiverOptions& options);

  UnixReceiver(Options options, LineSink& sink);
  ~UnixReceiver() override;
  UnixReceiver(const UnixReceiver&) = delete;
  UnixReceiver& operator=(const UnixReceiver&) = delete;

  std::string name() const override { return "syslog-unix"; }
  // Creates and binds the socket; throws std::runtime_error naming the path on failure.
  void start() override;
  // Closes and removes the socket, joins.
  void stop() override;
  nlohmann::json health() const override;

  const ReceiverStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace decnet::ingest
