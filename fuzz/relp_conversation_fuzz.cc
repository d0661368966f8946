// Fuzzes the RELP server conversation, which reads bytes from any host that can reach the RELP
// port. The first two input bytes seed how the rest is split into chunks; the conversation must
// yield the same lines, answers and verdict whatever the split, keep every line within the line
// limit, and, once every line is reported stored, answer each command exactly once, in order.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "ingest/relp_conversation.h"

namespace {

using decnet::fuzz::check;
using decnet::ingest::FramedLine;
using decnet::ingest::RelpConversation;

constexpr std::size_t kMaxLine = 256;

struct Outcome {
  std::vector<std::string> lines;
  std::string answers;
  bool failed = false;
};

Outcome converse(std::string_view input, std::uint32_t seed) {
  RelpConversation relp(kMaxLine);
  Outcome out;
  std::vector<std::uint64_t> tags;
  const auto on_line = [&](FramedLine line, std::uint64_t tag, bool) {
    check(line.bytes.size() <= kMaxLine);
    check(line.error.empty());
    out.lines.push_back(std::move(line.bytes));
    tags.push_back(tag);
  };
  decnet::fuzz::feed_in_chunks(input, seed, [&](std::string_view piece) {
    if (relp.feed(piece, on_line)) return true;
    check(!relp.error().empty());
    out.failed = true;
    return false;
  });
  for (const auto tag : tags) relp.acknowledge(tag);
  relp.take_responses(out.answers);
  check(relp.unanswered() == 0);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint32_t seed = data[0] | (std::uint32_t{data[1]} << 8);
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  const Outcome whole = converse(input, 0);
  const Outcome split = converse(input, seed);
  check(whole.failed == split.failed);
  // A failure ends the connection, so what came before it is all that counts; a split can only
  // move where the failure is noticed, not what was delivered before it.
  if (!whole.failed) {
    check(whole.lines == split.lines);
    check(whole.answers == split.answers);
  }
  // Every answer is a well-formed "TXNR rsp LEN [SP DATA] LF" frame.
  std::string_view a = whole.answers;
  while (!a.empty()) {
    const auto sp = a.find(' ');
    check(sp != std::string_view::npos && sp > 0);
    a.remove_prefix(sp + 1);
    check(a.substr(0, 4) == "rsp ");
    a.remove_prefix(4);
    std::size_t len = 0;
    std::size_t digits = 0;
    while (digits < a.size() && a[digits] >= '0' && a[digits] <= '9') {
      len = len * 10 + static_cast<std::size_t>(a[digits] - '0');
      ++digits;
    }
    check(digits > 0);
    a.remove_prefix(digits);
    if (len > 0) {
      check(!a.empty() && a.front() == ' ');
      a.remove_prefix(1);
      check(a.size() > len);
      a.remove_prefix(len);
    }
    check(!a.empty() && a.front() == '\n');
    a.remove_prefix(1);
  }
  return 0;
}
