// What a telnet client sends, with the protocol taken out: IAC commands and option
// negotiations (RFC 854, 855) are consumed, IAC IAC is a data byte 255, CR NUL and CR LF are one
// end of line, and the window size the client reports (NAWS, RFC 1073) is kept. A
// subnegotiation longer than 64 bytes is skipped to its end, so nothing here grows with input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace decnet::decky {

class TelnetInput {
 public:
  static constexpr unsigned char kIac = 255;
  // Appends the data bytes of `bytes` to `data` ('\r' for an end of line).
  void feed(std::string_view bytes, std::string& data);
  std::optional<std::pair<int, int>> window_size() const { return window_; }

 private:
  enum class State { kData, kIac, kOption, kSub, kSubIac, kCr };
  State state_ = State::kData;
  std::string sub_;
  std::optional<std::pair<int, int>> window_;
};

}  // namespace decnet::decky
