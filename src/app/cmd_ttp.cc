// `decnet ttp backfill [--dry-run]`: tags what is already stored — every stored session, its
// commands one by one and as a whole, with the rules and rule states `decnet serve` would use. Tags
// are identified by their source, rule and technique, so running it twice, or beside a serving
// master, inserts each tag once; it publishes nothing. --dry-run counts the tags that would be new
// and writes none.
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>

#include "app/commands.h"
#include "bus/inprocess_bus.h"
#include "core/config.h"
#include "core/log.h"
#include "core/time.h"
#include "store/repository.h"
#include "store/session_repository.h"
#include "store/ttp_repository.h"
#include "ttp/rule_loader.h"
#include "ttp/tag_sources.h"
#include "ttp/tagging_worker.h"

namespace decnet::app {
namespace {

constexpr std::int64_t kSessionsPerRead = 500;

int backfill(bool dry_run) {
  const auto config = core::Config::load();
  core::init_logging(config);
  const auto dir = config.ttp_rules_dir().empty() ? ttp::shipped_rule_directory()
                                                  : std::filesystem::path(config.ttp_rules_dir());
  std::vector<ttp::Rule> rules;
  try {
    rules = ttp::load_rule_directory(dir);
  } catch (const ttp::RuleError& e) {
    throw core::ConfigError("DECNET_TTP_RULES_DIR: " + std::string(e.what()));
  }
  // The database only: no pipeline and no vector store, so it runs beside a serving master.
  // Backfilled tags are announced to no one, so the bus is a private one.
  const auto opened = store::open_repository(config);
  auto& repo = *opened;
  bus::InProcessBus quiet;
  ttp::TaggingWorker tagger(repo, quiet, dir, std::move(rules));
  tagger.reload_states();
  const auto started = std::chrono::steady_clock::now();
  std::int64_t after = 0, sessions = 0, commands = 0, tags = 0, inserted = 0;
  while (true) {
    const auto batch = repo.sessions().list_sessions_with_commands(after, kSessionsPerRead);
    if (batch.empty()) break;
    for (const auto& s : batch) {
      // The session as attacker.session.ended announced it.
      nlohmann::json ended = {{"attacker_uuid", s.attacker_uuid},
                              {"session_uuid", s.uuid},
                              {"decky_id", s.decky},
                              {"service", s.service},
                              {"commands", nlohmann::json::array()}};
      for (const auto& c : s.commands) {
        ended["commands"].push_back(
            {{"command_text", c.command}, {"ts", core::format_rfc3339(c.ts)}});
      }
      const auto found = tagger.tags_of(ttp::session_events(ended));
      sessions += 1;
      commands += static_cast<std::int64_t>(s.commands.size());
      tags += static_cast<std::int64_t>(found.size());
      if (found.empty()) continue;
      if (dry_run) {
        for (const auto& t : found) {
          const auto uuid =
              store::compute_tag_uuid(t.source_kind, t.source_id, t.rule_id, t.rule_version,
                                      t.technique_id, t.sub_technique_id);
          if (t.confidence >= store::kTagConfidenceFloor && !repo.ttp().get_tag(uuid))
            inserted += 1;
        }
      } else {
        inserted += static_cast<std::int64_t>(
            repo.write_now([&](store::WriteScope& w) { return repo.ttp().insert_tags(w, found); })
                .size());
      }
    }
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "source=command sessions=" << sessions << " commands=" << commands
            << " tags=" << tags << (dry_run ? " would_insert=" : " inserted=") << inserted
            << " dry_run=" << (dry_run ? "true" : "false") << " elapsed_s=" << elapsed << "\n";
  repo.close();
  return 0;
}

}  // namespace

void add_ttp_command(CLI::App& root, Action& action) {
  auto* cmd = root.add_subcommand("ttp", "ATT&CK tagging");
  cmd->require_subcommand(1);
  auto* fill = cmd->add_subcommand("backfill", "Tag the commands of every stored session");
  auto dry_run = std::make_shared<bool>(false);
  fill->add_flag("--dry-run", *dry_run, "Count the tags that would be new; write nothing");
  fill->callback([&action, dry_run] { action = [dry_run] { return backfill(*dry_run); }; });
}

}  // namespace decnet::app
