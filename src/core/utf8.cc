#include "core/utf8.h"

namespace decnet::core {

namespace {

// The range the second byte of a sequence must fall in, which excludes overlong forms,
// surrogates and code points above U+10FFFF by the lead byte alone (RFC 3629, section 4).
struct Lead {
  std::size_t length;
  unsigned char second_min;
  unsigned char second_max;
};

Lead lead_of(unsigned char b) {
  if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};
  if (b == 0xED) return {3, 0x80, 0x9F};
  if (b >= 0xE1 && b <= 0xEF) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};
  if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

// Length of the run of ASCII starting at i: the common case, skipped in one go.
std::size_t ascii_run(std::string_view text, std::size_t i) {
  std::size_t end = i;
  while (end < text.size() && static_cast<unsigned char>(text[end]) < 0x80) ++end;
  return end - i;
}

}  // namespace

std::optional<char32_t> next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  const Lead lead = lead_of(b0);
  if (lead.length == 0) {
    ++i;
    return std::nullopt;
  }
  char32_t cp = b0 & (lead.length == 2 ? 0x1F : lead.length == 3 ? 0x0F : 0x07);
  for (std::size_t k = 1; k < lead.length; ++k) {
    const bool in_range = i + k < text.size() &&
                          (k == 1 ? byte(i + k) >= lead.second_min && byte(i + k) <= lead.second_max
                                  : (byte(i + k) & 0xC0) == 0x80);
    if (!in_range) {
      i += k;  // the lead and the continuation bytes that fitted: one ill-formed subpart
      return std::nullopt;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  i += lead.length;
  return cp;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    i += ascii_run(text, i);
    if (i < text.size() && !next_code_point(text, i)) return false;
  }
  return true;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++chars) next_code_point(text, i);
  return chars;
}

std::string sanitize_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto run = ascii_run(text, i);
    out.append(text.substr(i, run));
    i += run;
    if (i == text.size()) break;
    const auto start = i;
    if (next_code_point(text, i)) {
      out.append(text.substr(start, i - start));
    } else {
      out.append(kReplacementCharacter);
    }
  }
  return out;
}

std::string_view truncate_utf8_bytes(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t next = i;
    next_code_point(text, next);
    if (next > max_bytes) break;
    end = i = next;
  }
  return text.substr(0, end);
}

std::string_view truncate_utf8_chars(std::string_view text, std::size_t max_chars) {
  std::size_t i = 0;
  for (std::size_t chars = 0; chars < max_chars && i < text.size(); ++chars) {
    next_code_point(text, i);
  }
  return text.substr(0, i);
}

}  // namespace decnet::core
