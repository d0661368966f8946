#include "core/config_files.h"

#include <fstream>

#include "core/config.h"
#include "core/text.h"

namespace decnet::core {
namespace {

constexpr std::string_view kBlanks = " \t\r";

std::string unquote(std::string_view v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    return std::string(v.substr(1, v.size() - 2));
  }
  return std::string(v);
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return lines;
  std::ifstream in(path);
  if (!in) throw ConfigError("cannot read configuration file " + path.string());
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

[[noreturn]] void fail(const std::string& source, int line, std::string_view what) {
  throw ConfigError(source + ":" + std::to_string(line) + ": " + std::string(what));
}

}  // namespace

std::vector<FileEntry> read_env_file(const std::filesystem::path& path) {
  std::vector<FileEntry> out;
  int number = 0;
  for (const auto& raw : read_lines(path)) {
    ++number;
    auto line = trim(raw, kBlanks);
    if (line.empty() || line.front() == '#') continue;
    if (line.substr(0, 7) == "export ") line = trim(line.substr(7), kBlanks);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) fail(path.string(), number, "expected KEY=VALUE");
    const auto key = trim(line.substr(0, eq), kBlanks);
    if (key.empty()) fail(path.string(), number, "empty variable name");
    out.push_back({std::string(key), unquote(trim(line.substr(eq + 1), kBlanks)), number});
  }
  return out;
}

std::vector<IniSection> parse_ini(std::string_view text, const std::string& source) {
  std::vector<IniSection> out;
  int number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const auto raw = text.substr(start, end == std::string_view::npos ? text.npos : end - start);
    start = end == std::string_view::npos ? text.size() : end + 1;
    ++number;
    auto line = trim(raw, kBlanks);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') fail(source, number, "unterminated section header");
      out.push_back({std::string(trim(line.substr(1, line.size() - 2), kBlanks)), number, {}});
      continue;
    }
    const auto eq = line.find_first_of("=:");
    if (eq == std::string_view::npos) fail(source, number, "expected key = value");
    if (out.empty()) fail(source, number, "key outside of any [section]");
    std::string key(trim(line.substr(0, eq), kBlanks));
    for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto value = trim(line.substr(eq + 1), kBlanks);
    // Inline comments need whitespace before the marker, so URLs with '#' survive.
    for (std::size_t i = 1; i < value.size(); ++i) {
      if ((value[i] == '#' || value[i] == ';') && (value[i - 1] == ' ' || value[i - 1] == '\t')) {
        value = trim(value.substr(0, i), kBlanks);
        break;
      }
    }
    out.back().entries.push_back({std::move(key), unquote(value), number});
  }
  return out;
}

std::vector<FileEntry> read_ini_file(const std::filesystem::path& path) {
  std::string text;
  for (const auto& line : read_lines(path)) {
    text += line;
    text += '\n';
  }
  std::vector<FileEntry> out;
  for (auto& section : parse_ini(text, path.string())) {
    std::string name = section.name;
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (auto& e : section.entries) out.push_back({name + "." + e.key, std::move(e.value), e.line});
  }
  return out;
}

}  // namespace decnet::core
