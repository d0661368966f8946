// The rule pack applied to one event: the pattern rules of the event's kind (one literal pass,
// then PCRE2 on the rules it leaves), and the lifter rules that apply to the kind. Each firing
// rule gives one tag per technique it emits, with the confidence the operators' rule state
// allows, the rule's evidence fields the event carries plus what its lifter found, and the
// event's anchors. Pure: what to write, never the writing.
//
// The pattern engine reuses one match block, so one tagger serves one thread at a time.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/ttp_repository.h"
#include "ttp/lifter.h"
#include "ttp/pattern_matcher.h"
#include "ttp/rule.h"
#include "ttp/rule_state.h"
#include "ttp/tag_event.h"

namespace decnet::ttp {

// The ATT&CK release the rules are written against (tags record it).
inline constexpr std::string_view kAttackRelease = "v15.1";

// https://attack.mitre.org/techniques/T1059/004/ for T1059.004.
std::string mitre_url(std::string_view technique_or_sub);

class EventTagger {
 public:
  // Builds the matcher and every lifter; throws LifterParamError / std::out_of_range for a
  // lifter rule the loader would have refused.
  explicit EventTagger(std::vector<Rule> rules);
  ~EventTagger();
  EventTagger(const EventTagger&) = delete;
  EventTagger& operator=(const EventTagger&) = delete;

  const std::vector<Rule>& rules() const { return rules_; }
  // `states` are the operators' decisions, applied as of `now` (microseconds UTC).
  std::vector<store::TtpTag> tag(const TagEvent& event, const RuleStates& states,
                                 std::int64_t now) const;
  // The rules that fire on `event`, ignoring states (fixtures, tests).
  std::vector<const Rule*> firing_rules(const TagEvent& event) const;

 private:
  struct LifterRule {
    const Rule* rule;
    std::unique_ptr<Lifter> lifter;
  };
  std::vector<Rule> rules_;
  std::unique_ptr<PatternMatcher> matcher_;
  std::vector<LifterRule> lifters_;
  // The lifters that apply to each source kind, in rule order.
  std::map<std::string, std::vector<const LifterRule*>, std::less<>> lifters_by_kind_;
};

}  // namespace decnet::ttp
