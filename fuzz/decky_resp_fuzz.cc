// Fuzzes the decky's Redis request parser (RESP arrays and inline commands) as the Redis
// service drives it: commands taken from the front of a buffer fed in chunks. Each command
// consumes bytes, the argument count and sizes stay within their bounds, and the commands
// parsed do not depend on how the bytes were split.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "decky/protocol/resp.h"
#include "fuzz_support.h"

namespace {

using decnet::decky::parse_resp_command;
using decnet::decky::RespCommand;
using decnet::fuzz::check;

std::vector<std::vector<std::string>> run(std::string_view input, std::uint32_t seed) {
  std::vector<std::vector<std::string>> out;
  std::string buffer;
  bool failed = false;
  decnet::fuzz::feed_in_chunks(input, seed, [&](std::string_view chunk) {
    buffer += chunk;
    while (true) {
      auto c = parse_resp_command(buffer);
      if (c.status == RespCommand::Status::kIncomplete) return true;
      if (c.status == RespCommand::Status::kError) {
        failed = true;
        return false;
      }
      check(c.consumed > 0 && c.consumed <= buffer.size());
      check(c.args.size() <= decnet::decky::kRespMaxArgs);
      for (const auto& a : c.args) check(a.size() <= decnet::decky::kRespMaxBulk);
      buffer.erase(0, c.consumed);
      out.push_back(std::move(c.args));
    }
  });
  if (failed) out.push_back({"<error>"});
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto whole = run(input, 0);
  const auto split = run(input, data[0] + 1u);
  // An error can only be seen earlier in the whole input (a count too long without its CRLF is
  // refused at once, but only once enough of it has arrived); the commands before it agree.
  const auto n = std::min(whole.size(), split.size());
  for (std::size_t i = 0; i + 1 < n; ++i) check(whole[i] == split[i]);
  return 0;
}
