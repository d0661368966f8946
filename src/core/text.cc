#include "core/text.h"

#include <system_error>

namespace decnet::core {

bool contains_space_or_control(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c <= 0x20 || c == 0x7f) return true;
    if (c < 0xc2 || i + 1 >= s.size()) continue;
    const auto c1 = static_cast<unsigned char>(s[i + 1]);
    if (c == 0xc2 && (c1 == 0x85 || c1 == 0xa0)) return true;  // NEL, NBSP
    if (i + 2 >= s.size()) continue;
    const auto c2 = static_cast<unsigned char>(s[i + 2]);
    if (c == 0xe1 && c1 == 0x9a && c2 == 0x80) return true;  // U+1680
    if (c == 0xe2 && c1 == 0x80 &&
        ((c2 >= 0x80 && c2 <= 0x8a) || c2 == 0xa8 || c2 == 0xa9 || c2 == 0xaf)) {
      return true;  // U+2000..200A, U+2028, U+2029, U+202F
    }
    if (c == 0xe2 && c1 == 0x81 && c2 == 0x9f) return true;  // U+205F
    if (c == 0xe3 && c1 == 0x80 && c2 == 0x80) return true;  // U+3000
  }
  return false;
}

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

std::string_view trim(std::string_view s, std::string_view blanks) {
  const auto first = s.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(blanks) - first + 1);
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::vector<std::string> split_comma_list(std::string_view list) {
  std::vector<std::string> out;
  while (true) {
    const auto comma = list.find(',');
    const auto item = trim(list.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) return out;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace decnet::core
