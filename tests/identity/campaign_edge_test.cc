// The campaign edge against the reference's vectors: a decky handed from command-and-control to
// discovery within a day joins two identities (either way round), other phases, deckies or gaps
// do not; session overlap is normalised by the first side and shift invariant; keystroke rhythm
// decays to nothing at Hamming 8 and needs overlapping sessions to join; shared infrastructure
// alone joins, cohorts alone never do.
#include "identity/campaign_edge.h"

#include <gtest/gtest.h>

namespace decnet::identity {
namespace {

IdentityFeatures leaving(const std::string& decky, const std::string& phase, double at) {
  IdentityFeatures f;
  f.last_phase_per_decky[decky] = {phase, at};
  f.first_phase_per_decky[decky] = {phase, at};
  return f;
}

TEST(CampaignEdge, APhaseHandoffOnOneDeckyWithinADay) {
  const auto c2 = leaving("d1", "command_and_control", 1000);
  const auto discovery = leaving("d1", "discovery", 1600);
  EXPECT_DOUBLE_EQ(phase_handoff(c2, discovery), 1.0);
  EXPECT_DOUBLE_EQ(phase_handoff(discovery, c2), 1.0);
  EXPECT_TRUE(campaign_linked(c2, discovery));
  EXPECT_DOUBLE_EQ(phase_handoff(c2, leaving("d2", "discovery", 1600)), 0.0);
  EXPECT_DOUBLE_EQ(phase_handoff(leaving("d1", "exploitation", 1000), discovery), 0.0);
  EXPECT_DOUBLE_EQ(phase_handoff(c2, leaving("d1", "discovery", 1000 + 86'401)), 0.0);
  EXPECT_DOUBLE_EQ(phase_handoff(c2, leaving("d1", "discovery", 900)), 0.0);
  EXPECT_DOUBLE_EQ(
      phase_handoff(leaving("d1", "persistence", 0), leaving("d1", "lateral_movement", 86'400)),
      1.0);
}

TEST(CampaignEdge, TemporalOverlapIsNormalisedByTheFirstAndShiftInvariant) {
  IdentityFeatures a, b;
  a.session_windows = {{0, 100}};
  b.session_windows = {{50, 150}};
  EXPECT_DOUBLE_EQ(temporal_overlap(a, b), 0.5);
  a.session_windows = {{0, 100}, {300, 400}};
  b.session_windows = {{50, 150}, {350, 450}};
  const double before = temporal_overlap(a, b);
  for (auto& w : a.session_windows) w = {w.first + 10'000, w.second + 10'000};
  for (auto& w : b.session_windows) w = {w.first + 10'000, w.second + 10'000};
  EXPECT_DOUBLE_EQ(temporal_overlap(a, b), before);
  EXPECT_DOUBLE_EQ(temporal_overlap(a, IdentityFeatures{}), 0.0);
}

// The spec's overlap is normalised by its first argument; a pair is scored by the larger
// direction, so an edge does not hang on which identity's uuid sorts first.
TEST(CampaignEdge, APairIsScoredTheSameWhicheverIdentityComesFirst) {
  IdentityFeatures brief, long_running;
  brief.session_windows = {{100, 200}};
  long_running.session_windows = {{0, 1000}};
  brief.kd_digraph_simhash = long_running.kd_digraph_simhash = 0x1234'5678'9abc'def0ULL;
  EXPECT_DOUBLE_EQ(temporal_overlap(brief, long_running), 1.0);
  EXPECT_DOUBLE_EQ(temporal_overlap(long_running, brief), 0.1);
  EXPECT_DOUBLE_EQ(pair_temporal_overlap(long_running, brief), 1.0);
  EXPECT_DOUBLE_EQ(campaign_edge_score(long_running, brief),
                   campaign_edge_score(brief, long_running));
  EXPECT_TRUE(campaign_linked(long_running, brief));
}

TEST(CampaignEdge, RhythmAloneNeverJoinsWithOverlappingSessionsItDoes) {
  IdentityFeatures a, b;
  a.kd_digraph_simhash = 0xf0f0f0f0f0f0f0f0ULL;
  b.kd_digraph_simhash = 0xf0f0f0f0f0f0f0f0ULL;
  EXPECT_DOUBLE_EQ(keystroke_similarity(a, b), 1.0);
  EXPECT_FALSE(campaign_linked(a, b));
  b.kd_digraph_simhash = *a.kd_digraph_simhash ^ 0xfULL;  // Hamming 4
  EXPECT_DOUBLE_EQ(keystroke_similarity(a, b), 0.5);
  b.kd_digraph_simhash = *a.kd_digraph_simhash ^ 0xffULL;  // Hamming 8
  EXPECT_DOUBLE_EQ(keystroke_similarity(a, b), 0.0);
  b.kd_digraph_simhash = a.kd_digraph_simhash;
  a.session_windows = b.session_windows = {{0, 100}};
  EXPECT_GE(campaign_edge_score(a, b), kCampaignEdgeThreshold);
}

TEST(CampaignEdge, SharedInfrastructureJoinsCohortsAloneDoNot) {
  IdentityFeatures a, b;
  a.payloads = {"p1"};
  b.c2 = {"c1"};
  EXPECT_FALSE(campaign_linked(a, b));
  b.payloads = {"p1"};
  a.c2 = {"c1"};
  EXPECT_TRUE(campaign_linked(a, b));
  IdentityFeatures x, y;
  x.cohort = y.cohort = {"decky:d1", "asn:64500", "tool:hydra"};
  EXPECT_DOUBLE_EQ(cohort_similarity(x, y), 1.0);
  EXPECT_FALSE(campaign_linked(x, y));
}

TEST(CampaignEdge, TacticsMapToKillChainPhases) {
  EXPECT_EQ(ukc_phase("TA0011"), "command_and_control");
  EXPECT_EQ(ukc_phase("TA0007"), "discovery");
  EXPECT_EQ(ukc_phase("TA0001"), "delivery");
  EXPECT_EQ(ukc_phase("TA9999"), "");
}

}  // namespace
}  // namespace decnet::identity
