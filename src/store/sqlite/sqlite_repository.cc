#include "store/sqlite/sqlite_repository.h"

#include "store/attacker_repository.h"
#include "store/credential_repository.h"
#include "store/log_repository.h"
#include "store/sqlite/domains.h"
#include "store/state_repository.h"

namespace decnet::store::sqlite {
namespace {

class SqliteRepository final : public Repository {
 public:
  explicit SqliteRepository(const EngineOptions& options)
      : engine_(options),
        logs_(make_log_repository(engine_)),
        dead_letters_(make_dead_letter_repository(engine_)),
        attackers_(make_attacker_repository(engine_)),
        credentials_(make_credential_repository(engine_)),
        credential_reuse_(make_credential_reuse_repository(engine_)),
        state_(make_state_repository(engine_)) {}

  ~SqliteRepository() override { close(); }

  void submit(WriteTask task) override { engine_.submit(std::move(task)); }

  LogRepository& logs() override { return *logs_; }
  DeadLetterRepository& dead_letters() override { return *dead_letters_; }
  AttackerRepository& attackers() override { return *attackers_; }
  CredentialRepository& credentials() override { return *credentials_; }
  CredentialReuseRepository& credential_reuse() override { return *credential_reuse_; }
  StateRepository& state() override { return *state_; }

  StoreHealth health() const override {
    StoreHealth h;
    h.backend = "sqlite";
    h.detail = engine_.path().string();
    h.queued_writes = engine_.queued();
    h.committed_batches = engine_.committed_batches();
    h.committed_writes = engine_.committed_tasks();
    try {
      auto lease = const_cast<Engine&>(engine_).read();
      h.ok = query_int64(*lease, "SELECT 1").value_or(0) == 1;
    } catch (const std::exception& e) {
      h.ok = false;
      h.detail = e.what();
    }
    return h;
  }

  void close() override { engine_.close(); }

 private:
  Engine engine_;
  std::unique_ptr<LogRepository> logs_;
  std::unique_ptr<DeadLetterRepository> dead_letters_;
  std::unique_ptr<AttackerRepository> attackers_;
  std::unique_ptr<CredentialRepository> credentials_;
  std::unique_ptr<CredentialReuseRepository> credential_reuse_;
  std::unique_ptr<StateRepository> state_;
};

}  // namespace

std::unique_ptr<Repository> open_sqlite_repository(const EngineOptions& options) {
  return std::make_unique<SqliteRepository>(options);
}

}  // namespace decnet::store::sqlite
