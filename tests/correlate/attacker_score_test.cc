#include "correlate/attacker_score.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace decnet::correlate {
namespace {

using Reasons = std::vector<std::string>;

TEST(AttackerScore, NothingScoresNothing) {
  const auto s = attacker_score({});
  EXPECT_EQ(s.score, 0);
  EXPECT_TRUE(s.reasons.empty());
}

TEST(AttackerScore, BehaviourClassPoints) {
  const std::tuple<BehaviourClass, int, std::string> cases[] = {
      {BehaviourClass::beaconing, 25, "beaconing"},
      {BehaviourClass::interactive, 20, "interactive timing"},
      {BehaviourClass::brute_force, 10, "brute-force timing"},
      {BehaviourClass::scanning, 5, "scanning"},
      {BehaviourClass::slow_scan, 5, "slow scan"},
  };
  for (const auto& [behaviour, points, reason] : cases) {
    SCOPED_TRACE(to_string(behaviour));
    ScoreInput in;
    in.behaviour = behaviour;
    const auto s = attacker_score(in);
    EXPECT_EQ(s.score, points);
    EXPECT_EQ(s.reasons, Reasons{reason});
  }
  for (const auto behaviour : {BehaviourClass::unknown, BehaviourClass::mixed}) {
    ScoreInput in;
    in.behaviour = behaviour;
    EXPECT_EQ(attacker_score(in).score, 0);
    EXPECT_TRUE(attacker_score(in).reasons.empty());
  }
}

TEST(AttackerScore, BeaconingReasonGivesIntervalAndJitter) {
  ScoreInput in;
  in.behaviour = BehaviourClass::beaconing;
  in.beacon_interval_s = 60.1;
  in.beacon_jitter_pct = 4.17;
  EXPECT_EQ(attacker_score(in).reasons, Reasons{"beaconing every 60.1 s (jitter 4.2%)"});
}

TEST(AttackerScore, LoggedInScoresTwenty) {
  ScoreInput in;
  in.logged_in = true;
  const auto s = attacker_score(in);
  EXPECT_EQ(s.score, 20);
  EXPECT_EQ(s.reasons, Reasons{"logged in"});
}

TEST(AttackerScore, CommandsScoreTwoEachUpToTwenty) {
  const std::tuple<std::int64_t, int, std::string> cases[] = {
      {1, 2, "1 command"},
      {3, 6, "3 commands"},
      {10, 20, "10 commands"},
      {12, 20, "12 commands"},
      {100000, 20, "100000 commands"},
  };
  for (const auto& [count, points, reason] : cases) {
    ScoreInput in;
    in.commands_count = count;
    const auto s = attacker_score(in);
    EXPECT_EQ(s.score, points);
    EXPECT_EQ(s.reasons, Reasons{reason});
  }
}

TEST(AttackerScore, CredentialsScoreOnePerTenUpToTen) {
  const std::tuple<std::int64_t, int> cases[] = {
      {0, 0}, {9, 0}, {10, 1}, {25, 2}, {99, 9}, {100, 10}, {5000, 10},
  };
  for (const auto& [count, points] : cases) {
    SCOPED_TRACE(count);
    ScoreInput in;
    in.credential_count = count;
    const auto s = attacker_score(in);
    EXPECT_EQ(s.score, points);
    if (points == 0) {
      EXPECT_TRUE(s.reasons.empty());
    } else {
      EXPECT_EQ(s.reasons, Reasons{std::to_string(count) + " credentials tried"});
    }
  }
}

TEST(AttackerScore, TraversalScoresTen) {
  ScoreInput in;
  in.distinct_deckies = 3;
  EXPECT_EQ(attacker_score(in).score, 0);
  in.is_traversal = true;
  const auto s = attacker_score(in);
  EXPECT_EQ(s.score, 10);
  EXPECT_EQ(s.reasons, Reasons{"traversed 3 deckies"});
}

TEST(AttackerScore, EachPhaseBeyondReconnaissanceScoresFive) {
  const std::vector<PhaseReached> phases = {{KillChainPhase::reconnaissance, 1},
                                            {KillChainPhase::credential_access, 2},
                                            {KillChainPhase::execution, 3},
                                            {KillChainPhase::execution, 4}};
  ScoreInput in;
  in.phases = phases;
  const auto s = attacker_score(in);
  EXPECT_EQ(s.score, 10);
  EXPECT_EQ(s.reasons, (Reasons{"reached credential_access", "reached execution"}));
}

TEST(AttackerScore, BeaconSignaturesScoreTwentyAndOtherToolsFiveOnce) {
  const std::vector<ToolMatch> c2 = {{"cobalt_strike", ToolEvidence::beacon_timing, true},
                                     {"sliver", ToolEvidence::beacon_timing, true}};
  const std::vector<ToolMatch> others = {{"nmap", ToolEvidence::http_header, true},
                                         {"libssh", ToolEvidence::client_banner, true},
                                         {"xmrig", ToolEvidence::command, true}};
  ScoreInput in;
  in.tools = c2;
  auto s = attacker_score(in);
  EXPECT_EQ(s.score, 20);
  EXPECT_EQ(s.reasons, Reasons{"beacon timing matches cobalt_strike, sliver"});

  in.tools = others;
  s = attacker_score(in);
  EXPECT_EQ(s.score, 5);
  EXPECT_EQ(s.reasons, Reasons{"tool signatures: nmap, libssh, xmrig"});

  std::vector<ToolMatch> both = others;
  both.insert(both.end(), c2.begin(), c2.end());
  in.tools = both;
  s = attacker_score(in);
  EXPECT_EQ(s.score, 25);
  EXPECT_EQ(s.reasons, (Reasons{"beacon timing matches cobalt_strike, sliver",
                                "tool signatures: nmap, libssh, xmrig"}));
}

TEST(AttackerScore, ComponentsAddUpAndClampAtHundred) {
  ScoreInput in;
  in.behaviour = BehaviourClass::brute_force;  // 10
  in.credential_count = 55;                    // 5
  in.commands_count = 4;                       // 8
  EXPECT_EQ(attacker_score(in).score, 23);

  const std::vector<PhaseReached> phases = {{KillChainPhase::credential_access, 1},
                                            {KillChainPhase::execution, 2},
                                            {KillChainPhase::exfiltration, 3},
                                            {KillChainPhase::command_and_control, 4}};
  const std::vector<ToolMatch> tools = {{"havoc", ToolEvidence::beacon_timing, true},
                                        {"curl", ToolEvidence::http_header, true}};
  in.behaviour = BehaviourClass::beaconing;
  in.logged_in = true;
  in.commands_count = 50;
  in.credential_count = 500;
  in.is_traversal = true;
  in.distinct_deckies = 2;
  in.phases = phases;
  in.tools = tools;
  const auto s = attacker_score(in);
  EXPECT_EQ(s.score, 100);
  EXPECT_EQ(s.reasons.size(), 11u);
}

TEST(AttackerScore, InputFromAVerdict) {
  BehaviourProfile profile;
  for (int i = 0; i < 6; ++i) {
    BehaviourEvent e;
    e.ts_us = i * 60'000'000LL;
    e.service = "ssh";
    e.event_type = i == 5 ? "command" : "connection";
    e.decky = i < 3 ? "decky-a" : "decky-b";
    profile.add(e);
  }
  const auto verdict = profile.verdict();
  auto in = score_input(verdict);
  EXPECT_EQ(in.behaviour, BehaviourClass::beaconing);
  EXPECT_EQ(in.beacon_interval_s, 60.0);
  EXPECT_EQ(in.beacon_jitter_pct, 0.0);
  EXPECT_EQ(in.phases.size(), 3u);
  EXPECT_TRUE(in.tools.empty());
  EXPECT_EQ(in.commands_count, 1);
  EXPECT_EQ(in.distinct_deckies, 2);
  EXPECT_TRUE(in.is_traversal);
  EXPECT_EQ(in.credential_count, 0);
  EXPECT_FALSE(in.logged_in);

  in.logged_in = true;
  const auto s = attacker_score(in);
  // beaconing 25 + logged in 20 + 1 command 2 + traversal 10 + execution and C2 5 each.
  EXPECT_EQ(s.score, 67);
  EXPECT_EQ(s.reasons,
            (Reasons{"beaconing every 60.0 s (jitter 0.0%)", "logged in", "1 command",
                     "traversed 2 deckies", "reached command_and_control", "reached execution"}));
}

TEST(AttackerScore, ThresholdCrossedUpward) {
  const int thresholds[] = {30, 60, 85};
  const ThresholdCrossing up60{60, ThresholdDirection::upward};
  EXPECT_EQ(crossed_threshold(20, 70, thresholds), up60);
  EXPECT_EQ(crossed_threshold(59, 60, thresholds), up60);
  EXPECT_EQ(crossed_threshold(0, 100, thresholds),
            (ThresholdCrossing{85, ThresholdDirection::upward}));
}

TEST(AttackerScore, ThresholdCrossedDownward) {
  const int thresholds[] = {30, 60, 85};
  EXPECT_EQ(crossed_threshold(90, 20, thresholds),
            (ThresholdCrossing{85, ThresholdDirection::downward}));
  EXPECT_EQ(crossed_threshold(60, 54, thresholds),
            (ThresholdCrossing{60, ThresholdDirection::downward}));
}

TEST(AttackerScore, AScoreWaveringAroundAThresholdIsAnnouncedOnce) {
  const int thresholds[] = {30, 60, 85};
  // Announced at 61; wobbling down to 55 and back is no crossing either way.
  EXPECT_FALSE(crossed_threshold(61, 59, thresholds));
  EXPECT_FALSE(crossed_threshold(61, 55, thresholds));
  EXPECT_FALSE(crossed_threshold(61, 62, thresholds));
  // Five points under it, the fall is announced; from there, reaching it again is news.
  EXPECT_EQ(crossed_threshold(61, 54, thresholds),
            (ThresholdCrossing{60, ThresholdDirection::downward}));
  EXPECT_EQ(crossed_threshold(54, 60, thresholds),
            (ThresholdCrossing{60, ThresholdDirection::upward}));
  EXPECT_EQ(crossed_threshold(61, 59, thresholds, 0),
            (ThresholdCrossing{60, ThresholdDirection::downward}));
}

TEST(AttackerScore, NoThresholdCrossed) {
  const int thresholds[] = {30, 60, 85};
  EXPECT_FALSE(crossed_threshold(40, 40, thresholds));
  EXPECT_FALSE(crossed_threshold(31, 59, thresholds));
  EXPECT_FALSE(crossed_threshold(60, 84, thresholds));
  EXPECT_FALSE(crossed_threshold(84, 60, thresholds));
  EXPECT_FALSE(crossed_threshold(0, 100, {}));
}

TEST(AttackerScore, ThresholdsInAnyOrder) {
  const int thresholds[] = {85, 30, 60};
  EXPECT_EQ(crossed_threshold(10, 65, thresholds),
            (ThresholdCrossing{60, ThresholdDirection::upward}));
  EXPECT_EQ(crossed_threshold(95, 10, thresholds),
            (ThresholdCrossing{85, ThresholdDirection::downward}));
}

}  // namespace
}  // namespace decnet::correlate
