// Readers for the two configuration file formats: `.env.local` (KEY=VALUE lines) and the INI
// file (`[section]` + `key = value`, `#`/`;` comments, including inline after whitespace).
// Both report the line number of anything they cannot read.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace decnet::core {

struct FileEntry {
  std::string key;  // env file: the variable; INI: "section.key", both lower-cased for INI
  std::string value;
  int line = 0;
};

// Throws ConfigError naming the file and line for a malformed line. A missing file yields {}.
std::vector<FileEntry> read_env_file(const std::filesystem::path& path);
std::vector<FileEntry> read_ini_file(const std::filesystem::path& path);

}  // namespace decnet::core
