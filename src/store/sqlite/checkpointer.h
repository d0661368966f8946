// Moves WAL pages back into the database file off the writer's path.
//
// SQLite's automatic checkpoint runs inside the COMMIT that crosses the WAL threshold: that
// commit copies thousands of pages and fsyncs the database file while every queued write, and
// every event waiting on it, stands still. The writer instead turns automatic checkpoints off
// and, through the WAL hook, wakes this thread, which checkpoints PASSIVE on its own connection:
// it never takes the write lock, so commits continue while it copies. SQLite restarts the WAL
// from the beginning at the next commit after a complete checkpoint, which keeps the file small.
//
// If checkpoints cannot keep up (a long read pins old pages), the WAL may grow; past
// `hard_limit_pages` the writer checkpoints itself, as SQLite would have done, so it stays
// bounded.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "store/sqlite/connection.h"

namespace decnet::store::sqlite {

struct CheckpointOptions {
  int wake_at_pages = 2000;       // WAL size that wakes the checkpointer (~8 MB at 4 KiB)
  int hard_limit_pages = 100000;  // WAL size at which the writer checkpoints itself
};

class Checkpointer {
 public:
  Checkpointer(const std::filesystem::path& path, Connection& writer, CheckpointOptions options,
               int busy_timeout_ms);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  std::uint64_t checkpoints() const { return checkpoints_.load(); }

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void run();

  const CheckpointOptions options_;
  Connection& writer_;
  std::unique_ptr<Connection> own_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  std::atomic<std::uint64_t> checkpoints_{0};
  std::thread thread_;
};

}  // namespace decnet::store::sqlite
