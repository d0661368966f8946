// `decnet config show` prints every setting's effective value and where it came from, with
// secrets masked, so an operator can see what a running instance would use without reading
// four places. `decnet config table` prints the Markdown table embedded in the README.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/commands.h"
#include "core/config.h"

namespace decnet::app {

void add_config_command(CLI::App& root, Action& action) {
  auto* cmd = root.add_subcommand("config", "Inspect the configuration");
  cmd->require_subcommand(1);

  auto* show = cmd->add_subcommand("show", "Print effective settings and their source");
  show->callback([&action] {
    action = [] {
      const auto config = core::Config::load();
      std::size_t width = 0;
      for (const auto& spec : core::settings_table()) width = std::max(width, spec.name.size());
      for (const auto& spec : core::settings_table()) {
        const auto& v = config.value(spec.name);
        std::string source(core::source_name(v.source));
        if (!v.origin.empty()) source += " " + v.origin;
        std::cout << std::string(spec.name) << std::string(width - spec.name.size() + 2, ' ')
                  << config.display_value(spec.name) << "  (" << source << ")\n";
      }
      for (const auto& warning : config.warnings()) std::cerr << "warning: " << warning << "\n";
      return 0;
    };
  });

  auto* table = cmd->add_subcommand("table", "Print the settings table as Markdown");
  table->callback([&action] {
    action = [] {
      std::cout << core::settings_markdown_table();
      return 0;
    };
  });
}

}  // namespace decnet::app
