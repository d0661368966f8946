// The `decnet` command line. Each command lives in its own cmd_*.cc and registers itself on the
// root CLI11 app; the chosen command's action runs after parsing and returns the exit status.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace decnet::app {

using Action = std::function<int()>;

// Each adds a subcommand to `root`; when that subcommand is selected, `action` is set.
void add_serve_command(CLI::App& root, Action& action);
void add_bus_command(CLI::App& root, Action& action);
void add_version_command(CLI::App& root, Action& action);
void add_config_command(CLI::App& root, Action& action);
void add_replay_command(CLI::App& root, Action& action);
void add_db_command(CLI::App& root, Action& action);
void add_geoip_command(CLI::App& root, Action& action);
void add_enrich_command(CLI::App& root, Action& action);
void add_ttp_command(CLI::App& root, Action& action);
void add_identities_command(CLI::App& root, Action& action);
void add_decky_command(CLI::App& root, Action& action);
void add_fleet_commands(CLI::App& root, Action& action);

// Parses argv and runs the selected command. Returns the process exit status:
// 0 success, 1 runtime failure, 2 usage error (unknown flag, bad value).
int run_cli(int argc, char** argv);

}  // namespace decnet::app
