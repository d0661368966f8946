// Small text predicates shared across layers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace decnet::core {

inline constexpr char kHexDigits[] = "0123456789abcdef";

// The value of one hex digit of either case, -1 if `c` is none. Locale-free, unlike isxdigit.
constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

// True if `s` contains ASCII control characters or any Unicode whitespace encoded as UTF-8
// (the set Python's str.isspace() recognises, which the reference used to validate topics).
bool contains_space_or_control(std::string_view s);

// The text of an errno value. std::strerror may share one buffer between threads; this does not.
std::string errno_text(int error);

// `s` without the `blanks` it starts and ends with.
std::string_view trim(std::string_view s, std::string_view blanks = " \t");

// `s` with A-Z made a-z and every other byte kept: the same in every locale, for protocol
// keywords and header names.
std::string ascii_lower(std::string_view s);
std::string ascii_upper(std::string_view s);

// The items of a comma-separated setting ("a, b,,c" -> a, b, c): trimmed, empties dropped.
std::vector<std::string> split_comma_list(std::string_view list);

}  // namespace decnet::core
