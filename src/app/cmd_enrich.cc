// `decnet enrich`: one threat-intel pass by hand — every attacker that is due, or one attacker
// named by --ip or --uuid, looked up now whether due or not. Prints each attacker's aggregate
// verdict and what each provider answered; the results are stored and announced exactly as the
// worker would.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/commands.h"
#include "app/runtime.h"
#include "core/config.h"
#include "core/log.h"
#include "enrich/intel_config.h"
#include "enrich/intel_worker.h"
#include "store/attacker_repository.h"

namespace decnet::app {
namespace {

void print(const store::AttackerIntel& intel) {
  std::cout << intel.attacker_ip << " verdict=" << intel.aggregate_verdict;
  for (const auto& [name, answer] : intel.providers) {
    std::cout << " " << name << "=";
    if (answer.error) {
      std::cout << "error(" << *answer.error << ")";
    } else {
      std::cout << answer.verdict.value_or("none");
    }
  }
  std::cout << "\n";
}

int enrich(const std::string& ip, const std::string& uuid) {
  const auto config = core::Config::load();
  core::init_logging(config);
  Runtime runtime(config, "enrich");
  enrich::IntelWorker worker(runtime.repository(), runtime.bus(),
                             enrich::make_intel_providers(enrich::intel_config(config)),
                             enrich::intel_worker_options(config));
  if (ip.empty() && uuid.empty()) {
    const auto done = worker.run_once();
    std::cout << done << " attackers looked up\n";
    return 0;
  }
  auto& attackers = runtime.repository().attackers();
  const auto attacker = uuid.empty() ? attackers.get_by_ip(ip) : attackers.get(uuid);
  if (!attacker) {
    std::cerr << "no attacker " << (uuid.empty() ? ip : uuid) << "\n";
    return 1;
  }
  print(worker.enrich(attacker->uuid, attacker->ip));
  return 0;
}

}  // namespace

void add_enrich_command(CLI::App& root, Action& action) {
  auto* cmd = root.add_subcommand("enrich", "Run one threat-intel pass now");
  auto ip = std::make_shared<std::string>();
  auto uuid = std::make_shared<std::string>();
  auto* by_ip = cmd->add_option("--ip", *ip, "Look up the attacker with this address");
  cmd->add_option("--uuid", *uuid, "Look up the attacker with this uuid")->excludes(by_ip);
  cmd->callback([&action, ip, uuid] { action = [ip, uuid] { return enrich(*ip, *uuid); }; });
}

}  // namespace decnet::app
