#include <CLI/CLI.hpp>
#include <iostream>

#include "app/commands.h"

namespace decnet::app {

void add_version_command(CLI::App& root, Action& action) {
  auto* cmd = root.add_subcommand("version", "Print the DECNET version");
  cmd->callback([&action] {
    action = [] {
      std::cout << "decnet " << DECNET_VERSION << "\n";
      return 0;
    };
  });
}

}  // namespace decnet::app
