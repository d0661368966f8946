// Fuzzes the RFC 6587 framer of the TCP and TLS syslog receivers, which reads bytes from any
// host that can reach them. The first two input bytes seed how the rest is split into chunks;
// the framer must deliver the same lines, flags and reasons whatever the split, keep every line
// within the limit, and never report more skipped bytes than it was given.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "ingest/stream_framer.h"

namespace {

using decnet::fuzz::check;
using decnet::ingest::FramedLine;
using decnet::ingest::StreamFramer;

constexpr std::size_t kMaxLine = 256;

struct Outcome {
  std::vector<FramedLine> lines;
  std::uint64_t skipped = 0;
};

Outcome frame(std::string_view input, std::uint32_t seed) {
  StreamFramer framer(kMaxLine);
  Outcome out;
  const auto on_line = [&](FramedLine line) {
    check(line.bytes.size() <= kMaxLine || !line.error.empty());
    out.lines.push_back(std::move(line));
  };
  decnet::fuzz::feed_in_chunks(input, seed, [&](std::string_view piece) {
    framer.feed(piece, on_line);
    return true;
  });
  framer.finish(on_line);
  out.skipped = framer.skipped_bytes();
  check(out.skipped <= input.size());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint32_t seed = data[0] | (std::uint32_t{data[1]} << 8);
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  const Outcome whole = frame(input, 0);
  const Outcome split = frame(input, seed);
  check(whole.lines.size() == split.lines.size());
  for (std::size_t i = 0; i < whole.lines.size(); ++i) {
    check(whole.lines[i].bytes == split.lines[i].bytes);
    check(whole.lines[i].truncated == split.lines[i].truncated);
    check(whole.lines[i].error.empty() == split.lines[i].error.empty());
  }
  check(whole.skipped == split.skipped);
  return 0;
}
