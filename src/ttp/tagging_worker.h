// The tagging worker: ATT&CK techniques for what attackers did, as it is committed. Its inputs:
//   - attacker.session.ended: each command of the session, and the session as a whole;
//   - attacker.scored turning to beaconing: the attacker's beacon timing;
//   - attacker.intel.enriched: what the providers said of the address;
//   - credential.reuse.detected: a secret reused across targets, per attacker;
//   - email.received: a mail sent through an SMTP decky;
//   - identity.formed / identity.merged, canary.<token>.triggered and attacker.fingerprinted of
//     type ipv6_leak: identities, tripped canaries and leaked link-local addresses;
//   - submit() (TagSink), from ingest: login attempts (grouped into episodes, AuthEpisodes), HTTP
//     requests, fingerprints of attacker hosts and clients.
// Tags, whose uuid is derived from the source, the rule and the technique, are written
// insert-or-ignore, so a replay inserts nothing; ttp.tagged and ttp.rule.fired.<technique> are
// published for the new ones only.
//
// The rule directory is watched (RuleWatcher): a change reloads the whole pack, and a pack that
// no longer loads is refused with its file and line while the previous one keeps tagging.
// Operators' rule states are read at start and again whenever an admin route announces a change
// on ttp.rule.state.<rule_id>.
//
// Events wait in one bounded queue (the bus inputs and submit() alike), so a slow database never
// stalls a publisher, and one thread tags them. The tags found wait for the write in flight, so
// a writer busy with ingest delays tags rather than the tagging: one transaction carries what
// many batches found. When the queue overflows the oldest events are dropped and counted
// (decnet ttp backfill tags what is stored).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "bus/bus.h"
#include "core/component.h"
#include "core/thread_annotations.h"
#include "store/repository.h"
#include "ttp/auth_episodes.h"
#include "ttp/event_tagger.h"
#include "ttp/rule.h"
#include "ttp/rule_state.h"
#include "ttp/rule_watcher.h"
#include "ttp/tag_event.h"

namespace decnet::ttp {

class TaggingWorker final : public core::Component, public TagSink {
 public:
  static constexpr std::size_t kSubmitCapacity = 131'072;  // events waiting from submit()

  // `rules` were loaded from `dir`, which is watched from start() on.
  TaggingWorker(store::Repository& repo, bus::Bus& bus, std::filesystem::path dir,
                std::vector<Rule> rules);
  ~TaggingWorker() override;

  std::string name() const override { return "ttp"; }
  void start() override;
  void stop() override;
  nlohmann::json health() const override;

  void submit(std::vector<TagEvent> events) override;

  // Reads the operators' rule states (start() does, and again on each announced change).
  void reload_states();
  // The tags of `events` under the current rules and states (nothing written).
  std::vector<store::TtpTag> tags_of(const std::vector<TagEvent>& events) const;

 private:
  store::Repository& repo_;
  bus::Bus& bus_;
  std::shared_ptr<const EventTagger> tagger() const;
  void reload_rules();
  void run_submitted();
  void on_scored(const nlohmann::json& payload);
  void on_intel(const nlohmann::json& payload);
  // The submit thread's write path: tags wait (deduplicated) until the write in flight, if any,
  // is committed; then they go in one transaction and the new ones are announced.
  void stage(std::vector<store::TtpTag> tags);
  void start_write();
  void finish_write(bool wait);
  void announce(const std::vector<store::TtpTag>& tags, const std::vector<std::string>& uuids,
                const std::vector<std::string>& fresh);
  void tag_anchored(TagEvent event, const nlohmann::json& payload);

  std::filesystem::path dir_;
  mutable core::Mutex tagger_mu_;
  std::shared_ptr<const EventTagger> tagger_ GUARDED_BY(tagger_mu_);
  // The pattern engine's match block is one per tagger: taggings are one at a time.
  mutable core::Mutex tagging_mu_;
  std::unique_ptr<RuleWatcher> watcher_;
  std::atomic<std::uint64_t> reloads_{0};
  std::atomic<std::uint64_t> refused_reloads_{0};
  mutable core::Mutex states_mu_;
  RuleStates states_ GUARDED_BY(states_mu_);

  // submit(): its queue, the thread that drains it, and the login episodes it keeps.
  mutable core::Mutex submitted_mu_;
  std::condition_variable submitted_ready_;
  std::deque<TagEvent> submitted_ GUARDED_BY(submitted_mu_);
  bool stopping_ GUARDED_BY(submitted_mu_) = false;
  std::thread submitted_thread_;
  AuthEpisodes episodes_;  // the submit thread's only
  static constexpr std::size_t kMaxStagedTags = 100'000;
  std::vector<store::TtpTag> staged_;             // the submit thread's only
  std::unordered_set<std::string> staged_uuids_;  // the submit thread's only
  std::optional<std::future<std::vector<std::string>>> writing_;
  std::shared_ptr<std::vector<store::TtpTag>> writing_tags_;

  // Tags written lately: an episode or a session seen again re-derives them, and they need not
  // reach the database to be ignored there.
  std::unordered_set<std::string> written_;  // the submit thread's only
  std::deque<std::string> written_order_;    // the submit thread's only

  std::vector<bus::Subscription> subscriptions_;
  std::atomic<std::uint64_t> events_{0};
  std::atomic<std::uint64_t> tags_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> dropped_tags_{0};
  std::atomic<std::uint64_t> failures_{0};
};

}  // namespace decnet::ttp
