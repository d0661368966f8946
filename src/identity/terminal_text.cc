// The escape grammar follows the reference's regular expression (CSI, OSC, two-byte escapes)
// so that both remove the same bytes; the other scanners are plain substring searches.
#include "identity/terminal_text.h"

#include <array>

namespace decnet::identity {
namespace {

constexpr char kEsc = '\x1b';

bool in_range(char c, unsigned char low, unsigned char high) {
  const auto u = static_cast<unsigned char>(c);
  return u >= low && u <= high;
}

bool ascii_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

// Python's str.isspace() over ASCII, which the reference's rstrip()/strip() use.
bool ascii_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || in_range(c, 0x1c, 0x1f);
}

// Length of the escape sequence starting at text[i] (an ESC), or 0 if none is recognised.
std::size_t escape_length(std::string_view text, std::size_t i) {
  std::size_t j = i + 1;
  if (j >= text.size()) return 0;
  const char kind = text[j];
  if (kind == '[') {
    ++j;
    while (j < text.size() && in_range(text[j], 0x30, 0x3F)) ++j;
    while (j < text.size() && in_range(text[j], 0x20, 0x2F)) ++j;
    if (j < text.size() && in_range(text[j], 0x40, 0x7E)) return j + 1 - i;
    return 0;
  }
  if (kind == ']') {
    ++j;
    while (j < text.size() && text[j] != '\x07' && text[j] != kEsc) ++j;
    if (j < text.size() && text[j] == '\x07') return j + 1 - i;
    if (j + 1 < text.size() && text[j] == kEsc && text[j + 1] == '\\') return j + 2 - i;
    return j - i;
  }
  if (in_range(kind, 0x40, 0x5F)) return 2;
  return 0;
}

std::string_view rstrip(std::string_view s) {
  while (!s.empty() && ascii_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view lstrip(std::string_view s) {
  while (!s.empty() && ascii_space(s.front())) s.remove_prefix(1);
  return s;
}

bool host_char(char c) {
  return ascii_alpha(c) || ascii_digit(c) || c == '_' || c == '.' || c == '-';
}

bool has_user_at_host(std::string_view line) {
  for (std::size_t at = line.find('@'); at != std::string_view::npos; at = line.find('@', at + 1)) {
    if (at > 0 && at + 1 < line.size() && host_char(line[at - 1]) && host_char(line[at + 1])) {
      return true;
    }
  }
  return false;
}

bool has_drive_letter(std::string_view line) {
  for (std::size_t i = 0; i + 2 < line.size(); ++i) {
    if (ascii_alpha(line[i]) && line[i + 1] == ':' && (line[i + 2] == '\\' || line[i + 2] == '/')) {
      return true;
    }
  }
  return false;
}

bool looks_like_ps1(std::string_view line) {
  return has_user_at_host(line) || lstrip(line).starts_with("PS ") || has_drive_letter(line);
}

// The last `max_chars` code points of `s`.
std::string_view last_chars(std::string_view s, std::size_t max_chars) {
  std::size_t start = s.size();
  std::size_t taken = 0;
  while (start > 0 && taken < max_chars) {
    --start;
    while (start > 0 && in_range(s[start], 0x80, 0xBF)) --start;
    ++taken;
  }
  return s.substr(start);
}

bool locale_value_char(char c) {
  return ascii_alpha(c) || ascii_digit(c) || c == '_' || c == '.' || c == '-' || c == '@';
}

}  // namespace

std::string strip_ansi(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto esc = text.find(kEsc, i);
    if (esc == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, esc - i));
    const std::size_t length = escape_length(text, esc);
    if (length == 0) {
      out.push_back(kEsc);
      i = esc + 1;
    } else {
      i = esc + length;
    }
  }
  return out;
}

bool shows_shell_error(std::string_view stripped) {
  static constexpr std::array<std::string_view, 6> kPatterns = {
      "command not found", "No such file or directory", "Permission denied",
      ": cannot ",         "Operation not permitted",   "syntax error near unexpected token",
  };
  for (const auto pattern : kPatterns) {
    if (stripped.find(pattern) != std::string_view::npos) return true;
  }
  return false;
}

void visit_prompt_lines(std::string_view stripped,
                        const std::function<void(char suffix, std::string_view line)>& visit) {
  std::size_t pos = 0;
  while (pos <= stripped.size()) {
    auto end = stripped.find('\n', pos);
    if (end == std::string_view::npos) end = stripped.size();
    const std::string_view line = stripped.substr(pos, end - pos);
    pos = end + 1;
    const std::string_view body = rstrip(line);
    if (body.empty()) continue;
    const char suffix = body.back();
    if (suffix != '$' && suffix != '#' && suffix != '%' && suffix != '>') continue;
    const bool spaced = line.size() > body.size() && line[body.size()] == ' ';
    if (!spaced && !looks_like_ps1(body)) continue;
    visit(suffix, last_chars(lstrip(body), kMaxPromptLineChars));
  }
}

std::string_view shell_of_prompt(char suffix, std::string_view line) {
  if (suffix == '%') return "zsh";
  if (suffix != '>') return "bash";
  if (lstrip(line).starts_with("PS ")) return "powershell";
  if (line.find("C:\\") != std::string_view::npos || line.find("c:\\") != std::string_view::npos) {
    return "cmd.exe";
  }
  return "fish";
}

std::optional<std::string> bcp47_locale(std::string_view name) {
  const auto base = name.substr(0, name.find_first_of(".@"));
  if (base == "C" || base == "POSIX") return "und";
  const auto underscore = base.find('_');
  const auto language = base.substr(0, underscore);
  if (language.size() < 2 || language.size() > 3) return std::nullopt;
  std::string tag;
  for (const char c : language) {
    if (!ascii_alpha(c)) return std::nullopt;
    tag.push_back(static_cast<char>(c | 0x20));
  }
  if (underscore == std::string_view::npos) return tag;
  const auto region = base.substr(underscore + 1);
  if (region.size() != 2 || !ascii_alpha(region[0]) || !ascii_alpha(region[1])) {
    return std::nullopt;
  }
  tag.push_back('-');
  for (const char c : region) tag.push_back(static_cast<char>(c & ~0x20));
  return tag;
}

std::optional<std::string> declared_locale(std::string_view stripped) {
  static constexpr std::array<std::string_view, 3> kKeysByPriority = {
      "LC_ALL=", "LANG=", "LC_CTYPE="};
  for (const auto key : kKeysByPriority) {
    for (auto at = stripped.find(key); at != std::string_view::npos;
         at = stripped.find(key, at + 1)) {
      if (at > 0 && (ascii_alpha(stripped[at - 1]) || ascii_digit(stripped[at - 1]) ||
                     stripped[at - 1] == '_')) {
        continue;
      }
      std::size_t i = at + key.size();
      if (i < stripped.size() && (stripped[i] == '"' || stripped[i] == '\'')) ++i;
      const std::size_t start = i;
      while (i < stripped.size() && locale_value_char(stripped[i])) ++i;
      if (auto tag = bcp47_locale(stripped.substr(start, i - start))) return tag;
    }
  }
  return std::nullopt;
}

}  // namespace decnet::identity
