// `decnet db status` and `decnet db migrate`: the schema version of the configured database
// and the migrations this binary would apply. Start-up applies them by itself unless
// DECNET_DB_AUTO_MIGRATE=false, for operators who want to migrate deliberately.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/commands.h"
#include "core/config.h"
#include "store/repository.h"
#include "store/sqlite/engine.h"

namespace decnet::app {

void add_db_command(CLI::App& root, Action& action) {
  auto* cmd = root.add_subcommand("db", "Inspect or migrate the database schema");
  cmd->require_subcommand(1);

  cmd->add_subcommand("status", "Print the schema version and pending migrations")
      ->callback([&action] {
        action = [] {
          const auto config = core::Config::load();
          const auto path = store::database_path(config);
          const auto status = store::sqlite::Engine::schema_status(path);
          std::cout << "database: " << path.string() << "\n"
                    << "schema version: " << status.current << " (latest " << status.latest
                    << ")\n";
          if (status.pending.empty()) {
            std::cout << "up to date\n";
          } else {
            std::cout << "pending:";
            for (int v : status.pending) std::cout << " " << v;
            std::cout << "\n";
          }
          return 0;
        };
      });

  cmd->add_subcommand("migrate", "Apply pending migrations")->callback([&action] {
    action = [] {
      const auto config = core::Config::load();
      const auto path = store::database_path(config);
      std::filesystem::create_directories(path.parent_path());
      const auto applied = store::sqlite::Engine::migrate(path);
      if (applied.empty()) {
        std::cout << "up to date\n";
      } else {
        for (int v : applied) std::cout << "applied migration " << v << "\n";
      }
      return 0;
    };
  });
}

}  // namespace decnet::app
