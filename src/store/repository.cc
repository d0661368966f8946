#include "store/repository.h"

#include "core/config.h"
#include "store/sqlite/sqlite_repository.h"

namespace decnet::store {

nlohmann::json to_json(const StoreHealth& h) {
  return {{"ok", h.ok},
          {"backend", h.backend},
          {"detail", h.detail},
          {"queued_writes", h.queued_writes},
          {"committed_batches", h.committed_batches},
          {"committed_writes", h.committed_writes}};
}

std::filesystem::path database_path(const core::Config& config) {
  const auto& explicit_path = config.db_path();
  if (!explicit_path.empty()) return explicit_path;
  return config.data_dir() / "decnet.db";
}

std::unique_ptr<Repository> open_repository(const core::Config& config) {
  sqlite::EngineOptions options;
  options.path = database_path(config);
  options.read_connections = static_cast<int>(config.db_read_connections());
  options.migrate = config.db_auto_migrate();
  options.max_bytes = static_cast<std::uint64_t>(config.db_max_mb()) * 1024 * 1024;
  return sqlite::open_sqlite_repository(options);
}

}  // namespace decnet::store
