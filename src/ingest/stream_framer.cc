// Byte-at-a-time state machine for the length prefix, bulk copies for line and frame bodies, so
// a frame split into single bytes and many frames in one read are handled alike.
#include "ingest/stream_framer.h"

#include <algorithm>
#include <utility>

namespace decnet::ingest {

namespace {
constexpr std::size_t kMaxLengthDigits = 10;
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
}  // namespace

StreamFramer::StreamFramer(std::size_t max_line_bytes, Mode mode)
    : max_(max_line_bytes), mode_(mode) {}

bool StreamFramer::fail(std::string message) {
  error_ = std::move(message);
  buffer_.clear();
  return false;
}

void StreamFramer::emit_lf_line(const LineFn& on_line) {
  bool truncated = overflow_;
  if (!overflow_ && !buffer_.empty() && buffer_.back() == '\r') buffer_.pop_back();
  if (buffer_.size() > max_) {
    buffer_.resize(max_);
    truncated = true;
  }
  overflow_ = false;
  pending_bytes_ = 0;
  if (buffer_.empty()) return;
  std::string line;
  line.swap(buffer_);
  on_line(std::move(line), truncated);
}

void StreamFramer::emit_frame(const LineFn& on_line) {
  if (!buffer_.empty() && buffer_.back() == '\n') buffer_.pop_back();
  if (!buffer_.empty() && buffer_.back() == '\r') buffer_.pop_back();
  in_length_ = true;
  length_digits_ = 0;
  length_ = 0;
  pending_bytes_ = 0;
  if (buffer_.empty()) return;
  std::string line;
  line.swap(buffer_);
  on_line(std::move(line), false);
}

bool StreamFramer::feed(std::string_view data, const LineFn& on_line) {
  if (!error_.empty()) return false;
  while (!data.empty()) {
    if (mode_ == Mode::kUndecided) {
      mode_ = is_digit(data.front()) ? Mode::kOctetCounting : Mode::kLineFeed;
    }
    if (mode_ == Mode::kLineFeed) {
      const auto lf = data.find('\n');
      const auto chunk = data.substr(0, lf);
      const auto room = max_ + 1 - std::min(buffer_.size(), max_ + 1);
      const auto keep = std::min(room, chunk.size());
      buffer_.append(chunk.data(), keep);
      if (keep < chunk.size()) overflow_ = true;
      pending_bytes_ += chunk.size();
      if (lf == std::string_view::npos) return true;
      pending_bytes_ += 1;
      data.remove_prefix(lf + 1);
      emit_lf_line(on_line);
      continue;
    }
    if (in_length_) {
      const char c = data.front();
      data.remove_prefix(1);
      ++pending_bytes_;
      if (length_digits_ == 0 && (c == '\n' || c == '\r')) {
        pending_bytes_ = 0;  // some senders end each frame with a newline; tolerate it
        continue;
      }
      if (is_digit(c)) {
        if (length_digits_ == 0 && c == '0') return fail("invalid octet-count prefix: leading 0");
        if (++length_digits_ > kMaxLengthDigits) {
          return fail("invalid octet-count prefix: more than 10 digits");
        }
        length_ = length_ * 10 + static_cast<std::uint64_t>(c - '0');
        continue;
      }
      if (c != ' ' || length_digits_ == 0) {
        return fail("invalid octet-count prefix: unexpected byte " +
                    std::to_string(static_cast<unsigned char>(c)));
      }
      if (length_ > max_) {
        return fail("octet count " + std::to_string(length_) + " exceeds the line limit of " +
                    std::to_string(max_));
      }
      in_length_ = false;
      buffer_.clear();
      buffer_.reserve(std::min<std::size_t>(length_, 4096));
      continue;
    }
    const auto want = static_cast<std::size_t>(length_) - buffer_.size();
    const auto take = std::min(want, data.size());
    buffer_.append(data.data(), take);
    pending_bytes_ += take;
    data.remove_prefix(take);
    if (buffer_.size() == length_) emit_frame(on_line);
  }
  return true;
}

bool StreamFramer::finish(const LineFn& on_line) {
  if (!error_.empty()) return false;
  if (mode_ == Mode::kLineFeed) {
    if (!buffer_.empty() || overflow_) emit_lf_line(on_line);
    return true;
  }
  if (mode_ == Mode::kOctetCounting && (!in_length_ || length_digits_ > 0)) {
    return fail("connection closed inside an octet-counted frame");
  }
  return true;
}

}  // namespace decnet::ingest
