// `decnet deploy FILE` and `decnet teardown [NAME | --all]`: the fleet on this host from the
// command line, through the same Fleet the API uses and into the same database, so `decnet
// serve` (running or started later) sees what was deployed. Deckies send to the master's RELP
// receiver at the fleet's gateway: deploy says so when the settings would leave them talking
// to nobody.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "app/commands.h"
#include "core/config.h"
#include "core/log.h"
#include "fleet/compose_model.h"
#include "fleet/fleet.h"
#include "store/repository.h"

namespace decnet::app {
namespace {

struct DeployFlags {
  std::string file;
  std::string mode = "unihost";
  std::string output = "decnet-compose.yml";
  std::string master;  // host:port the compose fleet's deckies send to
  bool dry_run = false;
  bool replace = false;
  std::optional<std::uint64_t> seed;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

void warn_about_master(const core::Config& config, const decky::FleetNetwork& network) {
  if (!config.syslog_relp_enabled()) {
    std::cerr << "decnet: note: DECNET_SYSLOG_RELP_ENABLED is off; the deckies keep their lines "
                 "in their outboxes until the master receives RELP\n";
  }
  const auto& host = config.syslog_relp_host();
  if (host != network.gateway && host != "0.0.0.0") {
    std::cerr << "decnet: note: the deckies send to " << network.gateway << ":"
              << config.syslog_relp_port() << "; set DECNET_SYSLOG_RELP_HOST=" << network.gateway
              << " for the master to receive them\n";
  }
}

// The reference's Docker Compose model of the plan, written to a file; nothing is made here.
int write_compose(const DeployFlags& flags, const core::Config& config) {
  const auto options = fleet::fleet_options(config);
  decky::DeployPlan plan;
  try {
    plan = fleet::standalone_plan(read_file(flags.file), options,
                                  flags.seed.value_or(std::random_device{}()));
  } catch (const fleet::FleetConflict& e) {
    std::cerr << "decnet: deploy refused: " << e.what() << "\n";
    return 1;
  }
  fleet::ComposeOptions compose;
  compose.master_host = plan.network.gateway;
  compose.master_port = config.syslog_relp_port();
  if (!flags.master.empty()) {
    const auto colon = flags.master.rfind(':');
    if (colon == std::string::npos) {
      throw core::ConfigError("--master: expected host:port, got '" + flags.master + "'");
    }
    compose.master_host = flags.master.substr(0, colon);
    compose.master_port = std::stoi(flags.master.substr(colon + 1));
  }
  std::ofstream out(flags.output, std::ios::trunc);
  out << fleet::compose_model(plan, compose);
  if (!out) throw std::runtime_error("cannot write " + flags.output);
  for (const auto& d : plan.deckies) {
    std::cout << d.name << " " << d.ip << " " << joined(d.services) << "\n";
  }
  std::cout << "compose file " << flags.output << " (docker compose -p decnet -f " << flags.output
            << " up -d, with the external network decnet_lan made first)\n";
  return 0;
}

int deploy(const DeployFlags& flags) {
  const auto config = core::Config::load();
  core::init_logging(config);
  if (flags.mode == "compose") return write_compose(flags, config);
  std::filesystem::create_directories(config.data_dir());
  ::chmod(config.data_dir().c_str(), 0750);
  const auto repo = store::open_repository(config);
  fleet::Fleet fleet(*repo, nullptr, fleet::fleet_options(config));
  fleet::DeployRequest request{read_file(flags.file), flags.replace, flags.dry_run, flags.seed};
  fleet::DeployResult result;
  try {
    result = fleet.deploy(request);
  } catch (const fleet::FleetConflict& e) {
    std::cerr << "decnet: deploy refused: " << e.what() << "\n";
    return 1;
  }
  const auto& plan = result.plan;
  std::cout << "network " << plan.network.subnet << " gateway " << plan.network.gateway
            << " bridge " << fleet.options().host.bridge << "\n";
  for (const auto& d : plan.deckies) {
    const bool up =
        std::find(result.deployed.begin(), result.deployed.end(), d.name) != result.deployed.end();
    std::cout << d.name << " " << d.ip << " "
              << (flags.dry_run ? "planned"
                  : up          ? "running"
                                : "failed")
              << " " << joined(d.services) << "\n";
  }
  for (const auto& name : result.replaced) std::cout << name << " replaced\n";
  for (const auto& failure : result.failures) std::cerr << "decnet: " << failure << "\n";
  if (!flags.dry_run) warn_about_master(config, plan.network);
  repo->close();
  return result.failures.empty() ? 0 : 1;
}

int teardown(const std::string& name, bool all) {
  const auto config = core::Config::load();
  core::init_logging(config);
  const auto repo = store::open_repository(config);
  fleet::Fleet fleet(*repo, nullptr, fleet::fleet_options(config));
  int status = 0;
  if (all) {
    for (const auto& n : fleet.teardown_all()) std::cout << n << " torn down\n";
  } else {
    try {
      fleet.teardown(name);
      std::cout << name << " torn down\n";
    } catch (const fleet::FleetNotFound& e) {
      std::cerr << "decnet: " << e.what() << "\n";
      status = 1;
    }
  }
  repo->close();
  return status;
}

}  // namespace

void add_fleet_commands(CLI::App& root, Action& action) {
  auto flags = std::make_shared<DeployFlags>();
  auto* deploy_cmd =
      root.add_subcommand("deploy", "Deploy the deckies of a deploy INI (or YAML) on this host");
  deploy_cmd->add_option("file", flags->file, "The deploy INI, or the same in YAML")->required();
  deploy_cmd->add_flag("--dry-run", flags->dry_run, "Print the plan; make nothing");
  deploy_cmd->add_flag("--replace", flags->replace,
                       "Replace the fleet (tear every deployed decky down first)");
  deploy_cmd->add_option("--seed", flags->seed, "Seed for services drawn at random");
  deploy_cmd
      ->add_option("--mode", flags->mode,
                   "unihost: namespaces on this host; compose: write the Docker Compose "
                   "model instead")
      ->check(CLI::IsMember({"unihost", "compose"}));
  deploy_cmd->add_option("--output", flags->output, "The compose file --mode compose writes");
  deploy_cmd->add_option("--master", flags->master,
                         "host:port the compose fleet's deckies send to (default: the gateway "
                         "and DECNET_SYSLOG_RELP_PORT)");
  deploy_cmd->callback([&action, flags] { action = [flags] { return deploy(*flags); }; });

  auto name = std::make_shared<std::string>();
  auto all = std::make_shared<bool>(false);
  auto* teardown_cmd = root.add_subcommand("teardown", "Remove deployed deckies from this host");
  teardown_cmd->add_option("name", *name, "The decky to remove");
  teardown_cmd->add_flag("--all", *all, "Remove every deployed decky");
  teardown_cmd->callback([&action, name, all] {
    if (name->empty() == !*all) {
      throw CLI::ValidationError("teardown", "give a decky's name or --all");
    }
    action = [name, all] { return teardown(*name, *all); };
  });
}

}  // namespace decnet::app
