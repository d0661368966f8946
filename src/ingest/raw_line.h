// What a receiver hands to the pipeline: one framed line, exactly as received, with where and
// when it came from. Nothing is interpreted yet, so a line that cannot be parsed can still be
// kept byte for byte in the dead-letter table.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace decnet::ingest {

// Where a line read from a tailed file ends: the file (by inode) and the offset after its LF.
struct FilePosition {
  std::uint64_t inode = 0;
  std::uint64_t offset = 0;
};

// A sender that keeps each line until it hears the line is stored (RELP). The pipeline calls
// stored() once per line, from its own thread, after the transaction holding the line (or its
// dead letter) has committed; never for a line it could not store.
class DeliveryReceipts {
 public:
  virtual ~DeliveryReceipts() = default;
  virtual void stored(std::uint64_t tag) = 0;
};

struct Delivery {
  std::shared_ptr<DeliveryReceipts> receipts;
  std::uint64_t tag = 0;
  // Among the first frames of a connection, where a sender puts what it sends again after a
  // reconnect: the pipeline checks it against the lines it stored last (see ResendFilter).
  bool may_be_resent = false;
};

struct RawLine {
  std::string bytes;             // without the framing (no trailing LF, no octet count)
  std::string source;            // receiver: tcp, tls, udp, unix, file, replay
  std::string peer;              // address:port, client certificate name or file path
  std::int64_t received_at = 0;  // microseconds UTC
  bool truncated = false;        // longer than the line limit; only the first part is kept
  std::string framing_error;     // set: these bytes are not a frame (kept as a dead letter)
  // File tail only. The writer stores the last committed line's position in the same
  // transaction as the line, so a restart resumes right after it: nothing lost or read twice.
  std::optional<FilePosition> file_position;
  // Acknowledged delivery only (RELP): who to tell once the line is stored.
  std::optional<Delivery> delivery;
};

// Where receivers deliver lines. submit() never blocks the network thread: the pipeline bounds
// its queue and refuses a line when it is full. A refused line is left intact, so a stream or
// file receiver keeps it and stops reading until there is room (TCP flow control then slows the
// sender); only a datagram, which cannot be held back, is dropped and counted.
class LineSink {
 public:
  virtual ~LineSink() = default;
  // Takes the line (moves from it) and returns true, or returns false (queue full or shutting
  // down) and leaves it untouched, so the caller can offer the same line again.
  virtual bool submit(RawLine& line) = 0;
};

}  // namespace decnet::ingest
