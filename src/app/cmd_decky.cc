// `decnet decky run`: one decky — its services on their ports, its lines to the master through
// the outbox — until SIGINT or SIGTERM. Settings come from the settings table (DECNET_DECKY_*,
// the [decky] section of --config) and per-service fields from the [service.NAME] sections of
// the same file, with flags over both. `decnet decky services` lists what a decky can run.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <thread>

#include "app/commands.h"
#include "app/signals.h"
#include "core/config.h"
#include "core/log.h"
#include "decky/decky_server.h"
#include "decky/service_registry.h"

namespace decnet::app {
namespace {

struct DeckyFlags {
  std::string config_file;
  std::string name;
  std::string services;
  std::string master;
  std::string transport;
  std::vector<std::string> settings;  // service.key=value
};

int run_decky(const DeckyFlags& flags) {
  core::ConfigSources sources;
  sources.ini_file = flags.config_file;
  sources.foreign_ini_sections = {"service", "tarpit"};
  if (!flags.name.empty()) sources.overrides["DECNET_DECKY_NAME"] = flags.name;
  if (!flags.services.empty()) sources.overrides["DECNET_DECKY_SERVICES"] = flags.services;
  if (!flags.transport.empty()) sources.overrides["DECNET_DECKY_TRANSPORT"] = flags.transport;
  if (!flags.master.empty()) {
    const auto colon = flags.master.rfind(':');
    if (colon == std::string::npos) {
      throw core::ConfigError("--master: expected host:port, got '" + flags.master + "'");
    }
    sources.overrides["DECNET_DECKY_MASTER_HOST"] = flags.master.substr(0, colon);
    sources.overrides["DECNET_DECKY_MASTER_PORT"] = flags.master.substr(colon + 1);
  }
  decky::ServiceOverrides overrides;
  for (const auto& s : flags.settings) {
    const auto eq = s.find('=');
    const auto dot = s.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq) {
      throw core::ConfigError("--set: expected service.key=value, got '" + s + "'");
    }
    overrides[s.substr(0, dot)][s.substr(dot + 1, eq - dot - 1)] = s.substr(eq + 1);
  }
  const auto config = core::Config::load(sources);
  core::init_logging(config);
  for (const auto& warning : config.warnings()) spdlog::warn("config: {}", warning);
  auto decky_config = decky::load_decky_config(config, config.ini_file(), overrides);

  // Every connection is a descriptor: take the hard limit so DECNET_DECKY_MAX_CONNECTIONS, not
  // a default of 1024, is what bounds them.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  block_shutdown_signals();
  decky::DeckyServer server(std::move(decky_config));
  for (const auto& [service, port] : server.bound_ports()) {
    spdlog::info("decky {}: {} listening on {}:{}", config.decky_name(), service,
                 config.decky_bind(), port);
  }
  server.drop_privileges();
  std::thread loop([&] { server.run(); });
  int signal = 0;
  // SIGHUP: the INI is read again and the services it lists now are served, the others left
  // running untouched (a fleet master adds, removes and reconfigures services this way).
  while ((signal = wait_for_shutdown_or_reload_signal()) == SIGHUP) {
    try {
      const auto again = core::Config::load(sources);
      server.reconfigure(decky::load_decky_config(again, again.ini_file(), overrides));
      spdlog::info("decky {}: configuration reloaded", config.decky_name());
    } catch (const std::exception& e) {
      spdlog::error("decky {}: configuration not reloaded: {}", config.decky_name(), e.what());
    }
  }
  spdlog::info("decky {}: signal {}, stopping", config.decky_name(), signal);
  server.stop();
  loop.join();
  const auto stats = server.stats();
  spdlog::info(
      "decky {}: {} connections, {} lines, {} delivered, {} waiting in the outbox ({} B),"
      " {} dropped",
      config.decky_name(), stats.accepted, stats.lines, stats.delivered,
      stats.lines - std::min(stats.lines, stats.delivered), stats.outbox_pending_bytes,
      stats.outbox_dropped);
  return 0;
}

int list_services() {
  for (const auto& spec : decky::service_registry()) {
    std::string ports;
    for (const auto p : spec.ports) ports += (ports.empty() ? "" : ",") + std::to_string(p);
    std::string fields;
    for (const auto& f : spec.fields) {
      fields +=
          (fields.empty() ? "" : " ") + f.key + ":" + std::string(decky::field_type_name(f.type));
    }
    std::cout << spec.name << "\tports=" << ports
              << "\temulated=" << (spec.emulated() ? "yes" : "no") << "\tfields=" << fields << "\n";
  }
  return 0;
}

}  // namespace

void add_decky_command(CLI::App& root, Action& action) {
  auto* cmd = root.add_subcommand("decky", "Run a decky: the decoy services themselves");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<DeckyFlags>();
  auto* run = cmd->add_subcommand("run", "Serve the decky's services until SIGINT/SIGTERM");
  run->add_option("--config", flags->config_file,
                  "INI file: [decky] settings and [service.NAME] sections");
  run->add_option("--name", flags->name, "The decky's name (DECNET_DECKY_NAME)");
  run->add_option("--services", flags->services,
                  "Comma-separated services (DECNET_DECKY_SERVICES)");
  run->add_option("--master", flags->master,
                  "The master's receiver, host:port (DECNET_DECKY_MASTER_HOST/_PORT)");
  run->add_option("--transport", flags->transport, "relp, tcp or stdout (DECNET_DECKY_TRANSPORT)");
  run->add_option("--set", flags->settings,
                  "A service setting, service.key=value (e.g. ftp.ports=2121); repeatable");
  run->callback([&action, flags] { action = [flags] { return run_decky(*flags); }; });
  auto* services = cmd->add_subcommand("services", "List the services a decky can run");
  services->callback([&action] { action = [] { return list_services(); }; });
}

}  // namespace decnet::app
