// What the stream fuzzers share: a failed property aborts (libFuzzer reports it with the input),
// and an input is fed in chunks whose sizes follow the seed, so a target can check that a split
// anywhere gives the same result as the whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace decnet::fuzz {

inline void check(bool condition) {
  if (!condition) std::abort();
}

// Calls feed(chunk) over `input` in pieces of 1..97 bytes chosen by `seed` (xorshift); seed 0
// feeds it whole. Stops early when feed returns false.
template <typename Feed>
void feed_in_chunks(std::string_view input, std::uint32_t seed, Feed&& feed) {
  std::uint32_t state = seed | 1u;
  while (!input.empty()) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    const std::size_t chunk = seed == 0 ? input.size() : 1 + state % 97;
    const auto piece = input.substr(0, chunk);
    input.remove_prefix(piece.size());
    if (!feed(piece)) return;
  }
}

}  // namespace decnet::fuzz
