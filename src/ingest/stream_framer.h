// Cuts a syslog byte stream into lines. RFC 6587 allows two framings on one TCP connection and
// senders do not announce which they use, so the first byte decides for the whole connection: a
// digit means octet counting ("LEN SP MSG", RFC 5425/6587), anything else LF-delimited lines.
// Memory is bounded by the line limit whatever the peer sends: an LF line longer than the limit
// is kept truncated (the rest discarded up to its LF), while an octet count that is malformed or
// larger than the limit is a framing error, because after it nothing in the stream can be
// trusted; the receiver then closes that connection. Empty lines are skipped, a trailing CR
// (and, in octet counting, one trailing LF) is stripped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace decnet::ingest {

class StreamFramer {
 public:
  enum class Mode { kUndecided, kOctetCounting, kLineFeed };
  using LineFn = std::function<void(std::string line, bool truncated)>;

  explicit StreamFramer(std::size_t max_line_bytes, Mode mode = Mode::kUndecided);

  // Feeds received bytes; calls `on_line` for each complete line. Returns false on a framing
  // error (see error()); the framer then ignores further input.
  bool feed(std::string_view data, const LineFn& on_line);
  // End of stream: an unterminated LF line is delivered; an unfinished octet-counted frame is a
  // framing error (returns false).
  bool finish(const LineFn& on_line);

  Mode mode() const { return mode_; }
  const std::string& error() const { return error_; }
  // Bytes consumed since the end of the last complete line (for offsets in tailed files).
  std::uint64_t pending_bytes() const { return pending_bytes_; }

 private:
  bool fail(std::string message);
  void emit_lf_line(const LineFn& on_line);
  void emit_frame(const LineFn& on_line);

  std::size_t max_;
  Mode mode_;
  std::string error_;
  std::string buffer_;
  bool overflow_ = false;  // LF mode: bytes beyond the limit were discarded
  bool in_length_ = true;  // octet mode: reading "LEN " (else the MSG body)
  std::size_t length_digits_ = 0;
  std::uint64_t length_ = 0;
  std::uint64_t pending_bytes_ = 0;
};

}  // namespace decnet::ingest
