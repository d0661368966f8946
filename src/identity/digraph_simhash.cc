// MD5 here is the token hash the stored values were defined with, chosen for spread and
// stability across implementations, not for security.
#include "identity/digraph_simhash.h"

#include <algorithm>
#include <array>
#include <bit>
#include <map>

#include "core/hash.h"
#include "core/utf8.h"
#include "identity/behave_statistics.h"

namespace decnet::identity {
namespace {

// Upper bounds of the flight-time buckets, in seconds; a median at or above the last one
// falls in bucket 6.
constexpr std::array<double, 6> kFlightBucketEdges = {0.03, 0.06, 0.12, 0.25, 0.5, 1.0};

std::uint64_t md5_prefix64(std::string_view token) {
  const auto digest = core::md5(token);
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | digest[static_cast<std::size_t>(i)];
  return value;
}

std::size_t flight_bucket(double median_seconds) {
  for (std::size_t i = 0; i < kFlightBucketEdges.size(); ++i) {
    if (median_seconds < kFlightBucketEdges[i]) return i;
  }
  return kFlightBucketEdges.size();
}

bool single_character(std::string_view data) {
  std::size_t i = 0;
  core::next_code_point(data, i);
  return !data.empty() && i == data.size();
}

}  // namespace

std::uint64_t simhash64(const std::vector<std::pair<std::string, double>>& weighted_tokens) {
  std::array<double, 64> sums{};
  for (const auto& [token, weight] : weighted_tokens) {
    const std::uint64_t h = md5_prefix64(token);
    for (std::size_t bit = 0; bit < 64; ++bit) sums[bit] += ((h >> bit) & 1U) ? weight : -weight;
  }
  std::uint64_t out = 0;
  for (std::size_t bit = 0; bit < 64; ++bit) {
    if (sums[bit] > 0.0) out |= std::uint64_t{1} << bit;
  }
  return out;
}

std::string simhash_hex(std::uint64_t hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kDigits[hash & 0xF];
    hash >>= 4;
  }
  return out;
}

std::optional<std::uint64_t> parse_simhash_hex(std::string_view hex) {
  if (hex.size() != 16) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : hex) {
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    value = (value << 4) | digit;
  }
  return value;
}

int hamming(std::uint64_t a, std::uint64_t b) {
  return std::popcount(a ^ b);
}

std::optional<DigraphSignature> digraph_signature(std::span<const RecordedEvent> events) {
  std::vector<const RecordedEvent*> pointers;
  pointers.reserve(events.size());
  for (const auto& event : events) pointers.push_back(&event);
  return digraph_signature(std::span<const RecordedEvent* const>(pointers));
}

std::optional<DigraphSignature> digraph_signature(std::span<const RecordedEvent* const> events) {
  std::map<std::string, std::vector<double>> flights;
  std::size_t samples = 0;
  const RecordedEvent* previous = nullptr;
  for (const RecordedEvent* event : events) {
    if (event->kind != 'i') continue;
    if (!single_character(event->data)) {
      previous = nullptr;
      continue;
    }
    if (previous != nullptr) {
      const double dt = event->t - previous->t;
      if (dt > 0.0 && dt <= kMaxDigraphFlightSeconds) {
        flights[previous->data + event->data].push_back(dt);
        ++samples;
      }
    }
    previous = event;
  }
  if (flights.size() < kMinDistinctDigraphs || samples < kMinDigraphSamples) return std::nullopt;

  std::vector<std::pair<std::string, double>> tokens;
  tokens.reserve(flights.size());
  for (auto& [digraph, dts] : flights) {
    const double weight = static_cast<double>(dts.size());
    const auto bucket = flight_bucket(*median(std::move(dts)));
    tokens.emplace_back(digraph + ":" + std::to_string(bucket), weight);
  }
  return DigraphSignature{
      .hash = simhash64(tokens),
      .confidence = std::min(0.95, 0.40 + 0.05 * static_cast<double>(flights.size())),
      .distinct_digraphs = flights.size(),
      .samples = samples,
  };
}

std::optional<std::uint64_t> simhash_centroid(const std::vector<std::string>& hex_values) {
  std::array<std::size_t, 64> set{};
  std::size_t n = 0;
  for (const auto& text : hex_values) {
    if (text.size() != 16) continue;
    const auto value = parse_simhash_hex(text);
    if (!value) continue;
    ++n;
    for (int bit = 0; bit < 64; ++bit) set[static_cast<std::size_t>(bit)] += (*value >> bit) & 1U;
  }
  if (n == 0) return std::nullopt;
  std::uint64_t centroid = 0;
  for (int bit = 0; bit < 64; ++bit) {
    if (set[static_cast<std::size_t>(bit)] * 2 > n) centroid |= std::uint64_t{1} << bit;
  }
  return centroid;
}

}  // namespace decnet::identity
