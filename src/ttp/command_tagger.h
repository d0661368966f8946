// Tags for one command an attacker ran: each pattern rule of source kind "command" that fires
// gives one tag per technique it emits, with the command as evidence and the tag's anchors (the
// attacker, the session, the decky). Pure: what to write, never the writing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/ttp_repository.h"
#include "ttp/pattern_matcher.h"
#include "ttp/rule_state.h"

namespace decnet::ttp {

// The ATT&CK release the rules are written against (tags record it).
inline constexpr std::string_view kAttackRelease = "v15.1";

struct CommandEvent {
  std::string source_id;  // unique per command: "<session uuid>#<n>"
  std::string attacker_uuid;
  std::optional<std::string> session_id;  // the session's uuid
  std::optional<std::string> decky_id;
  std::string command_text;
  std::optional<std::string> service;
  std::int64_t at = 0;  // when the command ran, microseconds UTC; 0: now
};

// https://attack.mitre.org/techniques/T1059/004/ for T1059.004.
std::string mitre_url(std::string_view technique_or_sub);

// `states` are the operators' decisions (rule_state.h), applied as of `now` (microseconds).
std::vector<store::TtpTag> tag_command(const PatternMatcher& matcher, const CommandEvent& event,
                                       const RuleStates& states, std::int64_t now);

}  // namespace decnet::ttp
