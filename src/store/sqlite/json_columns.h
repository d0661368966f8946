// JSON list columns: std::vector<std::string> <-> compact JSON text. Reading is lenient (a
// malformed or non-list value reads as empty, non-string items are skipped) because these
// columns may hold rows written by older versions; writing always produces a valid array.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace decnet::store::sqlite {

std::string to_json_list(const std::vector<std::string>& items);
std::vector<std::string> from_json_list(std::string_view text);

}  // namespace decnet::store::sqlite
