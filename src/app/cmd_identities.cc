// `decnet identities rebuild`: every identity recomputed from the database alone — the evidence
// in identity_evidence, grouped from scratch (no incremental state), settled against the
// identity rows that exist with the same rules the serving worker applies, and attackers still
// without an identity given one. On a database the worker kept it changes nothing; after a
// change of DECNET_IDENTITY_COMMON_AFTER, or on a database that lost its identity rows, it puts
// them right. Run it with `decnet serve` stopped: a serving worker keeps its own view until it
// restarts.
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>

#include "app/commands.h"
#include "core/config.h"
#include "core/log.h"
#include "identity/identity_worker.h"
#include "store/repository.h"

namespace decnet::app {
namespace {

int rebuild() {
  const auto config = core::Config::load();
  core::init_logging(config);
  const auto opened = store::open_repository(config);
  const auto started = std::chrono::steady_clock::now();
  const auto report = identity::rebuild_identities(
      *opened, static_cast<std::size_t>(config.identity_common_after()));
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "attackers_with_evidence=" << report.attackers << " identities=" << report.components
            << " created=" << report.created << " merged=" << report.merged
            << " unmerged=" << report.unmerged << " relinked=" << report.relinked
            << " unlinked_given_identity=" << report.singletons << " elapsed_s=" << elapsed << "\n";
  opened->close();
  return 0;
}

}  // namespace

void add_identities_command(CLI::App& root, Action& action) {
  auto* cmd = root.add_subcommand("identities", "Identities across attacker addresses");
  cmd->require_subcommand(1);
  auto* again = cmd->add_subcommand(
      "rebuild", "Recompute every identity from the stored evidence (with serve stopped)");
  again->callback([&action] { action = [] { return rebuild(); }; });
}

}  // namespace decnet::app
