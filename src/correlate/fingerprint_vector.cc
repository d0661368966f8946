#include "correlate/fingerprint_vector.h"

#include <array>
#include <cmath>
#include <string>

#include "core/text.h"
#include "correlate/feature_hashing.h"

namespace decnet::correlate {
namespace {

constexpr std::size_t kMaxFeatures = 512;  // a hostile line cannot make us hash without end

// The bits of a hex hash spread over the dimensions as +1 / -1 (bit i to dimension i mod dim).
std::vector<float> hash_bits_vector(std::string_view hash) {
  if (hash.size() < 16 || hash.size() > 256) return {};
  std::vector<float> v(kFingerprintVectorDim, 0.0F);
  std::size_t bit = 0;
  for (const char c : hash) {
    const int nibble = core::hex_digit_value(c);
    if (nibble < 0) return {};
    for (int b = 3; b >= 0; --b, ++bit) {
      v[bit % kFingerprintVectorDim] += ((nibble >> b) & 1) ? 1.0F : -1.0F;
    }
  }
  double norm = 0;
  for (const float x : v) norm += static_cast<double>(x) * x;
  if (norm == 0) return {};
  for (auto& x : v) x /= static_cast<float>(std::sqrt(norm));
  return v;
}

// Splits `text` on `outer` into fields and each field on `inner` into features, hashing each
// under its field's family.
template <std::size_t N>
std::vector<float> structured_vector(std::string_view text, char outer, char inner,
                                     const std::array<std::string_view, N>& families) {
  HashedFeatures features(kFingerprintVectorDim);
  std::size_t field = 0, count = 0;
  while (field < N) {
    const auto end = text.find(outer);
    const auto part = text.substr(0, end);
    const auto family = HashedFeatures::fnv1a(families[field]);
    std::size_t at = 0;
    while (at <= part.size() && count < kMaxFeatures) {
      const auto stop = part.find(inner, at);
      const auto item = part.substr(at, stop == std::string_view::npos ? stop : stop - at);
      if (!item.empty()) {
        features.add(item, family);
        ++count;
      }
      if (stop == std::string_view::npos) break;
      at = stop + 1;
    }
    ++field;
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  // A string of a different shape is not the format we know: the hash alone speaks.
  if (field != N) return {};
  return features.unit();
}

}  // namespace

std::vector<float> ja3_vector(std::string_view hash, std::string_view text) {
  static constexpr std::array<std::string_view, 5> kFields = {
      "ja3:version", "ja3:cipher", "ja3:extension", "ja3:curve", "ja3:point_format"};
  if (!text.empty()) {
    if (auto v = structured_vector(text, ',', '-', kFields); !v.empty()) return v;
  }
  return hash_bits_vector(hash);
}

std::vector<float> hassh_vector(std::string_view hash, std::string_view text) {
  static constexpr std::array<std::string_view, 4> kFields = {"hassh:kex", "hassh:cipher",
                                                              "hassh:mac", "hassh:compression"};
  if (!text.empty()) {
    if (auto v = structured_vector(text, ';', ',', kFields); !v.empty()) return v;
  }
  return hash_bits_vector(hash);
}

std::vector<float> jarm_vector(std::string_view jarm) {
  // 10 probes x (2 hex digits of the chosen cipher, 1 of the TLS version), then 32 hex digits of
  // the extensions' digest.
  constexpr std::size_t kProbes = 10, kLength = 62;
  if (jarm.size() != kLength) return {};
  bool answered = false;
  for (const char c : jarm) {
    if (core::hex_digit_value(c) < 0) return {};
    answered = answered || c != '0';
  }
  if (!answered) return {};
  HashedFeatures features(kFingerprintVectorDim);
  for (std::size_t p = 0; p < kProbes; ++p) {
    const auto probe = std::string("jarm:probe") + std::to_string(p);
    features.add(jarm.substr(p * 3, 2), HashedFeatures::fnv1a(probe + ":cipher"));
    features.add(jarm.substr(p * 3 + 2, 1), HashedFeatures::fnv1a(probe + ":version"));
  }
  // The digest has no parts; it weighs as much as the probes' answers together.
  for (int i = 0; i < 10; ++i) {
    features.add(jarm.substr(kProbes * 3), HashedFeatures::fnv1a("jarm:extensions") + i);
  }
  return features.unit();
}

}  // namespace decnet::correlate
