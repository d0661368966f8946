#include "store/sqlite/engine.h"

#include <spdlog/spdlog.h>

#include "core/time.h"
#include "store/sqlite/migrations/migrations.h"

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
    conn.exec("BEGIN IMMEDIATE");
    try {
      conn.exec(m.sql);
      conn.prepare("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)")
          .bind_all(m.version, m.name, core::now_micros())
          .run();
      conn.exec("COMMIT");
    } catch (const StoreError& e) {
      conn.exec("ROLLBACK");
      throw StoreError(StoreError::Kind::kMigration, "migration " + std::to_string(m.version) +
                                                         " (" + std::string(m.name) +
                                                         ") failed: " + e.what());
    }
    applied.push_back(m.version);
  }
  return applied;
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
  thread_ = std::thread([this] { writer_loop(); });
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

void Engine::commit_batch(std::vector<WriteTask>& batch) {
  std::vector<std::exception_ptr> errors(batch.size());
  SqliteWriteScope scope(*writer_);
  const bool isolate = batch.size() > 1;  // a lone task needs no savepoint: rollback is enough
  std::exception_ptr commit_error;
  try {
    writer_->exec("BEGIN IMMEDIATE");
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (isolate) writer_->exec("SAVEPOINT task");
      try {
        batch[i].run(scope);
        if (isolate) writer_->exec("RELEASE task");
      } catch (...) {
        errors[i] = std::current_exception();
        if (isolate) writer_->exec("ROLLBACK TO task; RELEASE task");
      }
    }
    if (!isolate && errors[0]) {
      writer_->exec("ROLLBACK");
    } else {
      writer_->exec("COMMIT");
    }
  } catch (...) {
    commit_error = std::current_exception();
    try {
      if (!sqlite3_get_autocommit(writer_->handle())) writer_->exec("ROLLBACK");
    } catch (const std::exception& e) {
      spdlog::error("database: rollback failed: {}", e.what());
    }
  }
  batches_.fetch_add(1, std::memory_order_relaxed);
  tasks_.fetch_add(batch.size(), std::memory_order_relaxed);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      batch[i].done(commit_error ? commit_error : errors[i]);
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
  pool_ready_.wait(lock, [&] { return !pool_.empty(); });
  auto conn = std::move(pool_.back());
  pool_.pop_back();
  return ReadLease(*this, std::move(conn));
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
