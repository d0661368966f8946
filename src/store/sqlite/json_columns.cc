#include "store/sqlite/json_columns.h"

#include <nlohmann/json.hpp>

#include "core/json_text.h"

namespace decnet::store::sqlite {

std::string to_json_list(const std::vector<std::string>& items) {
  return core::json_text(items);
}

std::vector<std::string> from_json_list(std::string_view text) {
  std::vector<std::string> out;
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return out;
  for (const auto& item : parsed) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace decnet::store::sqlite
