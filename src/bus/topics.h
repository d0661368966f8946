// The topic catalogue: every topic DECNET publishes, as constants and builders. Names are the
// reference's, so subscribers and SIEM rules written for it keep working; adding a family is
// fine, renaming one breaks every subscriber.
//
// Strict builders validate each variable segment: it must be non-empty and free of '.', '*',
// '>' and whitespace, or BusError names the segment. Dotted-leaf builders (attacker(),
// system(), ...) take an event type that may itself contain dots ("session.started") and only
// reject an empty one.
#pragma once

#include <string>
#include <string_view>

namespace decnet::bus::topics {

// Roots.
inline constexpr std::string_view kTopology = "topology";
inline constexpr std::string_view kDecky = "decky";
inline constexpr std::string_view kAttacker = "attacker";
inline constexpr std::string_view kIdentity = "identity";
inline constexpr std::string_view kCampaign = "campaign";
inline constexpr std::string_view kSystem = "system";
inline constexpr std::string_view kCredential = "credential";
inline constexpr std::string_view kAttribution = "attribution";
inline constexpr std::string_view kOrchestrator = "orchestrator";
inline constexpr std::string_view kCanary = "canary";
inline constexpr std::string_view kSmtp = "smtp";
inline constexpr std::string_view kEmail = "email";
inline constexpr std::string_view kTtp = "ttp";

// Topology mutation states (topology.<id>.mutation.<state>) and status leaf.
inline constexpr std::string_view kMutationEnqueued = "enqueued";
inline constexpr std::string_view kMutationApplying = "applying";
inline constexpr std::string_view kMutationApplied = "applied";
inline constexpr std::string_view kMutationFailed = "failed";
inline constexpr std::string_view kTopologyStatus = "status";

// Decky event types (decky.<name>.<type>).
inline constexpr std::string_view kDeckyState = "state";
inline constexpr std::string_view kDeckyTraffic = "traffic";
inline constexpr std::string_view kDeckyMutateRequest = "mutate_request";
inline constexpr std::string_view kDeckyMutation = "mutation";
inline constexpr std::string_view kDeckyServiceAdded = "service_added";
inline constexpr std::string_view kDeckyServiceRemoved = "service_removed";
inline constexpr std::string_view kDeckyServiceConfigChanged = "service_config_changed";
inline constexpr std::string_view kDeckyLifecycle = "lifecycle";

// Attacker event types (attacker.<type>).
inline constexpr std::string_view kAttackerObserved = "observed";
inline constexpr std::string_view kAttackerScored = "scored";
inline constexpr std::string_view kAttackerFingerprinted = "fingerprinted";
inline constexpr std::string_view kAttackerFingerprintRotated = "fingerprint_rotated";
inline constexpr std::string_view kAttackerSessionStarted = "session.started";
inline constexpr std::string_view kAttackerSessionEnded = "session.ended";
inline constexpr std::string_view kAttackerIntelEnriched = "intel.enriched";
inline constexpr std::string_view kAttackerObservationPrefix = "observation";

// Identity and campaign event types.
inline constexpr std::string_view kIdentityFormed = "formed";
inline constexpr std::string_view kIdentityObservationLinked = "observation.linked";
inline constexpr std::string_view kIdentityMerged = "merged";
inline constexpr std::string_view kIdentityUnmerged = "unmerged";
inline constexpr std::string_view kIdentityCampaignAssigned = "campaign.assigned";
inline constexpr std::string_view kCampaignFormed = "formed";
inline constexpr std::string_view kCampaignIdentityAssigned = "identity.assigned";
inline constexpr std::string_view kCampaignMerged = "merged";
inline constexpr std::string_view kCampaignUnmerged = "unmerged";

// Credential event types.
inline constexpr std::string_view kCredentialCaptured = "captured";
inline constexpr std::string_view kCredentialReuseDetected = "reuse.detected";

// Attribution event types.
inline constexpr std::string_view kAttributionProfilePrefix = "profile";
inline constexpr std::string_view kAttributionProfileStateChanged = "profile.state_changed";
inline constexpr std::string_view kAttributionProfileMultiActorSuspected =
    "profile.multi_actor_suspected";

// Canary, orchestrator, mail.
inline constexpr std::string_view kCanaryPlaced = "placed";
inline constexpr std::string_view kCanaryTriggered = "triggered";
inline constexpr std::string_view kCanaryRevoked = "revoked";
inline constexpr std::string_view kOrchestratorTraffic = "traffic";
inline constexpr std::string_view kOrchestratorFile = "file";
inline constexpr std::string_view kOrchestratorEmail = "email";
inline constexpr std::string_view kSmtpProbePending = "probe.pending";
inline constexpr std::string_view kEmailReceived = "received";

// TTP event types.
inline constexpr std::string_view kTtpTagged = "tagged";
inline constexpr std::string_view kTtpRuleFired = "rule.fired";
inline constexpr std::string_view kTtpRuleSuppressed = "rule.suppressed";
inline constexpr std::string_view kTtpRuleReloaded = "rule.reloaded";
inline constexpr std::string_view kTtpRuleState = "rule.state";

// System.
inline constexpr std::string_view kSystemLog = "log";
inline constexpr std::string_view kSystemBusHealth = "bus.health";
inline constexpr std::string_view kSystemHealth = "health";
inline constexpr std::string_view kSystemControl = "control";
inline constexpr std::string_view kWorkerControlStop = "stop";
inline constexpr std::string_view kWorkerControlStart = "start";  // reserved
inline constexpr std::string_view kWebhookSubscriptionsChanged =
    "system.webhook.subscriptions_changed";

// Full topics used often enough to deserve a name.
inline constexpr std::string_view kSystemLogTopic = "system.log";
inline constexpr std::string_view kSystemBusHealthTopic = "system.bus.health";
inline constexpr std::string_view kAttackerObservedTopic = "attacker.observed";
inline constexpr std::string_view kAttackerScoredTopic = "attacker.scored";
inline constexpr std::string_view kAttackerSessionStartedTopic = "attacker.session.started";
inline constexpr std::string_view kAttackerSessionEndedTopic = "attacker.session.ended";
inline constexpr std::string_view kAttackerFingerprintRotatedTopic = "attacker.fingerprint_rotated";
inline constexpr std::string_view kAttackerIntelEnrichedTopic = "attacker.intel.enriched";
inline constexpr std::string_view kCredentialCapturedTopic = "credential.captured";
inline constexpr std::string_view kCredentialReuseDetectedTopic = "credential.reuse.detected";
inline constexpr std::string_view kTtpTaggedTopic = "ttp.tagged";

// Throws BusError unless `segment` is non-empty and has no '.', '*', '>' or whitespace.
void check_segment(std::string_view segment);

// Strict builders.
std::string topology_mutation(std::string_view topology_id, std::string_view state);
std::string topology_status(std::string_view topology_id);
std::string decky(std::string_view decky_id, std::string_view event_type);
std::string decky_mutation(std::string_view decky_id);
std::string decky_lifecycle(std::string_view decky_id);
std::string orchestrator(std::string_view event_type, std::string_view decky_id);
std::string canary(std::string_view token, std::string_view event_type);
std::string system_health(std::string_view worker);
std::string system_control(std::string_view worker);
std::string ttp_rule_fired(std::string_view technique_id);  // "T1110.001" is rejected
std::string ttp_rule_reloaded(std::string_view rule_id);
std::string ttp_rule_state(std::string_view rule_id);

// Dotted-leaf builders: <root>.<event_type>; only an empty event type is rejected.
std::string system(std::string_view event_type);
std::string credential(std::string_view event_type);
std::string attacker(std::string_view event_type);
std::string attacker_observation(std::string_view primitive);
std::string attribution(std::string_view event_type);
std::string campaign(std::string_view event_type);
std::string identity(std::string_view event_type);
std::string smtp(std::string_view event_type);
std::string email(std::string_view event_type);
std::string ttp(std::string_view event_type);

}  // namespace decnet::bus::topics
