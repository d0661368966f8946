#include <gtest/gtest.h>

#include "bus/bus_error.h"
#include "bus/matcher.h"
#include "bus/topics.h"

namespace decnet::bus::topics {
namespace {

TEST(Topics, BuildersProduceExactStrings) {
  EXPECT_EQ(topology_mutation("abc123", kMutationApplied), "topology.abc123.mutation.applied");
  EXPECT_EQ(topology_status("t-1"), "topology.t-1.status");
  EXPECT_EQ(decky("d-42", kDeckyTraffic), "decky.d-42.traffic");
  EXPECT_EQ(decky_mutation("web1"), "decky.web1.mutation");
  EXPECT_EQ(decky_lifecycle("web1"), "decky.web1.lifecycle");
  EXPECT_EQ(system(kSystemBusHealth), "system.bus.health");
  EXPECT_EQ(system_health("sniffer"), "system.sniffer.health");
  EXPECT_EQ(system_control("collector"), "system.collector.control");
  EXPECT_EQ(attacker(kAttackerSessionEnded), "attacker.session.ended");
  EXPECT_EQ(attacker(kAttackerIntelEnriched), "attacker.intel.enriched");
  EXPECT_EQ(attacker(kAttackerFingerprintRotated), "attacker.fingerprint_rotated");
  EXPECT_EQ(attacker_observation("keystroke.digraph"), "attacker.observation.keystroke.digraph");
  EXPECT_EQ(identity(kIdentityObservationLinked), "identity.observation.linked");
  EXPECT_EQ(campaign(kCampaignIdentityAssigned), "campaign.identity.assigned");
  EXPECT_EQ(attribution(kAttributionProfileStateChanged), "attribution.profile.state_changed");
  EXPECT_EQ(credential(kCredentialReuseDetected), "credential.reuse.detected");
  EXPECT_EQ(email(kEmailReceived), "email.received");
  EXPECT_EQ(smtp(kSmtpProbePending), "smtp.probe.pending");
  EXPECT_EQ(ttp(kTtpTagged), "ttp.tagged");
  EXPECT_EQ(ttp_rule_fired("T1110"), "ttp.rule.fired.T1110");
  EXPECT_EQ(ttp_rule_reloaded("R0001"), "ttp.rule.reloaded.R0001");
  EXPECT_EQ(ttp_rule_state("R0042"), "ttp.rule.state.R0042");
  EXPECT_EQ(orchestrator(kOrchestratorEmail, "u-1"), "orchestrator.email.u-1");
  EXPECT_EQ(canary("tok", kCanaryTriggered), "canary.tok.triggered");
  EXPECT_EQ(decky("host-uuid:web1", kDeckyState), "decky.host-uuid:web1.state");
}

TEST(Topics, NamedTopicsMatchTheirBuilders) {
  EXPECT_EQ(kSystemLogTopic, system(kSystemLog));
  EXPECT_EQ(kSystemBusHealthTopic, system(kSystemBusHealth));
  EXPECT_EQ(kAttackerObservedTopic, attacker(kAttackerObserved));
  EXPECT_EQ(kAttackerScoredTopic, attacker(kAttackerScored));
  EXPECT_EQ(kAttackerFingerprintRotatedTopic, attacker(kAttackerFingerprintRotated));
  EXPECT_EQ(kAttackerIntelEnrichedTopic, attacker(kAttackerIntelEnriched));
  EXPECT_EQ(kCredentialCapturedTopic, credential(kCredentialCaptured));
  EXPECT_EQ(kCredentialReuseDetectedTopic, credential(kCredentialReuseDetected));
  EXPECT_EQ(kTtpTaggedTopic, ttp(kTtpTagged));
  EXPECT_EQ(kEmailReceived.find('.'), std::string_view::npos);
  EXPECT_TRUE(matches("system.>", kWebhookSubscriptionsChanged));
}

TEST(Topics, StrictBuildersRejectBadSegmentsNamingThem) {
  const char* bad[] = {"",          "has.dot",       "has*wildcard",      "has>wild", "with space",
                       "with\ttab", "nbsp\xc2\xa0x", "ideo\xe3\x80\x80x", "ctl\x01x"};
  for (const char* segment : bad) {
    SCOPED_TRACE(segment);
    EXPECT_THROW(system_health(segment), BusError);
    EXPECT_THROW(decky(segment, kDeckyState), BusError);
    EXPECT_THROW(decky("web1", segment), BusError);
    EXPECT_THROW(topology_mutation(segment, kMutationApplied), BusError);
    EXPECT_THROW(canary(segment, kCanaryPlaced), BusError);
  }
  EXPECT_THROW(ttp_rule_fired("T1110.001"), BusError);  // sub-techniques go in the payload
  try {
    system_control("bad name");
    FAIL();
  } catch (const BusError& e) {
    EXPECT_NE(std::string(e.what()).find("'bad name'"), std::string::npos);
  }
}

TEST(Topics, DottedLeafBuildersRejectOnlyEmpty) {
  EXPECT_THROW(system(""), BusError);
  EXPECT_THROW(attacker(""), BusError);
  EXPECT_THROW(identity(""), BusError);
  EXPECT_THROW(attribution(""), BusError);
  EXPECT_THROW(ttp(""), BusError);
  EXPECT_THROW(credential(""), BusError);
  EXPECT_THROW(attacker_observation(""), BusError);
  EXPECT_EQ(attacker("session.started"), "attacker.session.started");
}

}  // namespace
}  // namespace decnet::bus::topics
