// Reading rules/ttp: one YAML mapping per file, named <rule_id>.yaml. A file whose name is not
// [A-Za-z0-9_]+.ya?ml (an editor's swap or backup file, a temporary) is skipped unread. A file
// that is not a valid rule stops the whole load with its name and line: a pack is used whole
// or not at all, never half.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "ttp/rule.h"

namespace decnet::ttp {

inline constexpr std::size_t kMaxRuleFileBytes = std::size_t{256} * 1024;
inline constexpr std::size_t kMaxRuleFiles = 4096;

bool is_rule_file_name(std::string_view name);
// Parses one rule; `file` names it in errors. Also checks what the reference left to chance:
// confidence in 0..1, ids shaped like ATT&CK ids, a pattern that compiles.
Rule parse_rule(std::string_view yaml_text, const std::string& file);
// Every rule of the directory, sorted by rule_id; throws RuleError for the first bad one, or
// when two files declare the same rule_id.
std::vector<Rule> load_rule_directory(const std::filesystem::path& dir);
// The rules/ttp directory of the source tree this binary was built from.
std::filesystem::path shipped_rule_directory();

}  // namespace decnet::ttp
