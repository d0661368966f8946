#include "bus/topics.h"

#include "bus/bus_error.h"
#include "core/text.h"

namespace decnet::bus::topics {
namespace {

std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto part : parts) {
    if (!out.empty()) out += '.';
    out += part;
  }
  return out;
}

std::string leaf(std::string_view root, std::string_view event_type) {
  if (event_type.empty()) {
    throw BusError(std::string(root) + " topic requires a non-empty event type");
  }
  return join({root, event_type});
}

}  // namespace

void check_segment(std::string_view segment) {
  if (segment.empty()) throw BusError("topic segment must not be empty");
  if (segment.find_first_of(".*>") != std::string_view::npos ||
      core::contains_space_or_control(segment)) {
    throw BusError("topic segment '" + std::string(segment) +
                   "' may not contain '.', '*', '>' or whitespace");
  }
}

std::string topology_mutation(std::string_view topology_id, std::string_view state) {
  check_segment(topology_id);
  check_segment(state);
  return join({kTopology, topology_id, "mutation", state});
}

std::string topology_status(std::string_view topology_id) {
  check_segment(topology_id);
  return join({kTopology, topology_id, kTopologyStatus});
}

std::string decky(std::string_view decky_id, std::string_view event_type) {
  check_segment(decky_id);
  check_segment(event_type);
  return join({kDecky, decky_id, event_type});
}

std::string decky_mutation(std::string_view decky_id) {
  return decky(decky_id, kDeckyMutation);
}

std::string decky_lifecycle(std::string_view decky_id) {
  return decky(decky_id, kDeckyLifecycle);
}

std::string orchestrator(std::string_view event_type, std::string_view decky_id) {
  check_segment(event_type);
  check_segment(decky_id);
  return join({kOrchestrator, event_type, decky_id});
}

std::string canary(std::string_view token, std::string_view event_type) {
  check_segment(token);
  check_segment(event_type);
  return join({kCanary, token, event_type});
}

std::string system_health(std::string_view worker) {
  check_segment(worker);
  return join({kSystem, worker, kSystemHealth});
}

std::string system_control(std::string_view worker) {
  check_segment(worker);
  return join({kSystem, worker, kSystemControl});
}

std::string ttp_rule_fired(std::string_view technique_id) {
  check_segment(technique_id);
  return join({kTtp, kTtpRuleFired, technique_id});
}

std::string ttp_rule_reloaded(std::string_view rule_id) {
  check_segment(rule_id);
  return join({kTtp, kTtpRuleReloaded, rule_id});
}

std::string ttp_rule_state(std::string_view rule_id) {
  check_segment(rule_id);
  return join({kTtp, kTtpRuleState, rule_id});
}

std::string system(std::string_view event_type) {
  return leaf(kSystem, event_type);
}
std::string credential(std::string_view event_type) {
  return leaf(kCredential, event_type);
}
std::string attacker(std::string_view event_type) {
  return leaf(kAttacker, event_type);
}
std::string attacker_observation(std::string_view primitive) {
  if (primitive.empty()) throw BusError("observation topic requires a primitive");
  return join({kAttacker, kAttackerObservationPrefix, primitive});
}
std::string attribution(std::string_view event_type) {
  return leaf(kAttribution, event_type);
}
std::string campaign(std::string_view event_type) {
  return leaf(kCampaign, event_type);
}
std::string identity(std::string_view event_type) {
  return leaf(kIdentity, event_type);
}
std::string smtp(std::string_view event_type) {
  return leaf(kSmtp, event_type);
}
std::string email(std::string_view event_type) {
  return leaf(kEmail, event_type);
}
std::string ttp(std::string_view event_type) {
  return leaf(kTtp, event_type);
}

}  // namespace decnet::bus::topics
