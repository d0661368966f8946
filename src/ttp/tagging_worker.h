// The tagging worker: ATT&CK techniques for what attackers did, as it is committed. It listens
// on attacker.session.ended and tags each command of the ended session with the pack's pattern
// rules (source kind "command", source id "<session uuid>#<n>"), writes the tags — whose uuid
// is derived from the source, the rule and the technique, so a replay inserts nothing — and
// publishes ttp.tagged and ttp.rule.fired.<technique> for the tags that are new.
//
// The events come through the worker's own bus queue and are written from its thread, so a
// slow database never stalls the publisher; a queue that overflows drops the oldest sessions
// and counts them (decnet ttp backfill, to come, tags what is stored).
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "bus/bus.h"
#include "core/component.h"
#include "store/repository.h"
#include "ttp/pattern_matcher.h"
#include "ttp/rule.h"

namespace decnet::ttp {

class TaggingWorker final : public core::Component {
 public:
  TaggingWorker(store::Repository& repo, bus::Bus& bus, std::vector<Rule> rules);
  ~TaggingWorker() override;

  std::string name() const override { return "ttp"; }
  void start() override;
  void stop() override;
  nlohmann::json health() const override;

  // Tags the commands of one attacker.session.ended payload; returns how many tags were new.
  std::size_t tag_session(const nlohmann::json& payload);

 private:
  store::Repository& repo_;
  bus::Bus& bus_;
  std::vector<Rule> rules_;
  std::unique_ptr<PatternMatcher> matcher_;
  bus::Subscription sessions_;
  std::atomic<std::uint64_t> commands_{0};
  std::atomic<std::uint64_t> tags_{0};
  std::atomic<std::uint64_t> failures_{0};
};

}  // namespace decnet::ttp
