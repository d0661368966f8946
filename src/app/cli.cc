#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <string>

#include "app/commands.h"
#include "bus/bus_error.h"
#include "core/config.h"

namespace decnet::app {
namespace {

// CLI11 answers --help before it notices that a word is not a command, so `decnet NOSUCH
// --help` printed the top-level help and exited 0. The words that name commands are checked
// first: until a command without subcommands is reached, every word that is not an option must
// be one of the current command's subcommands.
std::optional<std::string> unknown_command(CLI::App& root, int argc, char** argv) {
  CLI::App* current = &root;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--") break;
    if (word.empty() || word.front() == '-') continue;
    const auto subcommands = current->get_subcommands([](CLI::App*) { return true; });
    if (subcommands.empty()) break;
    CLI::App* next = nullptr;
    for (auto* sub : subcommands) {
      if (sub->check_name(word)) next = sub;
    }
    if (!next) {
      return current == &root ? "unknown command '" + word + "'"
                              : "unknown command '" + word + "' for '" + current->get_name() + "'";
    }
    current = next;
  }
  return std::nullopt;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App root{"DECNET: the intelligence core of a honeypot deception network", "decnet"};
  root.require_subcommand(1);
  root.set_help_all_flag("--help-all", "Show help for every command");
  Action action;
  add_serve_command(root, action);
  add_bus_command(root, action);
  add_version_command(root, action);
  add_config_command(root, action);
  add_replay_command(root, action);
  add_db_command(root, action);
  add_geoip_command(root, action);
  add_enrich_command(root, action);
  add_ttp_command(root, action);
  add_identities_command(root, action);
  add_decky_command(root, action);
  add_fleet_commands(root, action);

  if (const auto problem = unknown_command(root, argc, argv)) {
    std::cerr << "decnet: " << *problem << " (see decnet --help)\n";
    return 2;
  }
  try {
    root.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return root.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line and status 2 for any usage error, whatever CLI11 would have printed.
    std::cerr << "decnet: " << e.what() << " (see --help)\n";
    return 2;
  }
  if (!action) return 2;
  try {
    return action();
  } catch (const core::ConfigError& e) {
    std::cerr << "decnet: configuration error: " << e.what() << "\n";
    return 2;
  } catch (const bus::BusError& e) {
    std::cerr << "decnet: bus error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "decnet: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace decnet::app
