#include "store/sqlite/engine.h"

#include <spdlog/spdlog.h>

#include "core/thread_name.h"
#include "core/time.h"
#include "store/query_deadline.h"
#include "store/sqlite/migrations/migrations.h"
#include "store/store_error.h"

namespace decnet::store::sqlite {
namespace {

constexpr std::string_view kMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";

int current_version(Connection& conn) {
  conn.exec(kMigrationsTable);
  return static_cast<int>(
      query_int64(conn, "SELECT MAX(version) FROM schema_migrations").value_or(0));
}

int latest_version() {
  return migrations().empty() ? 0 : migrations().back().version;
}

std::vector<int> apply_migrations(Connection& conn, int target = 1 << 30) {
  std::vector<int> applied;
  const int current = current_version(conn);
  if (current > latest_version()) {
    throw StoreError(StoreError::Kind::kMigration, "database schema version " +
                                                       std::to_string(current) +
                                                       " is newer than this binary supports (" +
                                                       std::to_string(latest_version()) + ")");
  }
  for (const auto& m : migrations()) {
    if (m.version <= current || m.version > target) continue;
    // Outside a transaction: SQLite ignores the pragma inside one.
    if (m.foreign_keys_off) conn.exec("PRAGMA foreign_keys=OFF");
    conn.exec("BEGIN IMMEDIATE");
    try {
      conn.exec(m.sql);
      if (m.after_sql) m.after_sql(conn);
      if (m.foreign_keys_off) {
        if (auto broken = query_int64(conn, "SELECT COUNT(*) FROM pragma_foreign_key_check");
            broken.value_or(0) > 0) {
          throw StoreError(StoreError::Kind::kMigration,
                           std::to_string(*broken) + " rows would break a foreign key");
        }
      }
      conn.prepare("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)")
          .bind_all(m.version, m.name, core::now_micros())
          .run();
      conn.exec("COMMIT");
      if (m.foreign_keys_off) conn.exec("PRAGMA foreign_keys=ON");
    } catch (const StoreError& e) {
      conn.exec("ROLLBACK");
      if (m.foreign_keys_off) conn.exec("PRAGMA foreign_keys=ON");
      throw StoreError(StoreError::Kind::kMigration, "migration " + std::to_string(m.version) +
                                                         " (" + std::string(m.name) +
                                                         ") failed: " + e.what());
    }
    applied.push_back(m.version);
  }
  return applied;
}

// SQLite's own cap (max_page_count); its writes fail with SQLITE_FULL past it.
void apply_size_limit(Connection& conn, std::uint64_t bytes) {
  constexpr std::uint64_t kNoCap = 4294967294;  // the largest page count SQLite accepts
  const auto page_size =
      static_cast<std::uint64_t>(query_int64(conn, "PRAGMA page_size").value_or(4096));
  const std::uint64_t pages = bytes == 0 ? kNoCap : std::max<std::uint64_t>(1, bytes / page_size);
  conn.exec("PRAGMA max_page_count = " + std::to_string(std::min(pages, kNoCap)));
}

}  // namespace

Engine::Engine(EngineOptions options) : options_(std::move(options)) {
  writer_ = std::make_unique<Connection>(options_.path, Connection::Mode::kReadWrite,
                                         options_.busy_timeout_ms);
  if (options_.migrate) {
    for (int v : apply_migrations(*writer_)) spdlog::info("database: applied migration {}", v);
  } else if (current_version(*writer_) != latest_version()) {
    throw StoreError(StoreError::Kind::kMigration,
                     "database schema is at version " + std::to_string(current_version(*writer_)) +
                         ", expected " + std::to_string(latest_version()) +
                         "; run `decnet db migrate`");
  }
  if (options_.max_bytes > 0) apply_size_limit(*writer_, options_.max_bytes);
  checkpointer_ = std::make_unique<Checkpointer>(options_.path, *writer_, options_.checkpoint,
                                                 options_.busy_timeout_ms);
  thread_ = std::thread([this] {
    core::name_this_thread("db-writer");
    writer_loop();
  });
}

Engine::~Engine() {
  close();
}

void Engine::submit(WriteTask task) {
  {
    std::lock_guard lock(mu_);
    if (!closing_) {
      queue_.push_back(std::move(task));
      work_.notify_one();
      return;
    }
  }
  task.done(std::make_exception_ptr(StoreError(StoreError::Kind::kClosed, "store is closed")));
}

std::size_t Engine::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void Engine::close() {
  {
    std::lock_guard lock(mu_);
    if (closing_ && !thread_.joinable()) return;
    closing_ = true;
  }
  work_.notify_one();
  if (thread_.joinable()) thread_.join();
  checkpointer_.reset();
  {
    std::lock_guard lock(version_mu_);
    version_conn_.reset();
  }
  std::lock_guard lock(pool_mu_);
  pool_.clear();
}

void Engine::writer_loop() {
  std::vector<WriteTask> batch;
  while (true) {
    {
      std::unique_lock lock(mu_);
      work_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and drained
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commit_batch(batch);
    batch.clear();
  }
}

// Runs tasks in one transaction. Savepoints per task would isolate a failing task, but SQLite
// makes every statement inside a savepoint pay for it (measured: a quarter of ingest
// throughput), so the batch runs optimistically and, if a task throws, is rolled back and
// replayed one task per transaction: the failing task fails alone, the others commit.
// Consequently a task's function may run more than once; write_scope.h says so.
std::exception_ptr Engine::run_in_transaction(std::vector<WriteTask>& tasks, std::size_t first,
                                              std::size_t count, std::size_t* failed) {
  // After some errors (a full disk among them) SQLite has already rolled the transaction back;
  // a second ROLLBACK would fail and replace the error that says why.
  const auto roll_back = [this] {
    ++undone_;
    if (!sqlite3_get_autocommit(writer_->handle())) writer_->exec("ROLLBACK");
  };
  writer_->exec("BEGIN IMMEDIATE");
  SqliteWriteScope scope(*writer_, undone_);
  for (std::size_t i = first; i < first + count; ++i) {
    try {
      tasks[i].run(scope);
    } catch (...) {
      *failed = i;
      auto error = std::current_exception();
      roll_back();
      return error;
    }
  }
  try {
    scope.run_deferred();
  } catch (...) {
    // Not one task's fault that we can tell: the caller replays each task alone.
    *failed = first;
    auto error = std::current_exception();
    roll_back();
    return error;
  }
  writer_->exec("COMMIT");
  return nullptr;
}

void Engine::commit_batch(std::vector<WriteTask>& batch) {
  std::vector<std::exception_ptr> errors(batch.size());
  const auto rollback_quietly = [&] {
    ++undone_;
    try {
      if (!sqlite3_get_autocommit(writer_->handle())) writer_->exec("ROLLBACK");
    } catch (const std::exception& e) {
      spdlog::error("database: rollback failed: {}", e.what());
    }
  };
  std::size_t failed = batch.size();
  std::exception_ptr error;
  try {
    error = run_in_transaction(batch, 0, batch.size(), &failed);
  } catch (...) {  // BEGIN or COMMIT failed: every task shares the outcome
    rollback_quietly();
    error = std::current_exception();
    failed = batch.size();
  }
  if (error && batch.size() == 1) {
    errors[0] = error;
  } else if (error && failed < batch.size()) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      std::size_t ignored = 0;
      try {
        errors[i] = run_in_transaction(batch, i, 1, &ignored);
      } catch (...) {
        rollback_quietly();
        errors[i] = std::current_exception();
      }
    }
  } else if (error) {
    std::fill(errors.begin(), errors.end(), error);
  }
  batches_.fetch_add(1, std::memory_order_relaxed);
  tasks_.fetch_add(batch.size(), std::memory_order_relaxed);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      batch[i].done(errors[i]);
    } catch (const std::exception& e) {
      spdlog::error("database: write completion failed: {}", e.what());
    }
  }
}

