// What each published fact becomes for the tagger. An ended session is its commands (one
// `command` event each, "<session uuid>#<n>") and the session as a whole (`session`, its
// commands joined, for the behavioural rules); an intel row is one `intel` event per attacker and
// pass; a reuse finding is one `credential` event per attacker that used the secret; a received
// mail one `email` event; an attacker whose timing turned to beaconing one `session` event
// "<attacker uuid>#beaconing".
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/behaviour_repository.h"
#include "store/intel_repository.h"
#include "ttp/tag_event.h"

namespace decnet::ttp {

std::vector<TagEvent> session_events(const nlohmann::json& session_ended);
TagEvent intel_event(const store::AttackerIntel& intel);
std::vector<TagEvent> credential_events(const nlohmann::json& reuse_detected);
std::optional<TagEvent> email_event(const nlohmann::json& email_received);
std::optional<TagEvent> beaconing_event(const std::string& attacker_uuid,
                                        const store::AttackerBehaviour& behaviour);

}  // namespace decnet::ttp
