// Readers for the two configuration file formats: `.env.local` (KEY=VALUE lines) and the INI
// file (`[section]` + `key = value`, `#`/`;` comments, including inline after whitespace).
// Both report the line number of anything they cannot read.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::core {

struct FileEntry {
  std::string key;  // env file: the variable; INI: "section.key", both lower-cased for INI
  std::string value;
  int line = 0;
};

struct IniSection {
  std::string name;                // as written, without the brackets
  int line = 0;                    // of the header
  std::vector<FileEntry> entries;  // key alone, lower-cased; value unquoted
};

// The sections of INI text in order; `source` names it in errors ("<source>:<line>: ...").
// Throws ConfigError for a malformed line.
std::vector<IniSection> parse_ini(std::string_view text, const std::string& source);

// Throws ConfigError naming the file and line for a malformed line. A missing file yields {}.
std::vector<FileEntry> read_env_file(const std::filesystem::path& path);
std::vector<FileEntry> read_ini_file(const std::filesystem::path& path);

}  // namespace decnet::core