Engine::ReadLease::~ReadLease() {
  if (!conn_) return;
  std::lock_guard lock(engine_->pool_mu_);
  engine_->pool_.push_back(std::move(conn_));
  engine_->pool_ready_.notify_one();
}

Engine::ReadLease Engine::read() {
  std::unique_lock lock(pool_mu_);
  if (pool_.empty() && pool_created_ < options_.read_connections) {
    ++pool_created_;
    lock.unlock();
    try {
      return ReadLease(*this,
                       std::make_unique<Connection>(options_.path, Connection::Mode::kReadOnly,
                                                    options_.busy_timeout_ms));
    } catch (...) {
      std::lock_guard relock(pool_mu_);
      --pool_created_;
      throw;
    }
  }
  if (const auto deadline = QueryDeadline::current()) {
    if (!pool_ready_.wait_until(lock, *deadline, [&] { return !pool_.empty(); })) {
      throw StoreError(StoreError::Kind::kTimeout, "no read connection free within the budget");
    }
  } else {
    pool_ready_.wait(lock, [&] { return !pool_.empty(); });
  }
  auto conn = std::move(pool_.back());
  pool_.pop_back();
  return ReadLease(*this, std::move(conn));
}

std::uint64_t Engine::data_version() {
  std::lock_guard lock(version_mu_);
  if (!version_conn_) {
    version_conn_ = std::make_unique<Connection>(options_.path, Connection::Mode::kReadOnly,
                                                 options_.busy_timeout_ms);
  }
  return static_cast<std::uint64_t>(query_int64(*version_conn_, "PRAGMA data_version").value_or(0));
}

SchemaStatus Engine::schema_status(const std::filesystem::path& path) {
  Connection conn(path, Connection::Mode::kReadWrite);
  SchemaStatus status;
  status.current = current_version(conn);
  status.latest = latest_version();
  for (const auto& m : migrations()) {
    if (m.version > status.current) status.pending.push_back(m.version);
  }
  return status;
}

std::vector<int> Engine::migrate(const std::filesystem::path& path, int target) {
  Connection conn(path, Connection::Mode::kReadWrite);
  return apply_migrations(conn, target);
}

}  // namespace decnet::store::sqlite
