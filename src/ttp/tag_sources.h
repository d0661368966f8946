// What each published fact becomes for the tagger. An ended session is its commands (one
// `command` event each, "<session uuid>#<n>") and the session as a whole (`session`, its
// commands joined, for the behavioural rules); an intel row is one `intel` event per attacker and
// pass; a reuse finding is one `credential` event per attacker that used the secret; a received
// mail one `email` event; an attacker whose timing turned to beaconing one `session` event
// "<attacker uuid>#beaconing". Identities (identity.formed / merged), tripped canaries
// (canary.<token>.<type>) and IPv6 link-local leaks (attacker.fingerprinted of type ipv6_leak)
// are one event each, filed under the identity, the trigger or the leaked address.
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
// nullopt when the payload names no identity.
std::optional<TagEvent> identity_event(const nlohmann::json& identity_formed_or_merged);
// The anchors of these two may be an address only (attacker_ip); the worker resolves it.
std::optional<TagEvent> canary_event(const nlohmann::json& canary_triggered);
std::optional<TagEvent> ipv6_leak_event(const nlohmann::json& fingerprinted);
std::optional<TagEvent> beaconing_event(const std::string& attacker_uuid,
                                        const store::AttackerBehaviour& behaviour);

}  // namespace decnet::ttp
