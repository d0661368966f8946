// Numbered schema migrations, embedded in the binary. Each one runs in its own transaction and
// is recorded in schema_migrations; a database newer than the binary is refused rather than
// guessed at.
#pragma once

#include <span>
#include <string_view>

namespace decnet::store::sqlite {

class Connection;

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
  // For a migration that rebuilds a table other tables refer to: dropping the old table must
  // not cascade. The runner turns foreign keys off around it and checks them before committing.
  bool foreign_keys_off = false;
  // Work SQL cannot express (a value computed in C++ for every row), run after `sql` in the same
  // transaction.
  void (*after_sql)(Connection& conn) = nullptr;
};

// Every migration in ascending version order.
std::span<const Migration> migrations();

}  // namespace decnet::store::sqlite
