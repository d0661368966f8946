#include "store/sqlite/checkpointer.h"

#include <spdlog/spdlog.h>

#include "core/thread_name.h"

namespace decnet::store::sqlite {

Checkpointer::Checkpointer(const std::filesystem::path& path, Connection& writer,
                           CheckpointOptions options, int busy_timeout_ms)
    : options_(options), writer_(writer) {
  own_ = std::make_unique<Connection>(path, Connection::Mode::kReadWrite, busy_timeout_ms);
  // Replaces the automatic checkpoint, which SQLite implements with this same hook.
  sqlite3_wal_hook(writer_.handle(), &Checkpointer::on_commit, this);
  thread_ = std::thread([this] {
    core::name_this_thread("db-checkpoint");
    run();
  });
}

Checkpointer::~Checkpointer() {
  sqlite3_wal_hook(writer_.handle(), nullptr, nullptr);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

int Checkpointer::on_commit(void* self, sqlite3* db, const char* schema, int wal_pages) {
  auto& me = *static_cast<Checkpointer*>(self);
  if (wal_pages >= me.options_.hard_limit_pages) {
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  if (wal_pages >= me.options_.wake_at_pages) {
    {
      std::lock_guard lock(me.mu_);
      me.pending_ = true;
    }
    me.wake_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || pending_; });
    if (stopping_) return;
    pending_ = false;
    lock.unlock();
    int wal = 0, copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(own_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                             &wal, &copied);
    if (rc == SQLITE_OK) {
      checkpoints_.fetch_add(1, std::memory_order_relaxed);
    } else if (rc != SQLITE_BUSY) {
      spdlog::warn("database: background checkpoint failed: {}", sqlite3_errstr(rc));
    }
    lock.lock();
  }
}

}  // namespace decnet::store::sqlite
