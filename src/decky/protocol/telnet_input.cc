#include "decky/protocol/telnet_input.h"

namespace decnet::decky {
namespace {

constexpr unsigned char kSe = 240, kSb = 250, kWill = 251, kDont = 254, kNaws = 31;
constexpr std::size_t kMaxSub = 64;

}  // namespace

void TelnetInput::feed(std::string_view bytes, std::string& data) {
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    switch (state_) {
      case State::kData:
        if (c == kIac) {
          state_ = State::kIac;
        } else if (c == '\r') {
          data += '\r';
          state_ = State::kCr;
        } else if (c == '\n') {
          data += '\r';  // a bare LF ends a line too
        } else {
          data += ch;
        }
        break;
      case State::kCr:
        state_ = State::kData;
        if (c == '\n' || c == 0) break;  // CR LF, CR NUL: the CR already counted
        if (c == kIac) {
          state_ = State::kIac;
        } else {
          data += ch;
        }
        break;
      case State::kIac:
        if (c == kIac) {
          data += ch;
          state_ = State::kData;
        } else if (c >= kWill && c <= kDont) {
          state_ = State::kOption;
        } else if (c == kSb) {
          sub_.clear();
          state_ = State::kSub;
        } else {
          state_ = State::kData;  // NOP, AYT, GA, ...: nothing for the data
        }
        break;
      case State::kOption:
        state_ = State::kData;
        break;
      case State::kSub:
        if (c == kIac) {
          state_ = State::kSubIac;
        } else if (sub_.size() < kMaxSub) {
          sub_ += ch;
        }
        break;
      case State::kSubIac:
        if (c == kSe) {
          if (sub_.size() == 5 && static_cast<unsigned char>(sub_[0]) == kNaws) {
            const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(sub_[i]); };
            window_ = std::make_pair(byte(1) << 8 | byte(2), byte(3) << 8 | byte(4));
          }
          state_ = State::kData;
        } else {
          if (c == kIac && sub_.size() < kMaxSub) sub_ += ch;
          state_ = State::kSub;
        }
        break;
    }
  }
}

}  // namespace decnet::decky
