// `decnet bus`: runs the host-local UNIX-socket broker that lets several decnet processes on one
// machine share a bus (DECNET_BUS_TYPE=unix). Flags override the configuration; the socket
// defaults to <DECNET_DATA_DIR>/bus.sock, and only that data directory is created on demand, so
// a typo in an explicit --socket fails loudly instead of creating stray directories. SIGINT and
// SIGTERM stop the broker cleanly (the socket is removed) with exit status 0.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "app/commands.h"
#include "app/signals.h"
#include "bus/bus_error.h"
#include "bus/unix_broker.h"
#include "core/config.h"
#include "core/log.h"

namespace decnet::app {
namespace {

struct BusFlags {
  std::string socket;
  std::string group;
  int heartbeat = 0;
  CLI::Option* socket_option = nullptr;
  CLI::Option* group_option = nullptr;
  CLI::Option* heartbeat_option = nullptr;
};

int run_bus(const BusFlags& flags) {
  namespace fs = std::filesystem;
  const auto config = core::Config::load();
  core::init_logging(config);
  const fs::path data_dir = config.data_dir();
  std::string socket = config.bus_socket();
  if (flags.socket_option->count() > 0) socket = flags.socket;

  bus::UnixBroker::Options options;
  options.socket_path = socket.empty() ? data_dir / "bus.sock" : fs::path(socket);
  options.group = flags.group_option->count() > 0 ? flags.group : config.bus_group();
  options.heartbeat_interval = std::chrono::seconds(flags.heartbeat_option->count() > 0
                                                        ? static_cast<std::int64_t>(flags.heartbeat)
                                                        : config.bus_heartbeat_seconds());

  const auto parent = options.socket_path.parent_path();
  if (!parent.empty() && parent.lexically_normal() == data_dir.lexically_normal()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) {
      throw bus::BusError("cannot create the data directory " + parent.native() + ": " +
                          ec.message());
    }
  }

  block_shutdown_signals();
  bus::UnixBroker broker(options);
  broker.start();

  std::exception_ptr failure;
  std::atomic<bool> stopping{false};
  std::thread loop([&] {
    try {
      broker.run();
    } catch (...) {
      failure = std::current_exception();
    }
    if (!stopping.load()) ::kill(::getpid(), SIGTERM);  // run() ended on its own: wake the wait
  });
  const int received = wait_for_shutdown_signal();
  stopping.store(true);
  spdlog::info("bus: stopping ({})", received == SIGINT ? "SIGINT" : "SIGTERM");
  broker.stop();
  loop.join();
  if (failure) std::rethrow_exception(failure);
  return 0;
}

}  // namespace

void add_bus_command(CLI::App& root, Action& action) {
  auto flags = std::make_shared<BusFlags>();
  auto* cmd = root.add_subcommand("bus", "Run the host-local UNIX-socket bus broker");
  flags->socket_option =
      cmd->add_option("-s,--socket", flags->socket,
                      "Socket path (default: DECNET_BUS_SOCKET, else <DECNET_DATA_DIR>/bus.sock)");
  flags->group_option = cmd->add_option(
      "-g,--group", flags->group, "Group owning the socket; empty leaves it (DECNET_BUS_GROUP)");
  flags->heartbeat_option =
      cmd->add_option("-H,--heartbeat", flags->heartbeat,
                      "Seconds between system.bus.health beats (DECNET_BUS_HEARTBEAT_SECONDS)")
          ->check(CLI::Range(1, 3600));
  cmd->callback([&action, flags] { action = [flags] { return run_bus(*flags); }; });
}

}  // namespace decnet::app
