#include "ttp/command_tagger.h"

#include <nlohmann/json.hpp>

#include "core/json_text.h"

namespace decnet::ttp {

std::string mitre_url(std::string_view id) {
  std::string path(id);
  for (auto& c : path) {
    if (c == '.') c = '/';
  }
  return "https://attack.mitre.org/techniques/" + path + "/";
}

std::vector<store::TtpTag> tag_command(const PatternMatcher& matcher, const CommandEvent& e,
                                       const RuleStates& states, std::int64_t now) {
  std::vector<store::TtpTag> tags;
  for (const auto* rule : matcher.match_text("command", e.command_text)) {
    const auto found = states.find(rule->rule_id);
    const auto* state = found == states.end() ? nullptr : &found->second;
    if (state_at(state, now) == kRuleDisabled) continue;
    // The rule's evidence fields that the command carries, plus where it ran.
    auto evidence = nlohmann::json::object();
    for (const auto& field : rule->evidence_fields) {
      if (field == "command_text") evidence["command_text"] = e.command_text;
    }
    if (e.service) evidence["service"] = *e.service;
    for (const auto& emit : rule->emits) {
      store::TtpTag t;
      t.source_kind = "command";
      t.source_id = e.source_id;
      t.attacker_uuid = e.attacker_uuid;
      t.session_id = e.session_id;
      t.decky_id = e.decky_id;
      t.tactic = emit.tactic;
      t.technique_id = emit.technique_id;
      t.sub_technique_id = emit.sub_technique_id;
      t.confidence = effective_confidence(emit.confidence, state, now).value_or(0.0);
      t.rule_id = rule->rule_id;
      t.rule_version = rule->rule_version;
      t.evidence = core::json_text(evidence);
      t.attack_release = std::string(kAttackRelease);
      t.mitre_url = mitre_url(emit.sub_technique_id.value_or(emit.technique_id));
      t.created_at = e.at;
      tags.push_back(std::move(t));
    }
  }
  return tags;
}

}  // namespace decnet::ttp
