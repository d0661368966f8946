// Table-driven codec: one 256-entry reverse table per alphabet, built at compile time, with
// 0xff marking every byte that is not a symbol (including "=", whitespace and the other
// alphabet's two extra characters). Full quads decode without branches on the symbol values; the
// tail is checked separately so non-canonical trailing bits are refused.
#include "core/base64.h"

#include <array>
#include <cstdint>

namespace decnet::core {
namespace {

constexpr char kStdAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr uint8_t kInvalid = 0xff;

using ReverseTable = std::array<uint8_t, 256>;

constexpr ReverseTable make_reverse(const char* alphabet) {
  ReverseTable t{};
  for (auto& v : t) v = kInvalid;
  for (uint8_t i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = i;
  return t;
}

constexpr ReverseTable kStdReverse = make_reverse(kStdAlphabet);
constexpr ReverseTable kUrlReverse = make_reverse(kUrlAlphabet);

std::string encode(std::string_view data, const char* alphabet, bool pad) {
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  const size_t n = data.size();
  std::string out;
  out.resize(pad ? (n + 2) / 3 * 4 : (n * 4 + 2) / 3);
  char* o = out.data();
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | in[i + 2];
    *o++ = alphabet[(v >> 18) & 0x3f];
    *o++ = alphabet[(v >> 12) & 0x3f];
    *o++ = alphabet[(v >> 6) & 0x3f];
    *o++ = alphabet[v & 0x3f];
  }
  const size_t rest = n - i;
  if (rest == 1) {
    const uint32_t v = uint32_t{in[i]} << 16;
    *o++ = alphabet[(v >> 18) & 0x3f];
    *o++ = alphabet[(v >> 12) & 0x3f];
    if (pad) {
      *o++ = '=';
      *o++ = '=';
    }
  } else if (rest == 2) {
    const uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8);
    *o++ = alphabet[(v >> 18) & 0x3f];
    *o++ = alphabet[(v >> 12) & 0x3f];
    *o++ = alphabet[(v >> 6) & 0x3f];
    if (pad) *o++ = '=';
  }
  return out;
}

std::optional<std::string> decode(std::string_view text, const ReverseTable& table,
                                  bool padding_optional) {
  size_t len = text.size();
  size_t pad = 0;
  while (pad < len && text[len - 1 - pad] == '=') ++pad;
  if (pad > 2) return std::nullopt;
  if (pad > 0 || !padding_optional) {
    if (len % 4 != 0) return std::nullopt;
  }
  len -= pad;
  const size_t rest = len % 4;
  if (rest == 1) return std::nullopt;

  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  std::string out;
  out.resize(len / 4 * 3 + (rest == 0 ? 0 : rest - 1));
  char* o = out.data();
  size_t i = 0;
  for (; i + 4 <= len; i += 4) {
    const uint8_t a = table[in[i]];
    const uint8_t b = table[in[i + 1]];
    const uint8_t c = table[in[i + 2]];
    const uint8_t d = table[in[i + 3]];
    if ((a | b | c | d) & 0x80) return std::nullopt;
    const uint32_t v = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6) | d;
    *o++ = static_cast<char>(v >> 16);
    *o++ = static_cast<char>(v >> 8);
    *o++ = static_cast<char>(v);
  }
  if (rest == 2) {
    const uint8_t a = table[in[i]];
    const uint8_t b = table[in[i + 1]];
    if ((a | b) & 0x80) return std::nullopt;
    if (b & 0x0f) return std::nullopt;
    *o++ = static_cast<char>((a << 2) | (b >> 4));
  } else if (rest == 3) {
    const uint8_t a = table[in[i]];
    const uint8_t b = table[in[i + 1]];
    const uint8_t c = table[in[i + 2]];
    if ((a | b | c) & 0x80) return std::nullopt;
    if (c & 0x03) return std::nullopt;
    *o++ = static_cast<char>((a << 2) | (b >> 4));
    *o++ = static_cast<char>((b << 4) | (c >> 2));
  }
  return out;
}

}  // namespace

std::string base64_encode(std::string_view data) {
  return encode(data, kStdAlphabet, true);
}

std::optional<std::string> base64_decode(std::string_view text) {
  return decode(text, kStdReverse, false);
}

std::string base64url_encode(std::string_view data) {
  return encode(data, kUrlAlphabet, false);
}

std::optional<std::string> base64url_decode(std::string_view text) {
  return decode(text, kUrlReverse, true);
}

}  // namespace decnet::core
