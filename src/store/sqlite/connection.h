// A thin RAII layer over one sqlite3 connection: pragmas applied at open, a cache of prepared
// statements keyed by their SQL text (each statement is compiled once per connection), and
// binding helpers so values are always bound, never spliced into SQL. SQLite result codes
// become StoreError with the operation named.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "store/store_error.h"

namespace decnet::store::sqlite {

class Connection;

// A prepared statement borrowed from a connection's cache; reset and unbound when released.
class Statement {
 public:
  Statement(Connection& conn, sqlite3_stmt* stmt) : conn_(&conn), stmt_(stmt) {}
  Statement(Statement&& other) noexcept
      : conn_(other.conn_), stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds 1-based parameters. std::nullopt / nullptr bind NULL.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::nullptr_t);
  Statement& bind_blob(int index, std::string_view bytes);
  // Binds without copying: the text must stay alive until the statement is stepped and reset.
  // For bulk loops over rows the caller owns; everywhere else bind() copies.
  Statement& bind_view(int index, std::string_view value);
  Statement& bind_view(int index, const std::string& value) {
    return bind_view(index, std::string_view(value));
  }
  Statement& bind_view(int index, const std::optional<std::string>& value) {
    return value ? bind_view(index, std::string_view(*value)) : bind(index, nullptr);
  }
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
  }

  // Binds every argument in order, starting at 1.
  template <typename... Args>
  Statement& bind_all(const Args&... args) {
    int i = 0;
    (bind(++i, args), ...);
    return *this;
  }

  // Advances; true while a row is available.
  bool step();
  // Runs to completion (for statements without rows); returns sqlite3_changes().
  int run();
  // Makes the statement reusable with new bindings (bulk loops).
  void reset();
  // Makes the statement reusable when every parameter is bound again anyway: skips clearing
  // the old bindings, which costs a pass over all of them per row.
  void rewind();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::string_view text_view(int column) const;  // valid until the next step
  std::optional<std::string> optional_text(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;
  std::optional<double> optional_real(int column) const;
  std::string blob(int column) const;

 private:
  Connection* conn_;
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  enum class Mode { kReadWrite, kReadOnly };

  // Opens (creating for kReadWrite) and applies the pragmas: WAL, synchronous=NORMAL,
  // foreign_keys=ON, busy_timeout; read-only connections also set query_only.
  Connection(const std::filesystem::path& path, Mode mode, int busy_timeout_ms = 5000);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Executes one or more statements with no parameters (schema, BEGIN/COMMIT).
  void exec(std::string_view sql);

  // A cached prepared statement for `sql`.
  Statement prepare(std::string_view sql);

  sqlite3* handle() const { return db_; }
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

  // Throws StoreError for a non-OK result code, with `what` naming the operation.
  [[noreturn]] void fail(int code, std::string_view what) const;

 private:
  friend class Statement;
  void release(sqlite3_stmt* stmt);

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  std::unordered_map<sqlite3_stmt*, bool> in_use_;
};

// One-shot helper: the first column of the first row as int64, or nullopt.
std::optional<std::int64_t> query_int64(Connection& conn, std::string_view sql);

}  // namespace decnet::store::sqlite
