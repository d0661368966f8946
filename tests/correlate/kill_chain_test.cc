#include "correlate/kill_chain.h"

#include <gtest/gtest.h>

#include <vector>

namespace decnet::correlate {
namespace {

constexpr std::int64_t kSecond = 1'000'000;

TEST(KillChain, ReconAtTwentyAndExfilAtHundredTwentyIsALatencyOfHundred) {
  KillChain chain;
  chain.add(20 * kSecond, "scan", -1);
  chain.add(120 * kSecond, "download", -1);
  const auto s = chain.summary();
  EXPECT_EQ(s.recon_end_us, 20 * kSecond);
  EXPECT_EQ(s.exfil_start_us, 120 * kSecond);
  EXPECT_EQ(s.exfil_latency_s, 100.0);
}

TEST(KillChain, SequenceUsesTheReferenceSets) {
  KillChain chain;
  chain.add(20 * kSecond, "login_attempt", -1);
  chain.add(50 * kSecond, "auth_attempt", -1);
  chain.add(120 * kSecond, "command", -1);
  chain.add(130 * kSecond, "download_attempt", -1);
  const auto s = chain.summary();
  EXPECT_EQ(s.recon_end_us, 20 * kSecond);
  EXPECT_EQ(s.exfil_start_us, 120 * kSecond);
  EXPECT_EQ(s.exfil_latency_s, 100.0);
}

TEST(KillChain, NegativeLatencyIsLeftOut) {
  KillChain chain;
  chain.add(10 * kSecond, "upload", -1);
  chain.add(50 * kSecond, "probe", -1);
  const auto s = chain.summary();
  EXPECT_EQ(s.recon_end_us, 50 * kSecond);
  EXPECT_EQ(s.exfil_start_us, 10 * kSecond);
  EXPECT_FALSE(s.exfil_latency_s);

  KillChain only_recon;
  only_recon.add(0, "scan", -1);
  EXPECT_FALSE(only_recon.summary().exfil_latency_s);
  EXPECT_FALSE(only_recon.summary().exfil_start_us);
}

TEST(KillChain, ReconEndIsTheLastAndExfilStartTheFirstInAnyArrivalOrder) {
  KillChain chain;
  chain.add(30 * kSecond, "banner", -1);
  chain.add(10 * kSecond, "connection", -1);
  chain.add(200 * kSecond, "exec", -1);
  chain.add(150 * kSecond, "file_transfer", -1);
  const auto s = chain.summary();
  EXPECT_EQ(s.recon_end_us, 30 * kSecond);
  EXPECT_EQ(s.exfil_start_us, 150 * kSecond);
  EXPECT_EQ(s.exfil_latency_s, 120.0);
}

TEST(KillChain, LatencyHasThreeDecimals) {
  KillChain chain;
  chain.add(0, "scan", -1);
  chain.add(1'234'567, "data_exfil", -1);
  EXPECT_EQ(chain.summary().exfil_latency_s, 1.235);
}

TEST(KillChain, LargePayloadsFromOneMebibyte) {
  KillChain chain;
  chain.add(0, "upload", kLargePayloadBytes);
  chain.add(1, "upload", kLargePayloadBytes - 1);
  chain.add(2, "upload", -1);
  chain.add(3, "request", 5 * kLargePayloadBytes);
  EXPECT_EQ(chain.summary().large_payload_count, 2);
}

TEST(KillChain, EventTypesMapToPhases) {
  using enum KillChainPhase;
  const std::pair<std::string_view, KillChainPhase> cases[] = {
      {"scan", reconnaissance},
      {"connection", reconnaissance},
      {"banner", reconnaissance},
      {"probe", reconnaissance},
      {"request", reconnaissance},
      {"tcp_syn_fingerprint", reconnaissance},
      {"", reconnaissance},
      {"Command", reconnaissance},
      {"login_attempt", credential_access},
      {"auth", credential_access},
      {"auth_attempt", credential_access},
      {"auth_failure", credential_access},
      {"auth_response", credential_access},
      {"bind", credential_access},
      {"command", execution},
      {"exec", execution},
      {"query", execution},
      {"shell_input", execution},
      {"input", execution},
      {"execute", execution},
      {"run", execution},
      {"sql_query", execution},
      {"redis_command", execution},
      {"download", exfiltration},
      {"upload", exfiltration},
      {"file_transfer", exfiltration},
      {"data_exfil", exfiltration},
      {"download_attempt", exfiltration},
      {"retr", exfiltration},
      {"file_captured", exfiltration},
  };
  for (const auto& [type, phase] : cases) {
    SCOPED_TRACE(type);
    EXPECT_EQ(phase_of_event_type(type), phase);
  }
}

TEST(KillChain, PhasesInTheOrderReachedWithTheirFirstTime) {
  KillChain chain;
  chain.add(10, "connection", -1);
  chain.add(20, "login_attempt", -1);
  chain.add(30, "command", -1);
  chain.add(40, "download", -1);
  chain.add(50, "command", -1);
  chain.add(5, "auth", -1);
  const std::vector<PhaseReached> expected = {{KillChainPhase::credential_access, 5},
                                              {KillChainPhase::reconnaissance, 10},
                                              {KillChainPhase::execution, 30},
                                              {KillChainPhase::exfiltration, 40}};
  EXPECT_EQ(chain.summary().phases, expected);
}

TEST(KillChain, PhasesReachedAtOneInstantFollowTheKillChain) {
  KillChain chain;
  chain.add(10, "retr", -1);
  chain.add(10, "command", -1);
  chain.add(10, "scan", -1);
  const std::vector<PhaseReached> expected = {{KillChainPhase::reconnaissance, 10},
                                              {KillChainPhase::execution, 10},
                                              {KillChainPhase::exfiltration, 10}};
  EXPECT_EQ(chain.summary().phases, expected);
}

TEST(KillChain, ReachKeepsTheEarliestTime) {
  KillChain chain;
  EXPECT_FALSE(chain.reached(KillChainPhase::command_and_control));
  chain.reach(KillChainPhase::command_and_control, 100);
  chain.reach(KillChainPhase::command_and_control, 50);
  chain.reach(KillChainPhase::command_and_control, 70);
  EXPECT_TRUE(chain.reached(KillChainPhase::command_and_control));
  EXPECT_FALSE(chain.reached(KillChainPhase::reconnaissance));
  const std::vector<PhaseReached> expected = {{KillChainPhase::command_and_control, 50}};
  EXPECT_EQ(chain.summary().phases, expected);
}

TEST(KillChain, AddReturnsThePhaseOfTheEvent) {
  KillChain chain;
  EXPECT_EQ(chain.add(0, "redis_command", -1), KillChainPhase::execution);
  EXPECT_EQ(chain.add(0, "bind", -1), KillChainPhase::credential_access);
  EXPECT_EQ(chain.add(0, "weird", -1), KillChainPhase::reconnaissance);
}

TEST(KillChain, ResumesFromASummary) {
  KillChain chain;
  chain.add(20 * kSecond, "scan", -1);
  chain.add(10 * kSecond, "auth", -1);
  chain.add(120 * kSecond, "download", 2 * kLargePayloadBytes);
  chain.reach(KillChainPhase::command_and_control, 90 * kSecond);
  const auto saved = chain.summary();

  KillChain resumed(saved);
  const auto s = resumed.summary();
  EXPECT_EQ(s.phases, saved.phases);
  EXPECT_EQ(s.phases.size(), 4u);
  EXPECT_EQ(s.recon_end_us, saved.recon_end_us);
  EXPECT_EQ(s.exfil_start_us, saved.exfil_start_us);
  EXPECT_EQ(s.exfil_latency_s, 100.0);
  EXPECT_EQ(s.large_payload_count, 1);

  resumed.add(130 * kSecond, "scan", -1);
  EXPECT_EQ(resumed.summary().recon_end_us, 130 * kSecond);
  EXPECT_FALSE(resumed.summary().exfil_latency_s);
}

}  // namespace
}  // namespace decnet::correlate
