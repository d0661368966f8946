// The sender's half of RELP framing: the master's frames ("TXNR SP COMMAND SP DATALEN [SP DATA]
// LF"), read incrementally from the socket. A sender only ever expects `rsp` (the answer to one
// of its commands, data "200 OK" or an error code) and `serverclose`. Bounded like the server's
// reader: 9 digits for numbers, 32 letters for a command, 64 KiB of data; anything else is a
// protocol error and the uplink reconnects.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace decnet::decky {

struct RelpReply {
  std::uint64_t txnr = 0;
  std::string command;
  std::string data;
  // "rsp" with a data part starting "200".
  bool ok() const { return command == "rsp" && data.rfind("200", 0) == 0; }
};

class RelpReplyParser {
 public:
  static constexpr std::size_t kMaxData = 65'536;

  // False on a protocol error (see error()); then nothing more may be fed.
  bool feed(std::string_view bytes, const std::function<void(const RelpReply&)>& on_reply);
  const std::string& error() const { return error_; }

 private:
  enum class State { kTxnr, kCommand, kLength, kData, kTrailer };
  bool fail(std::string why);

  State state_ = State::kTxnr;
  std::string field_;
  RelpReply reply_;
  std::uint64_t length_ = 0;
  std::string error_;
};

}  // namespace decnet::decky
