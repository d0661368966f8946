// `decnet serve`: the whole system in one process on the embedded defaults. It loads and
// validates the configuration, prepares the data directory, connects the bus and runs the
// components under the supervisor until SIGINT or SIGTERM.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <filesystem>

#include "app/commands.h"
#include "app/signals.h"
#include "app/supervisor.h"
#include "bus/factory.h"
#include "core/config.h"
#include "core/log.h"

namespace decnet::app {
namespace {

void prepare_data_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create data directory " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0750);
}

int serve() {
  block_shutdown_signals();
  const auto config = core::Config::load();
  core::init_logging(config);
  for (const auto& warning : config.warnings()) spdlog::warn("config: {}", warning);

  const auto data_dir = config.path("DECNET_DATA_DIR");
  prepare_data_dir(data_dir);
  auto bus = bus::make_bus(config, "serve");
  spdlog::info("decnet {} serving; data in {}; bus {}", DECNET_VERSION,
               std::filesystem::absolute(data_dir).string(), bus->health().transport);

  Supervisor supervisor(*bus, std::chrono::seconds(config.integer("DECNET_HEARTBEAT_SECONDS")));
  supervisor.start();
  spdlog::info("ready: {} components running", supervisor.running());

  const int signal = wait_for_shutdown_signal();
  spdlog::info("signal {} received, shutting down", signal);
  supervisor.stop();
  bus->close();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& root, Action& action) {
  auto* cmd = root.add_subcommand("serve", "Run DECNET (all components, one process)");
  cmd->callback([&action] { action = serve; });
}

}  // namespace decnet::app
