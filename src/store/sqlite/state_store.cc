#include "core/json_text.h"
#include "core/time.h"
#include "store/sqlite/domains.h"
#include "store/state_repository.h"

namespace decnet::store::sqlite {
namespace {

class SqliteStateRepository final : public StateRepository {
 public:
  explicit SqliteStateRepository(Engine& engine) : engine_(engine) {}

  std::optional<nlohmann::json> get(const std::string& key) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT value FROM state WHERE key = ?");
    stmt.bind(1, key);
    if (!stmt.step()) return std::nullopt;
    auto value = nlohmann::json::parse(stmt.text_view(0), nullptr, false);
    if (value.is_discarded()) return std::nullopt;
    return value;
  }

  void put(WriteScope& scope, const std::string& key, const nlohmann::json& value) override {
    connection_of(scope)
        .prepare(
            "INSERT INTO state(key, value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = "
            "excluded.updated_at")
        .bind_all(key, core::json_text(value), core::now_micros())
        .run();
  }

  bool remove(WriteScope& scope, const std::string& key) override {
    return connection_of(scope).prepare("DELETE FROM state WHERE key = ?").bind_all(key).run() > 0;
  }

 private:
  Engine& engine_;
};

}  // namespace

std::unique_ptr<StateRepository> make_state_repository(Engine& engine) {
  return std::make_unique<SqliteStateRepository>(engine);
}

}  // namespace decnet::store::sqlite
