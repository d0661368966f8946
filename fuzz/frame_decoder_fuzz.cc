// Fuzzes the UNIX bus frame decoder, which reads bytes from any local process that can open the
// broker socket. The first two input bytes seed how the rest is split into chunks; the decoder
// must give the same frames and the same verdict whatever the split, never hold more than the
// header and body limits, and every frame it yields must survive a re-encode/re-decode round
// trip unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "bus/frame.h"
#include "fuzz_support.h"

namespace {

using decnet::bus::Frame;
using decnet::bus::FrameDecoder;
using decnet::fuzz::check;

struct Outcome {
  std::vector<Frame> frames;
  bool failed = false;
};

Outcome decode(std::string_view input, std::uint32_t seed) {
  FrameDecoder decoder;
  Outcome out;
  std::uint32_t state = seed | 1u;
  while (!input.empty()) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    std::size_t chunk = seed == 0 ? input.size() : 1 + state % 97;
    auto piece = input.substr(0, chunk);
    while (!piece.empty()) {
      const auto used = decoder.feed(piece);
      check(used <= piece.size());
      check(decoder.buffered() <= decnet::bus::kMaxHeaderBytes + decnet::bus::kMaxBodyBytes);
      piece.remove_prefix(used);
      input.remove_prefix(used);
      if (decoder.failed()) {
        check(!decoder.error().empty());
        check(decoder.feed(input) == 0);
        out.failed = true;
        return out;
      }
      if (decoder.has_frame()) {
        out.frames.push_back(decoder.take());
      } else {
        check(used > 0);
      }
    }
  }
  out.failed = decoder.finish().has_value();
  check(out.failed == decoder.mid_frame());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint32_t seed = data[0] | (std::uint32_t{data[1]} << 8);
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

  const Outcome whole = decode(input, 0);
  const Outcome split = decode(input, seed);
  check(whole.failed == split.failed);
  check(whole.frames.size() == split.frames.size());
  for (std::size_t i = 0; i < whole.frames.size(); ++i) {
    const Frame& a = whole.frames[i];
    const Frame& b = split.frames[i];
    check(a.verb == b.verb && a.args == b.args && a.body == b.body);
    check(a.body.size() <= decnet::bus::kMaxBodyBytes);
    check(a.args.size() < decnet::bus::kMaxHeaderBytes);

    const std::string bytes = decnet::bus::encode_frame(a);  // must not throw
    check(bytes.size() <= decnet::bus::kMaxHeaderBytes + 4 + decnet::bus::kMaxBodyBytes);
    const Outcome again = decode(bytes, 0);
    check(!again.failed && again.frames.size() == 1);
    check(again.frames[0].verb == a.verb && again.frames[0].args == a.args &&
          again.frames[0].body == a.body);
    (void)decnet::bus::decode_body(a.body);  // must not throw either
  }
  return 0;
}
