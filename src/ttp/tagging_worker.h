// The tagging worker: ATT&CK techniques for what attackers did, as it is committed. It listens
// on attacker.session.ended and tags each command of the ended session with the pack's pattern
// rules (source kind "command", source id "<session uuid>#<n>"), writes the tags — whose uuid
// is derived from the source, the rule and the technique, so a replay inserts nothing — and
// publishes ttp.tagged and ttp.rule.fired.<technique> for the tags that are new.
//
// The rule directory is watched (RuleWatcher): a change reloads the whole pack, and a pack that
// no longer loads is refused with its file and line while the previous one keeps tagging.
//
// Operators' rule states (enabled / disabled / clipped, with an expiry) are read at start and
// again whenever an admin route announces a change on ttp.rule.state.<rule_id>.
//
// The events come through the worker's own bus queue and are written from its thread, so a
// slow database never stalls the publisher; a queue that overflows drops the oldest sessions
// and counts them (decnet ttp backfill, to come, tags what is stored).
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bus/bus.h"
#include "core/component.h"
#include "core/thread_annotations.h"
#include "store/repository.h"
#include "ttp/pattern_matcher.h"
#include "ttp/rule.h"
#include "ttp/rule_state.h"
#include "ttp/rule_watcher.h"

namespace decnet::ttp {

class TaggingWorker final : public core::Component {
 public:
  // `rules` were loaded from `dir`, which is watched from start() on.
  TaggingWorker(store::Repository& repo, bus::Bus& bus, std::filesystem::path dir,
                std::vector<Rule> rules);
  ~TaggingWorker() override;

  std::string name() const override { return "ttp"; }
  void start() override;
  void stop() override;
  nlohmann::json health() const override;

  // Tags the commands of one attacker.session.ended payload; returns how many tags were new.
  std::size_t tag_session(const nlohmann::json& payload);

  // The commands of one session, as a stored row or an event gives them.
  struct SessionCommands {
    std::string attacker_uuid;
    std::string session_uuid;
    std::optional<std::string> decky;
    std::optional<std::string> service;
    std::vector<std::pair<std::string, std::int64_t>> commands;  // text, when (0: unknown)
  };
  // Reads the operators' rule states (start() does, and again on each announced change).
  void reload_states();
  // The tags of a session's commands under the current rules and states (nothing written).
  std::vector<store::TtpTag> tags_of(const SessionCommands& session) const;

 private:
  store::Repository& repo_;
  bus::Bus& bus_;
  // A loaded pack: its rules and the matcher built over them, replaced whole on a reload.
  struct Pack {
    explicit Pack(std::vector<Rule> r) : rules(std::move(r)), matcher(rules) {}
    std::vector<Rule> rules;
    PatternMatcher matcher;
  };
  std::shared_ptr<const Pack> pack() const;
  void reload_rules();
  std::filesystem::path dir_;
  mutable core::Mutex pack_mu_;
  std::shared_ptr<const Pack> pack_ GUARDED_BY(pack_mu_);
  std::unique_ptr<RuleWatcher> watcher_;
  std::atomic<std::uint64_t> reloads_{0};
  std::atomic<std::uint64_t> refused_reloads_{0};
  mutable core::Mutex states_mu_;
  RuleStates states_ GUARDED_BY(states_mu_);
  bus::Subscription sessions_;
  bus::Subscription state_changes_;
  std::atomic<std::uint64_t> commands_{0};
  std::atomic<std::uint64_t> tags_{0};
  std::atomic<std::uint64_t> failures_{0};
};

}  // namespace decnet::ttp
