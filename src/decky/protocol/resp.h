// Redis's request format (RESP): an array of bulk strings ("*2\r\n$4\r\nAUTH\r\n$3\r\npwd\r\n"),
// or an inline command ("AUTH pwd\r\n") as redis-cli and telnet users send. Parsed from the
// front of a buffer without copying until a whole command is there; bounded in argument count
// and size, so a client announcing a 2 GB bulk string is refused, not waited for.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::decky {

struct RespCommand {
  enum class Status { kIncomplete, kCommand, kError };
  Status status = Status::kIncomplete;
  std::vector<std::string> args;
  std::size_t consumed = 0;  // bytes of the buffer the command took
  std::string error;         // the protocol error, as Redis words it
};

inline constexpr std::size_t kRespMaxArgs = 1024;
inline constexpr std::size_t kRespMaxBulk = 524'288;
inline constexpr std::size_t kRespMaxInline = 65'536;

RespCommand parse_resp_command(std::string_view buffer);

}  // namespace decnet::decky
