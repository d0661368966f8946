// Byte-at-a-time state machines for the length prefix and for resynchronisation, bulk copies
// for line and frame bodies, so a frame split into single bytes and many frames in one read are
// handled alike.
#include "ingest/stream_framer.h"

#include <algorithm>
#include <utility>

#include "core/text.h"

namespace decnet::ingest {

namespace {

constexpr std::size_t kMaxLengthDigits = 10;
// A count beyond this many times the line limit is not an oversize message but noise or a lie;
// trusting it would skip that many bytes of whatever follows.
constexpr std::uint64_t kMaxTrustedCountFactor = 16;

}  // namespace

StreamFramer::StreamFramer(std::size_t max_line_bytes, Mode mode)
    : max_(max_line_bytes), mode_(mode) {}

void StreamFramer::emit_lf_line(const LineFn& on_line) {
  bool truncated = overflow_;
  if (!overflow_ && !buffer_.empty() && buffer_.back() == '\r') buffer_.pop_back();
  if (buffer_.size() > max_) {
    skipped_bytes_ += buffer_.size() - max_;
    buffer_.resize(max_);
    truncated = true;
  }
  overflow_ = false;
  pending_bytes_ = 0;
  if (buffer_.empty()) return;
  FramedLine line;
  line.bytes.swap(buffer_);
  line.truncated = truncated;
  on_line(std::move(line));
}

void StreamFramer::reset_length() {
  state_ = State::kLength;
  prefix_.clear();
  length_ = 0;
  body_seen_ = 0;
}

void StreamFramer::emit_frame(const LineFn& on_line) {
  const bool truncated = length_ > max_;
  if (!truncated) {
    if (!buffer_.empty() && buffer_.back() == '\n') buffer_.pop_back();
    if (!buffer_.empty() && buffer_.back() == '\r') buffer_.pop_back();
  }
  reset_length();
  pending_bytes_ = 0;
  if (buffer_.empty()) return;
  FramedLine line;
  line.bytes.swap(buffer_);
  line.truncated = truncated;
  on_line(std::move(line));
}

void StreamFramer::start_garbage(std::string reason) {
  state_ = State::kGarbage;
  garbage_ = std::move(prefix_);
  garbage_reason_ = std::move(reason);
  candidate_ = std::string::npos;
  prefix_.clear();
  length_ = 0;
}

void StreamFramer::emit_garbage(const LineFn& on_line) {
  candidate_ = std::string::npos;
  if (garbage_.empty()) return;
  ++framing_errors_;
  FramedLine line;
  line.bytes.swap(garbage_);
  line.error = garbage_reason_;
  on_line(std::move(line));
}

// A frame header candidate is a run of digits not starting with 0 and preceded by a non-digit,
// then a space, then '<' (every syslog message starts with its PRI). An LF ends the garbage too.
std::string_view StreamFramer::consume_garbage(std::string_view data, const LineFn& on_line) {
  while (!data.empty()) {
    const char c = data.front();
    data.remove_prefix(1);
    ++pending_bytes_;
    if (c == '\n') {
      emit_garbage(on_line);
      reset_length();
      return data;
    }
    garbage_.push_back(c);
    const std::size_t at = garbage_.size() - 1;
    const char before = at > 0 ? garbage_[at - 1] : '\0';
    if (core::is_ascii_digit(c)) {
      if (candidate_ == std::string::npos && c != '0' && !core::is_ascii_digit(before))
        candidate_ = at;
      if (candidate_ != std::string::npos && at - candidate_ >= kMaxLengthDigits) {
        candidate_ = std::string::npos;
      }
    } else if (c == ' ' && candidate_ != std::string::npos && core::is_ascii_digit(before)) {
      // keep the candidate: "LEN SP" seen, '<' must follow
    } else if (c == '<' && candidate_ != std::string::npos && before == ' ' && at >= 2 &&
               core::is_ascii_digit(garbage_[at - 2])) {
      // Resynchronised: what precedes the candidate is garbage, the candidate is a new frame.
      std::string header = garbage_.substr(candidate_);
      garbage_.resize(candidate_);
      emit_garbage(on_line);
      reset_length();
      pending_bytes_ = 0;
      feed(header, on_line);
      return data;
    } else {
      candidate_ = std::string::npos;
    }
    if (garbage_.size() >= max_ && candidate_ == std::string::npos) emit_garbage(on_line);
  }
  return data;
}

void StreamFramer::feed(std::string_view data, const LineFn& on_line) {
  while (!data.empty()) {
    if (mode_ == Mode::kUndecided) {
      mode_ = core::is_ascii_digit(data.front()) ? Mode::kOctetCounting : Mode::kLineFeed;
    }
    if (mode_ == Mode::kLineFeed) {
      const auto lf = data.find('\n');
      const auto chunk = data.substr(0, lf);
      const auto room = max_ + 1 - std::min(buffer_.size(), max_ + 1);
      const auto keep = std::min(room, chunk.size());
      buffer_.append(chunk.data(), keep);
      if (keep < chunk.size()) {
        overflow_ = true;
        skipped_bytes_ += chunk.size() - keep;
      }
      pending_bytes_ += chunk.size();
      if (lf == std::string_view::npos) return;
      pending_bytes_ += 1;
      data.remove_prefix(lf + 1);
      emit_lf_line(on_line);
      continue;
    }
    if (state_ == State::kGarbage) {
      data = consume_garbage(data, on_line);
      continue;
    }
    if (state_ == State::kLength) {
      const char c = data.front();
      data.remove_prefix(1);
      ++pending_bytes_;
      if (prefix_.empty() && (c == '\n' || c == '\r')) {
        pending_bytes_ = 0;  // some senders end each frame with a newline; tolerate it
        continue;
      }
      prefix_.push_back(c);
      if (core::is_ascii_digit(c)) {
        if (prefix_.size() == 1 && c == '0') {
          start_garbage("invalid octet-count prefix: leading 0");
        } else if (prefix_.size() > kMaxLengthDigits) {
          start_garbage("invalid octet-count prefix: more than 10 digits");
        } else {
          length_ = length_ * 10 + static_cast<std::uint64_t>(c - '0');
        }
        continue;
      }
      if (c != ' ' || prefix_.size() == 1) {
        start_garbage("invalid octet-count prefix: unexpected byte " +
                      std::to_string(static_cast<unsigned char>(c)));
        continue;
      }
      if (length_ > max_ * kMaxTrustedCountFactor) {
        start_garbage("octet count " + std::to_string(length_) + " is implausible (line limit " +
                      std::to_string(max_) + ")");
        continue;
      }
      prefix_.clear();
      state_ = State::kBody;
      body_seen_ = 0;
      buffer_.clear();
      buffer_.reserve(std::min<std::size_t>(static_cast<std::size_t>(length_), 4096));
      continue;
    }
    const auto want = static_cast<std::size_t>(length_ - body_seen_);
    const auto take = std::min(want, data.size());
    const auto room = max_ - std::min(buffer_.size(), max_);
    const auto keep = std::min(room, take);
    buffer_.append(data.data(), keep);
    skipped_bytes_ += take - keep;
    body_seen_ += take;
    pending_bytes_ += take;
    data.remove_prefix(take);
    if (body_seen_ == length_) emit_frame(on_line);
  }
}

void StreamFramer::finish(const LineFn& on_line) {
  if (mode_ == Mode::kLineFeed) {
    if (!buffer_.empty() || overflow_) emit_lf_line(on_line);
    return;
  }
  if (mode_ != Mode::kOctetCounting) return;
  switch (state_) {
    case State::kGarbage:
      emit_garbage(on_line);
      break;
    case State::kLength:
      if (!prefix_.empty()) {
        start_garbage("connection closed inside an octet-count prefix");
        emit_garbage(on_line);
      }
      break;
    case State::kBody:
      garbage_ = std::move(buffer_);
      garbage_reason_ = "connection closed inside an octet-counted frame (" +
                        std::to_string(body_seen_) + " of " + std::to_string(length_) + " bytes)";
      buffer_.clear();
      emit_garbage(on_line);
      break;
  }
  reset_length();
}

}  // namespace decnet::ingest
