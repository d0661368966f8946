// The SQLite engine behind every repository: one writer thread that owns the only read-write
// connection and commits queued work in groups (one transaction, one fsync, many callers), and
// a pool of read-only connections so queries run concurrently with writes (WAL). Migrations are
// applied when the engine opens.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/sqlite/checkpointer.h"
#include "store/sqlite/connection.h"
#include "store/write_scope.h"

namespace decnet::store::sqlite {

struct EngineOptions {
  std::filesystem::path path;
  int read_connections = 4;
  std::size_t max_batch = 512;  // tasks per transaction
  int busy_timeout_ms = 5000;
  bool migrate = true;          // apply pending migrations at open (else refuse an outdated schema)
  std::uint64_t max_bytes = 0;  // cap on the database file; 0: none
  CheckpointOptions checkpoint;
};

// The transaction a write task runs in. A repository can also defer work to its end, once per
// transaction however many calls contributed (running totals kept per transaction rather than
// per row): deferred<T>(key, flush) gives the state of type T registered under `key`, created
// on first use, and flush(conn, state) runs just before COMMIT. A rolled-back transaction
// discards its state with the scope.
class SqliteWriteScope final : public WriteScope {
 public:
  SqliteWriteScope(Connection& conn, std::uint64_t undone) : conn(conn), undone_(undone) {}
  Connection& conn;
  std::uint64_t undone_transactions() const override { return undone_; }

  template <typename T, typename Flush>
  T& deferred(const void* key, Flush flush) {
    for (auto& d : deferred_) {
      if (d.key == key) return *static_cast<T*>(d.state.get());
    }
    auto state = std::make_shared<T>();
    T* raw = state.get();
    deferred_.push_back({key, std::move(state), [raw, flush](Connection& c) { flush(c, *raw); }});
    return *raw;
  }
  // Runs what was deferred, in registration order; called by the engine before COMMIT.
  void run_deferred() {
    for (auto& d : deferred_) d.flush(conn);
    deferred_.clear();
  }

 private:
  std::uint64_t undone_;
  struct Deferred {
    const void* key;
    std::shared_ptr<void> state;
    std::function<void(Connection&)> flush;
  };
  std::vector<Deferred> deferred_;
};

// The connection behind a scope handed out by this backend.
inline Connection& connection_of(WriteScope& scope) {
  return static_cast<SqliteWriteScope&>(scope).conn;
}

struct SchemaStatus {
  int current = 0;
  int latest = 0;
  std::vector<int> pending;
};

class Engine final : public WriteQueue {
 public:
  explicit Engine(EngineOptions options);
  ~Engine() override;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void submit(WriteTask task) override;

  // A read-only connection for the duration of the lease.
  class ReadLease {
   public:
    ReadLease(Engine& engine, std::unique_ptr<Connection> conn)
        : engine_(&engine), conn_(std::move(conn)) {}
    ReadLease(ReadLease&&) = default;
    ~ReadLease();
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    Engine* engine_;
    std::unique_ptr<Connection> conn_;
  };
  ReadLease read();

  // SQLite's data_version, read on a connection kept for it: that connection never writes, so
  // every commit, from the writer or another process, changes the value.
  std::uint64_t data_version();

  // Stops accepting writes, commits what is queued, joins the writer. Idempotent.
  void close();

  const std::filesystem::path& path() const { return options_.path; }
  std::uint64_t committed_batches() const { return batches_.load(); }
  std::uint64_t committed_tasks() const { return tasks_.load(); }
  std::uint64_t checkpoints() const { return checkpointer_ ? checkpointer_->checkpoints() : 0; }
  std::size_t queued() const;

  static SchemaStatus schema_status(const std::filesystem::path& path);
  // Applies pending migrations up to `target` (default: all) to the database at `path`;
  // returns the versions applied.
  static std::vector<int> migrate(const std::filesystem::path& path, int target = 1 << 30);

 private:
  void writer_loop();
  void commit_batch(std::vector<WriteTask>& batch);
  // Returns the first task's error (its index in *failed) after rolling back, or null.
  std::exception_ptr run_in_transaction(std::vector<WriteTask>& tasks, std::size_t first,
                                        std::size_t count, std::size_t* failed);

  EngineOptions options_;
  std::unique_ptr<Connection> writer_;
  std::unique_ptr<Checkpointer> checkpointer_;

  mutable std::mutex mu_;
  std::condition_variable work_;
  std::deque<WriteTask> queue_;
  bool closing_ = false;
  std::thread thread_;
  std::uint64_t undone_ = 0;  // writer thread only: transactions rolled back so far
  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> tasks_{0};

  std::mutex version_mu_;
  std::unique_ptr<Connection> version_conn_;

  std::mutex pool_mu_;
  std::condition_variable pool_ready_;
  std::vector<std::unique_ptr<Connection>> pool_;
  int pool_created_ = 0;
};

}  // namespace decnet::store::sqlite
