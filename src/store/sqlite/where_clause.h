// Builds a WHERE clause from optional filters while keeping every value a bound parameter:
// conditions carry their own '?' placeholders and the values are bound in order afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "store/sqlite/connection.h"

namespace decnet::store::sqlite {

class WhereClause {
 public:
  using Value = std::variant<std::int64_t, double, std::string>;

  WhereClause& add(std::string condition, std::vector<Value> values = {}) {
    conditions_.push_back(std::move(condition));
    for (auto& v : values) values_.push_back(std::move(v));
    return *this;
  }

  template <typename T>
  WhereClause& add_if(const std::optional<T>& value, std::string condition) {
    if (value) add(std::move(condition), {Value(*value)});
    return *this;
  }

  // " WHERE a AND b" or "".
  std::string sql() const {
    if (conditions_.empty()) return {};
    std::string out = " WHERE ";
    for (std::size_t i = 0; i < conditions_.size(); ++i) {
      if (i) out += " AND ";
      out += conditions_[i];
    }
    return out;
  }

  // Binds the values from parameter `first` on; returns the next free index.
  int bind(Statement& stmt, int first = 1) const {
    int index = first;
    for (const auto& v : values_) {
      std::visit([&](const auto& x) { stmt.bind(index, x); }, v);
      ++index;
    }
    return index;
  }

 private:
  std::vector<std::string> conditions_;
  std::vector<Value> values_;
};

// Escapes LIKE wildcards so user text matches literally (use with ESCAPE '\').
inline std::string like_literal(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// The half-open range [low, high) of every text starting with `prefix` under BINARY collation,
// so a prefix search can walk an index instead of scanning (LIKE is case-insensitive and cannot
// use one). Empty `high` when no finite bound exists (the prefix is all 0xFF bytes).
struct PrefixRange {
  std::string low;
  std::string high;
};

inline PrefixRange prefix_range(std::string_view prefix) {
  PrefixRange out{std::string(prefix), std::string(prefix)};
  while (!out.high.empty() && static_cast<unsigned char>(out.high.back()) == 0xFF) {
    out.high.pop_back();
  }
  if (!out.high.empty()) out.high.back() = static_cast<char>(out.high.back() + 1);
  return out;
}

}  // namespace decnet::store::sqlite
