// Fuzzes the decky's reader of its master's RELP replies (a master, or whatever answers on its
// address, controls these bytes). Replies are the same whatever the split; data never exceeds
// the bound.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "decky/protocol/relp_reply_parser.h"
#include "fuzz_support.h"

namespace {

using decnet::decky::RelpReply;
using decnet::decky::RelpReplyParser;
using decnet::fuzz::check;

std::vector<std::string> run(std::string_view input, std::uint32_t seed) {
  RelpReplyParser parser;
  std::vector<std::string> out;
  bool ok = true;
  decnet::fuzz::feed_in_chunks(input, seed, [&](std::string_view chunk) {
    ok = parser.feed(chunk, [&](const RelpReply& r) {
      check(r.data.size() <= RelpReplyParser::kMaxData);
      out.push_back(std::to_string(r.txnr) + " " + r.command + " " + r.data);
    });
    return ok;
  });
  if (!ok) out.push_back("<error>");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  check(run(input, 0) == run(input, data[0] + 1u));
  return 0;
}
