// A logged-in terminal session recorded in the reference's shard format (one JSON object per
// line: a header {"sid", "hdr": {version 2, width, height, timestamp, env}}, then each chunk of
// input and output as {"sid", "t": seconds since the start, "ch": "i" | "o", "d": text}), so the
// master's BEHAVE-SHELL extractor and keystroke features read it as they read the reference's.
// Keystrokes are recorded as they arrive, one event per read, which is what carries their
// timing. Bounded: past max_bytes the recording stops and is marked truncated.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace decnet::decky {

class SessionRecorder {
 public:
  SessionRecorder(std::string sid, int width, int height, std::size_t max_bytes = 1 << 20);

  void input(std::string_view bytes) { event("i", bytes); }
  void output(std::string_view bytes) { event("o", bytes); }

  const std::string& shard() const { return shard_; }
  bool truncated() const { return truncated_; }
  double seconds() const;
  // Bytes the peer typed and the session printed.
  std::uint64_t bytes() const { return bytes_; }

 private:
  void event(const char* channel, std::string_view bytes);

  std::string sid_;
  std::size_t max_bytes_;
  std::chrono::steady_clock::time_point start_;
  std::string shard_;
  bool truncated_ = false;
  std::uint64_t bytes_ = 0;
};

}  // namespace decnet::decky
