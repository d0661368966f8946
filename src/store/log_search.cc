#include "store/log_repository.h"

namespace decnet::store {

std::vector<std::string> split_search_terms(std::string_view text) {
  std::vector<std::string> terms;
  std::string current;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      if (!current.empty()) terms.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) terms.push_back(std::move(current));
  return terms;
}

}  // namespace decnet::store
