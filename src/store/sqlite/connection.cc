#include "store/sqlite/connection.h"

#include "store/query_deadline.h"
#include "store/sqlite/credential_key.h"

namespace decnet::store::sqlite {
namespace {

// Dynamically filtered queries produce one SQL text per filter combination; past this many the
// rest are prepared per use instead of growing the cache without bound.
constexpr std::size_t kMaxCachedStatements = 512;
// Virtual machine steps between deadline checks: a few microseconds of work.
constexpr int kProgressSteps = 1000;

int past_deadline(void*) {
  return QueryDeadline::expired() ? 1 : 0;
}

StoreError::Kind kind_for(int code) {
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      return StoreError::Kind::kConstraint;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StoreError::Kind::kBusy;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
      return StoreError::Kind::kInvalid;
    case SQLITE_INTERRUPT:
      return StoreError::Kind::kTimeout;
    case SQLITE_FULL:
      return StoreError::Kind::kFull;
    default:
      return StoreError::Kind::kIo;
  }
}

}  // namespace

Statement::~Statement() {
  if (stmt_) conn_->release(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) conn_->fail(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) conn_->fail(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) conn_->fail(rc, "bind");
  return *this;
}

Statement& Statement::bind_view(int index, std::string_view value) {
  int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK) conn_->fail(rc, "bind");
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) conn_->fail(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
  if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) conn_->fail(rc, "bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  conn_->fail(rc, sqlite3_sql(stmt_));
}

void Statement::rewind() {
  sqlite3_reset(stmt_);
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int Statement::run() {
  while (step()) {
  }
  return sqlite3_changes(conn_->handle());
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::real(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string_view Statement::text_view(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!p) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string Statement::text(int column) const {
  return std::string(text_view(column));
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

std::optional<double> Statement::optional_real(int column) const {
  if (is_null(column)) return std::nullopt;
  return real(column);
}

std::string Statement::blob(int column) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (!p) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

Connection::Connection(const std::filesystem::path& path, Mode mode, int busy_timeout_ms) {
  const int flags = (mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY
                                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open database " + path.string() + ": " +
                          (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw StoreError(StoreError::Kind::kIo, message);
  }
  sqlite3_extended_result_codes(db_, 1);
  register_credential_key_functions(db_);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  if (mode == Mode::kReadWrite) {
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA journal_size_limit=67108864;");
  }
  exec("PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;");
  if (mode == Mode::kReadOnly) {
    exec("PRAGMA query_only=ON;");
    sqlite3_progress_handler(db_, kProgressSteps, past_deadline, nullptr);
  }
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

void Connection::exec(std::string_view sql) {
  const std::string text(sql);
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw StoreError(kind_for(rc), message + " (in: " + text.substr(0, 80) + ")");
  }
}

Statement Connection::prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end() && !in_use_[it->second]) {
    in_use_[it->second] = true;
    return Statement(*this, it->second);
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) fail(rc, "prepare");
  if (it == cache_.end() && cache_.size() < kMaxCachedStatements) {
    cache_.emplace(std::string(sql), stmt);
    in_use_[stmt] = true;
  } else {
    in_use_[stmt] = true;  // the cached copy is busy (nested use): a private one, finalized later
  }
  return Statement(*this, stmt);
}

void Connection::release(sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  auto cached = cache_.find(sqlite3_sql(stmt));
  if (cached != cache_.end() && cached->second == stmt) {
    in_use_[stmt] = false;
  } else {
    in_use_.erase(stmt);
    sqlite3_finalize(stmt);
  }
}

void Connection::fail(int code, std::string_view what) const {
  throw StoreError(kind_for(code), std::string(what) + ": " + sqlite3_errmsg(db_));
}

std::optional<std::int64_t> query_int64(Connection& conn, std::string_view sql) {
  auto stmt = conn.prepare(sql);
  if (!stmt.step() || stmt.is_null(0)) return std::nullopt;
  return stmt.int64(0);
}

}  // namespace decnet::store::sqlite
