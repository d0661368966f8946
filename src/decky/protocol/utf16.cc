#include "decky/protocol/utf16.h"

#include <cstdint>

#include "decky/protocol/byte_order.h"

namespace decnet::decky {
namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | cp >> 12);
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | cp >> 18);
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

void append_utf16(std::string& out, std::uint32_t cp) {
  if (cp >= 0x10000) {
    cp -= 0x10000;
    out += le16_bytes(0xd800 + (cp >> 10));
    out += le16_bytes(0xdc00 + (cp & 0x3ff));
  } else {
    out += le16_bytes(cp);
  }
}

// The code point of the UTF-8 sequence at `i` and its length; nullopt-like 0 length when the
// bytes there are not a valid sequence.
std::size_t decode_utf8(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  if (b < 0x80) {
    cp = b;
    return 1;
  }
  if ((b & 0xe0) == 0xc0) {
    n = 2;
    cp = b & 0x1f;
  } else if ((b & 0xf0) == 0xe0) {
    n = 3;
    cp = b & 0x0f;
  } else if ((b & 0xf8) == 0xf0) {
    n = 4;
    cp = b & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3f);
  }
  const bool overlong = (n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return 0;
  return n;
}

}  // namespace

std::string utf16le_to_utf8(std::string_view b) {
  std::string out;
  out.reserve(b.size());
  for (std::size_t i = 0; i + 1 < b.size(); i += 2) {
    const std::uint32_t unit = read_le16(b, i);
    if (unit >= 0xd800 && unit < 0xdc00 && i + 3 < b.size()) {
      const std::uint32_t low = read_le16(b, i + 2);
      if (low >= 0xdc00 && low < 0xe000) {
        append_utf8(out, 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00));
        i += 2;
        continue;
      }
    }
    append_utf8(out, unit >= 0xd800 && unit < 0xe000 ? 0xfffd : unit);
  }
  return out;
}

std::string utf8_to_utf16le(std::string_view s) {
  std::string out;
  out.reserve(2 * s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = 0;
    const auto n = decode_utf8(s, i, cp);
    append_utf16(out, n == 0 ? '?' : cp);
    i += n == 0 ? 1 : n;
  }
  return out;
}

}  // namespace decnet::decky
