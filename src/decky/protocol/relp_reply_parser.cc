#include "decky/protocol/relp_reply_parser.h"

namespace decnet::decky {
namespace {

bool digit(char c) {
  return c >= '0' && c <= '9';
}
bool letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

bool RelpReplyParser::fail(std::string why) {
  error_ = std::move(why);
  return false;
}

bool RelpReplyParser::feed(std::string_view bytes,
                           const std::function<void(const RelpReply&)>& on_reply) {
  if (!error_.empty()) return false;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    switch (state_) {
      case State::kTxnr:
        if (digit(c) && field_.size() < 9) {
          field_ += c;
        } else if (c == ' ' && !field_.empty()) {
          reply_.txnr = std::stoull(field_);
          field_.clear();
          state_ = State::kCommand;
        } else {
          return fail("malformed transaction number");
        }
        break;
      case State::kCommand:
        if (letter(c) && field_.size() < 32) {
          field_ += c;
        } else if (c == ' ' && !field_.empty()) {
          reply_.command = std::move(field_);
          field_.clear();
          state_ = State::kLength;
        } else {
          return fail("malformed command");
        }
        break;
      case State::kLength:
        if (digit(c) && field_.size() < 9) {
          field_ += c;
        } else if ((c == ' ' || c == '\n') && !field_.empty()) {
          length_ = std::stoull(field_);
          field_.clear();
          if (length_ > kMaxData) return fail("reply larger than 64 KiB");
          if (c == '\n') {
            if (length_ != 0) return fail("data length without data");
            on_reply(reply_);
            reply_ = {};
            state_ = State::kTxnr;
          } else {
            reply_.data.clear();
            state_ = length_ == 0 ? State::kTrailer : State::kData;
          }
        } else {
          return fail("malformed data length");
        }
        break;
      case State::kData: {
        const auto take = std::min<std::size_t>(bytes.size() - i, length_ - reply_.data.size());
        reply_.data.append(bytes.substr(i, take));
        i += take - 1;
        if (reply_.data.size() == length_) state_ = State::kTrailer;
        break;
      }
      case State::kTrailer:
        if (c != '\n') return fail("frame not ended by a newline");
        on_reply(reply_);
        reply_ = {};
        state_ = State::kTxnr;
        break;
    }
  }
  return true;
}

}  // namespace decnet::decky
