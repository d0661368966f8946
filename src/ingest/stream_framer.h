// Cuts a syslog byte stream into lines. RFC 6587 allows two framings on one TCP connection and
// senders do not announce which they use, so the first byte decides for the whole connection: a
// digit means octet counting ("LEN SP MSG", RFC 5425/6587), anything else LF-delimited lines.
// Empty lines are skipped, a trailing CR (and, in octet counting, one trailing LF) is stripped.
//
// Every byte that arrives comes out again, as a line or as bytes that are not one (with the
// reason, for the dead-letter table), and a bad frame costs only itself:
//  - A line or frame longer than the limit is delivered truncated to the limit (flagged); the
//    rest of it is skipped and counted (skipped_bytes()). Memory stays bounded by the limit.
//  - A malformed count (not digits, a leading 0, more than 10 digits, or absurdly large) starts
//    a resynchronisation: the bytes up to the next LF, or up to the next place that looks like
//    a frame header ("LEN SP <"), are delivered as not-a-frame, and framing resumes there. A
//    count that lies is caught the same way, one frame later.
//  - A stream that ends inside a frame delivers the partial frame as not-a-frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace decnet::ingest {

struct FramedLine {
  std::string bytes;
  bool truncated = false;  // longer than the limit; only the first part is in `bytes`
  std::string error;       // non-empty: not a frame, and why
};

class StreamFramer {
 public:
  enum class Mode { kUndecided, kOctetCounting, kLineFeed };
  using LineFn = std::function<void(FramedLine line)>;

  explicit StreamFramer(std::size_t max_line_bytes, Mode mode = Mode::kUndecided);

  // Feeds received bytes; calls `on_line` for each complete line and each run of bytes that is
  // not a frame.
  void feed(std::string_view data, const LineFn& on_line);
  // End of stream: an unterminated LF line is delivered; an unfinished frame or count comes out
  // as not-a-frame.
  void finish(const LineFn& on_line);

  Mode mode() const { return mode_; }
  // Bytes consumed since the end of the last complete line (for offsets in tailed files).
  std::uint64_t pending_bytes() const { return pending_bytes_; }
  // Bytes beyond the limit of oversize lines, skipped.
  std::uint64_t skipped_bytes() const { return skipped_bytes_; }
  // Runs of bytes delivered as not-a-frame.
  std::uint64_t framing_errors() const { return framing_errors_; }

 private:
  enum class State { kLength, kBody, kGarbage };

  void emit_lf_line(const LineFn& on_line);
  void emit_frame(const LineFn& on_line);
  void start_garbage(std::string reason);
  void emit_garbage(const LineFn& on_line);
  // Consumes garbage bytes up to a resynchronisation point; returns what is left of `data`.
  std::string_view consume_garbage(std::string_view data, const LineFn& on_line);
  void reset_length();

  std::size_t max_;
  Mode mode_;
  std::string buffer_;
  bool overflow_ = false;  // LF mode: bytes beyond the limit were skipped
  State state_ = State::kLength;
  std::string prefix_;  // octet mode: the count as received so far
  std::uint64_t length_ = 0;
  std::uint64_t body_seen_ = 0;  // bytes of the current frame received (kept or skipped)
  std::string garbage_;          // bytes that are not a frame, waiting to be delivered
  std::string garbage_reason_;
  std::size_t candidate_ = std::string::npos;  // start of a "LEN SP <" candidate in garbage_
  std::uint64_t pending_bytes_ = 0;
  std::uint64_t skipped_bytes_ = 0;
  std::uint64_t framing_errors_ = 0;
};

}  // namespace decnet::ingest
