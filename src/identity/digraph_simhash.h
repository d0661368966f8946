// The keystroke-rhythm fingerprint: how long a typist takes between each pair of keys (a
// digraph), bucketed and folded into a 64-bit Charikar SimHash, so that sessions typed by the
// same hands land a few bits apart and can be compared by Hamming distance without keeping
// what was typed. The bits must match the reference implementation exactly: identities store
// the value (16 hex digits, or 8 big-endian bytes) and take bitwise-majority centroids of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "identity/shell_recording.h"

namespace decnet::identity {

// Charikar SimHash over weighted tokens: each token hashes to the first 8 bytes of its MD5
// (big-endian); bit i of the result is set iff the weights of tokens with bit i set outweigh
// those without (ties unset). No tokens, or only zero weights, give 0.
std::uint64_t simhash64(const std::vector<std::pair<std::string, double>>& weighted_tokens);

// 16 lower-case hex digits, most significant first.
std::string simhash_hex(std::uint64_t hash);
// The value of exactly 16 hex digits (either case); nullopt for anything else.
std::optional<std::uint64_t> parse_simhash_hex(std::string_view hex);
int hamming(std::uint64_t a, std::uint64_t b);
// An identity's rhythm: the bitwise strict majority of its sessions' SimHashes (a bit set in
// exactly half of them stays clear). Values that are not 16 hex digits are left out; nullopt
// when none is left.
std::optional<std::uint64_t> simhash_centroid(const std::vector<std::string>& hex_values);

// Flight times between consecutive single-character inputs longer than this are pauses, not
// rhythm, and are left out.
inline constexpr double kMaxDigraphFlightSeconds = 1.5;
inline constexpr std::size_t kMinDistinctDigraphs = 8;
inline constexpr std::size_t kMinDigraphSamples = 20;

struct DigraphSignature {
  std::uint64_t hash = 0;
  double confidence = 0.0;
  std::size_t distinct_digraphs = 0;
  std::size_t samples = 0;
};

// The signature of the input events ('o' events are ignored) in the order given; nullopt when
// there are fewer than kMinDistinctDigraphs digraphs or kMinDigraphSamples flight times.
std::optional<DigraphSignature> digraph_signature(std::span<const RecordedEvent> events);
// The same over events held elsewhere.
std::optional<DigraphSignature> digraph_signature(std::span<const RecordedEvent* const> events);

}  // namespace decnet::identity
