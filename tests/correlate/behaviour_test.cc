#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "correlate/behaviour_profile.h"

namespace decnet::correlate {
namespace {

std::int64_t micros(double seconds) {
  return std::llround(seconds * 1e6);
}

BehaviourEvent at(double seconds, std::string_view service = "ssh",
                  std::string_view event_type = "connection", std::string_view decky = "decky-01") {
  BehaviourEvent e;
  e.ts_us = micros(seconds);
  e.service = service;
  e.event_type = event_type;
  e.decky = decky;
  return e;
}

// One event per time, the services taken in turn.
BehaviourVerdict verdict_of(const std::vector<double>& times,
                            const std::vector<std::string>& services = {"ssh"}) {
  BehaviourProfile profile;
  for (std::size_t i = 0; i < times.size(); ++i) {
    profile.add(at(times[i], services[i % services.size()]));
  }
  return profile.verdict();
}

std::vector<double> evenly(int count, double step) {
  std::vector<double> times;
  for (int i = 0; i < count; ++i) times.push_back(i * step);
  return times;
}

TEST(BehaviourTiming, TenEventsEverySixtySecondsHaveMeanSixtyAndZeroCv) {
  const auto v = verdict_of(evenly(10, 60));
  EXPECT_EQ(v.timing.event_count, 10);
  EXPECT_DOUBLE_EQ(v.timing.duration_s, 540);
  EXPECT_EQ(v.timing.mean_iat_s, 60.0);
  EXPECT_EQ(v.timing.stdev_iat_s, 0.0);
  EXPECT_EQ(v.timing.min_iat_s, 60.0);
  EXPECT_EQ(v.timing.max_iat_s, 60.0);
  EXPECT_EQ(v.timing.cv, 0.0);
  EXPECT_EQ(v.behaviour, BehaviourClass::beaconing);
  EXPECT_EQ(v.beacon_interval_s, 60.0);
  EXPECT_EQ(v.beacon_jitter_pct, 0.0);
}

TEST(BehaviourTiming, FewerThanTwoEventsHaveNoIntervals) {
  const auto none = BehaviourProfile().verdict();
  EXPECT_EQ(none.timing.event_count, 0);
  EXPECT_FALSE(none.timing.mean_iat_s);
  EXPECT_FALSE(none.first_seen_us);
  EXPECT_EQ(none.behaviour, BehaviourClass::unknown);

  const auto one = verdict_of({42});
  EXPECT_EQ(one.timing.event_count, 1);
  EXPECT_EQ(one.timing.duration_s, 0);
  EXPECT_FALSE(one.timing.mean_iat_s);
  EXPECT_FALSE(one.timing.cv);
  EXPECT_EQ(one.first_seen_us, micros(42));
  EXPECT_EQ(one.last_seen_us, micros(42));
}

TEST(BehaviourTiming, IntervalsAreRoundedLikeTheReference) {
  const auto v = verdict_of({0, 1.0004, 3.0008});
  EXPECT_EQ(v.timing.mean_iat_s, 1.5);
  EXPECT_EQ(v.timing.min_iat_s, 1.0);
  EXPECT_EQ(v.timing.max_iat_s, 2.0);
  EXPECT_EQ(v.timing.duration_s, 3.001);
  // From the unrounded mean (1.5004), as the reference does.
  EXPECT_EQ(v.timing.cv, 0.3332);
}

TEST(BehaviourClassify, AlternatingSixtyPlusOrMinusThreeIsBeaconing) {
  std::vector<double> times = {0};
  for (int i = 1; i < 10; ++i) times.push_back(times.back() + (i % 2 ? 57 : 63));
  const auto v = verdict_of(times);
  EXPECT_EQ(v.behaviour, BehaviourClass::beaconing);
  EXPECT_EQ(v.timing.mean_iat_s, 59.667);
  EXPECT_EQ(v.timing.cv, 0.05);
  EXPECT_EQ(v.beacon_interval_s, 59.667);
  EXPECT_EQ(v.beacon_jitter_pct, 5.0);
}

TEST(BehaviourClassify, BurstsOfTypingOnOneServiceAreInteractive) {
  const auto v = verdict_of({0, .2, .5, 1, 5, 5.1, 5.3, 10, 10.1, 10.2, 12});
  EXPECT_EQ(v.behaviour, BehaviourClass::interactive);
  EXPECT_EQ(v.timing.mean_iat_s, 1.2);
  EXPECT_EQ(v.timing.cv, 1.3789);
  EXPECT_FALSE(v.beacon_interval_s);
  EXPECT_FALSE(v.beacon_jitter_pct);
}

TEST(BehaviourClassify, FastEventsOverFiveServicesAreScanning) {
  const auto v = verdict_of(evenly(10, 0.2), {"ssh", "http", "ftp", "smb", "telnet"});
  EXPECT_EQ(v.services_count, 5);
  EXPECT_EQ(v.behaviour, BehaviourClass::scanning);
}

TEST(BehaviourClassify, FastEventsOnOneServiceAreBruteForce) {
  const auto v = verdict_of(evenly(8, 0.5));
  EXPECT_EQ(v.behaviour, BehaviourClass::brute_force);
  EXPECT_EQ(verdict_of(evenly(7, 0.5)).behaviour, BehaviourClass::mixed);
}

TEST(BehaviourClassify, SlowEventsOverThreeServicesAreASlowScan) {
  const auto v = verdict_of(evenly(6, 15), {"ssh", "http", "ftp"});
  EXPECT_EQ(v.behaviour, BehaviourClass::slow_scan);
}

TEST(BehaviourClassify, RulesApplyInTheReferenceOrder) {
  struct Case {
    std::int64_t n;
    std::optional<double> mean;
    std::optional<double> cv;
    std::int64_t services;
    BehaviourClass expected;
  };
  using enum BehaviourClass;
  const Case cases[] = {
      {2, 1.0, 0.0, 5, unknown},
      {3, std::nullopt, std::nullopt, 1, unknown},
      {4, 10.0, 0.0, 2, slow_scan},
      {3, 10.0, 0.0, 2, mixed},
      {4, 9.999, 0.0, 3, scanning},
      {4, 1.999, 0.9, 2, scanning},
      {4, 2.0, 0.1, 2, mixed},
      {4, 5.0, 0.1, 2, beaconing},
      {8, 4.999, 0.599, 1, brute_force},
      {8, 4.999, 0.6, 1, interactive},
      {8, 5.0, 0.1, 1, beaconing},
      {7, 1.0, 0.1, 1, mixed},
      {10, 1.0, 0.1, 0, mixed},
      {4, 5.0, 0.3499, 1, beaconing},
      {4, 5.0, 0.35, 1, mixed},
      {6, 4.999, 0.5, 1, interactive},
      {5, 4.999, 0.5, 1, mixed},
      {8, 0.0, std::nullopt, 1, mixed},
      {8, 0.0, std::nullopt, 2, scanning},
  };
  for (const auto& c : cases) {
    TimingStats t;
    t.event_count = c.n;
    t.mean_iat_s = c.mean;
    t.cv = c.cv;
    SCOPED_TRACE(testing::Message() << "n=" << c.n << " mean=" << c.mean.value_or(-1)
                                    << " cv=" << c.cv.value_or(-1) << " services=" << c.services);
    EXPECT_EQ(classify_behaviour(t, c.services), c.expected);
  }
}

TEST(BehaviourClassify, EventsAtOneInstantHaveNoCv) {
  const auto v = verdict_of(std::vector<double>(8, 100.0));
  EXPECT_EQ(v.timing.mean_iat_s, 0.0);
  EXPECT_FALSE(v.timing.cv);
  EXPECT_EQ(v.behaviour, BehaviourClass::mixed);
}

TEST(BehaviourTiming, OlderEventsCountButAddNoInterval) {
  BehaviourProfile profile;
  for (const double t : {1000.0, 1060.0, 1120.0, 1030.0, 940.0}) profile.add(at(t));
  const auto v = profile.verdict();
  EXPECT_EQ(v.timing.event_count, 5);
  EXPECT_EQ(v.timing.mean_iat_s, 60.0);
  EXPECT_EQ(v.timing.cv, 0.0);
  EXPECT_EQ(v.timing.duration_s, 180.0);
  EXPECT_EQ(v.first_seen_us, micros(940));
  EXPECT_EQ(v.last_seen_us, micros(1120));

  profile.add(at(1180));
  EXPECT_EQ(profile.verdict().timing.max_iat_s, 60.0);
  EXPECT_EQ(profile.verdict().timing.event_count, 6);
}

TEST(BehaviourTiming, EventsAtTheLatestInstantAddZeroIntervals) {
  const auto v = verdict_of({0, 0, 10});
  EXPECT_EQ(v.timing.mean_iat_s, 5.0);
  EXPECT_EQ(v.timing.min_iat_s, 0.0);
  EXPECT_EQ(v.timing.stdev_iat_s, 5.0);
}

TEST(BehaviourProfile, ServiceCountStaysExactPastTheNameCap) {
  BehaviourProfile profile;
  for (int i = 0; i < 100; ++i) profile.add(at(i, "svc-" + std::to_string(i)));
  profile.add(at(200, "svc-7"));
  const auto v = profile.verdict();
  EXPECT_EQ(v.services_count, 100);
  ASSERT_EQ(v.services.size(), kNamesKept);
  EXPECT_EQ(v.services.front(), "svc-0");
  EXPECT_EQ(v.services.back(), "svc-63");
}

TEST(BehaviourProfile, ServiceCountStopsGrowingAtTheHashCap) {
  BehaviourProfile profile;
  for (int i = 0; i < 5000; ++i) profile.add(at(i, "svc-" + std::to_string(i)));
  const auto v = profile.verdict();
  EXPECT_EQ(v.services_count, static_cast<std::int64_t>(kNamesCounted));
  EXPECT_EQ(v.services.size(), kNamesKept);
  EXPECT_EQ(v.timing.event_count, 5000);
}

TEST(BehaviourProfile, LongNamesAreCut) {
  const std::string stem(kMaxNameBytes, 's');
  BehaviourProfile profile;
  profile.add(at(0, stem + "-one"));
  profile.add(at(1, stem + "-two"));
  const auto v = profile.verdict();
  EXPECT_EQ(v.services_count, 1);
  EXPECT_EQ(v.services, std::vector<std::string>{stem});
}

TEST(BehaviourProfile, EventsGiveAwayToolsInDetectionOrder) {
  BehaviourProfile profile;
  auto e = at(0, "http", "request");
  e.user_agent = "sqlmap/1.7.2#stable (https://sqlmap.org)";
  profile.add(e);
  e = at(1, "ssh", "command");
  e.command = "nmap -sS 10.0.0.0/24";
  profile.add(e);
  e = at(2, "http", "request");
  e.user_agent = "sqlmap/1.8";
  profile.add(e);
  e = at(3, "ssh", "connection");
  e.client_banner = "SSH-2.0-libssh_0.9.6";
  profile.add(e);
  e = at(4, "http", "request");
  e.user_agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64)";
  profile.add(e);

  const std::vector<ToolMatch> expected = {{"sqlmap", ToolEvidence::http_header, true},
                                           {"nmap", ToolEvidence::command, true},
                                           {"libssh", ToolEvidence::client_banner, true}};
  EXPECT_EQ(profile.verdict().tools, expected);
}

TEST(BehaviourProfile, BeaconToolsFollowTheCurrentTimingAndCommandAndControlStays) {
  BehaviourProfile profile;
  double t = 0;
  profile.add(at(t));
  for (int i = 0; i < 10; ++i) profile.add(at(t += (i % 2 ? 72 : 48)));
  auto v = profile.verdict();
  ASSERT_EQ(v.behaviour, BehaviourClass::beaconing);
  EXPECT_EQ(v.timing.cv, 0.2);
  const std::vector<ToolMatch> cobalt = {{"cobalt_strike", ToolEvidence::beacon_timing, true}};
  EXPECT_EQ(v.tools, cobalt);
  ASSERT_FALSE(v.kill_chain.phases.empty());
  // Beaconing shows from the fourth event on (n >= 4): 48 + 72 + 48 seconds in.
  const PhaseReached c2{KillChainPhase::command_and_control, micros(168)};
  EXPECT_EQ(v.kill_chain.phases.back(), c2);

  for (int i = 0; i < 40; ++i) profile.add(at(t += 0.1));
  v = profile.verdict();
  EXPECT_NE(v.behaviour, BehaviourClass::beaconing);
  EXPECT_TRUE(v.tools.empty());
  EXPECT_FALSE(v.beacon_interval_s);
  EXPECT_EQ(v.kill_chain.phases.back(), c2);
}

TEST(BehaviourProfile, BeaconTimingOfAScanIsNoBeacon) {
  BehaviourProfile profile;
  const std::string_view services[] = {"ssh", "http", "ftp"};
  double t = 0;
  profile.add(at(t, services[0]));
  for (int i = 0; i < 10; ++i) profile.add(at(t += (i % 2 ? 72 : 48), services[(i + 1) % 3]));
  const auto v = profile.verdict();
  EXPECT_EQ(v.timing.cv, 0.2);
  EXPECT_EQ(v.behaviour, BehaviourClass::slow_scan);
  EXPECT_TRUE(v.tools.empty());
  EXPECT_EQ(v.kill_chain.phases.size(), 1u);
}

TEST(BehaviourProfile, NoCommandAndControlWithoutBeaconing) {
  const auto v = verdict_of(evenly(8, 0.5));
  ASSERT_EQ(v.kill_chain.phases.size(), 1u);
  EXPECT_EQ(v.kill_chain.phases[0].phase, KillChainPhase::reconnaissance);
}

TEST(BehaviourProfile, CommandsAndPhasesComeFromEventTypes) {
  BehaviourProfile profile;
  profile.add(at(0, "ssh", "connection"));
  profile.add(at(1, "ssh", "login_attempt"));
  profile.add(at(2, "ssh", "command"));
  profile.add(at(3, "mysql", "sql_query"));
  profile.add(at(4, "ssh", "shell_input"));
  auto big = at(5, "ftp", "upload");
  big.payload_bytes = 2 * kLargePayloadBytes;
  profile.add(big);
  const auto v = profile.verdict();
  EXPECT_EQ(v.commands_count, 3);
  EXPECT_EQ(v.kill_chain.large_payload_count, 1);
  const std::vector<PhaseReached> phases = {{KillChainPhase::reconnaissance, micros(0)},
                                            {KillChainPhase::credential_access, micros(1)},
                                            {KillChainPhase::execution, micros(2)},
                                            {KillChainPhase::exfiltration, micros(5)}};
  EXPECT_EQ(v.kill_chain.phases, phases);
}

TEST(BehaviourTraversal, DeckiesInFirstContactOrder) {
  BehaviourProfile profile;
  profile.add(at(10, "ssh", "connection", "decky-a"));
  profile.add(at(20, "ssh", "connection", "decky-b"));
  profile.add(at(30, "ssh", "connection", "decky-a"));
  profile.add(at(5, "ssh", "connection", "decky-c"));
  profile.add(at(3, "ssh", "connection", "decky-b"));
  const auto t = profile.verdict().traversal;
  EXPECT_EQ(t.deckies, (std::vector<std::string>{"decky-b", "decky-c", "decky-a"}));
  EXPECT_EQ(t.decky_count, 3);
  EXPECT_EQ(t.path, "decky-b → decky-c → decky-a");
  EXPECT_TRUE(t.is_traversal);
}

TEST(BehaviourTraversal, InfrastructureDeckiesAreIgnored) {
  BehaviourProfile profile;
  profile.add(at(0, "ssh", "connection", "decnet-sniffer"));
  profile.add(at(1, "ssh", "connection", "decky-a"));
  profile.add(at(2, "ssh", "connection", ""));
  const auto t = profile.verdict().traversal;
  EXPECT_EQ(t.decky_count, 1);
  EXPECT_EQ(t.path, "decky-a");
  EXPECT_FALSE(t.is_traversal);

  profile.add(at(3, "ssh", "connection", "decky-b"));
  EXPECT_TRUE(profile.verdict().traversal.is_traversal);
}

TEST(BehaviourTraversal, DeckyNamesAreCappedButCounted) {
  BehaviourProfile profile;
  for (int i = 0; i < 70; ++i) profile.add(at(i, "ssh", "scan", "decky-" + std::to_string(i)));
  const auto t = profile.verdict().traversal;
  EXPECT_EQ(t.decky_count, 70);
  EXPECT_EQ(t.deckies.size(), kNamesKept);
}

BehaviourProfile busy_profile() {
  BehaviourProfile profile;
  for (int i = 0; i < 80; ++i) {
    const auto service = "svc-" + std::to_string(i % 70);
    const auto decky = "decky-" + std::to_string(i % 4);
    auto e = at(i * 30.0, service, i % 3 ? "connection" : "command", decky);
    if (i == 5) e.user_agent = "Nuclei - Open-source project (github.com/projectdiscovery/nuclei)";
    if (i == 6) e.command = "echo ZWNobyBoaQ== | base64 -d | sh";
    if (i == 7) e.client_banner = "SSH-2.0-PuTTY_Release_0.80";
    if (i == 8) e.payload_bytes = kLargePayloadBytes;
    profile.add(e);
  }
  profile.add(at(-10, "ssh", "login_attempt", "decky-9"));
  return profile;
}

void expect_same(const BehaviourVerdict& a, const BehaviourVerdict& b) {
  EXPECT_EQ(a.behaviour, b.behaviour);
  EXPECT_EQ(a.timing.event_count, b.timing.event_count);
  EXPECT_EQ(a.timing.duration_s, b.timing.duration_s);
  EXPECT_EQ(a.timing.mean_iat_s, b.timing.mean_iat_s);
  EXPECT_EQ(a.timing.stdev_iat_s, b.timing.stdev_iat_s);
  EXPECT_EQ(a.timing.min_iat_s, b.timing.min_iat_s);
  EXPECT_EQ(a.timing.max_iat_s, b.timing.max_iat_s);
  EXPECT_EQ(a.timing.cv, b.timing.cv);
  EXPECT_EQ(a.services_count, b.services_count);
  EXPECT_EQ(a.services, b.services);
  EXPECT_EQ(a.tools, b.tools);
  EXPECT_EQ(a.kill_chain.phases, b.kill_chain.phases);
  EXPECT_EQ(a.kill_chain.recon_end_us, b.kill_chain.recon_end_us);
  EXPECT_EQ(a.kill_chain.exfil_start_us, b.kill_chain.exfil_start_us);
  EXPECT_EQ(a.kill_chain.large_payload_count, b.kill_chain.large_payload_count);
  EXPECT_EQ(a.traversal.path, b.traversal.path);
  EXPECT_EQ(a.traversal.decky_count, b.traversal.decky_count);
  EXPECT_EQ(a.commands_count, b.commands_count);
  EXPECT_EQ(a.first_seen_us, b.first_seen_us);
  EXPECT_EQ(a.last_seen_us, b.last_seen_us);
}

TEST(BehaviourState, RestoredProfileCarriesOnAsTheOriginal) {
  auto original = busy_profile();
  const auto before = original.verdict();
  ASSERT_EQ(before.services_count, 71);
  ASSERT_EQ(before.tools.size(), 3u);

  BehaviourProfile resumed;
  ASSERT_TRUE(resumed.restore(nlohmann::json::parse(original.save().dump())));
  expect_same(resumed.verdict(), before);

  // svc-69 has no name slot: only its saved hash keeps it from being counted twice.
  for (auto* p : {&original, &resumed}) {
    p->add(at(5000, "svc-69", "download", "decky-7"));
    p->add(at(5030, "svc-new", "connection", "decky-0"));
  }
  expect_same(resumed.verdict(), original.verdict());
  EXPECT_EQ(resumed.verdict().services_count, 72);
}

TEST(BehaviourState, UnusableStateLeavesAnEmptyProfile) {
  auto valid = busy_profile().save();
  auto negative = valid;
  negative["events"] = -1;
  auto reversed = valid;
  reversed["first_us"] = reversed["latest_us"].get<std::int64_t>() + 1;
  auto bad_name = valid;
  bad_name["services"]["names"][0] = 7;
  auto no_intervals = valid;
  no_intervals.erase("intervals");

  for (const auto& saved : {nlohmann::json("junk"), nlohmann::json::object(), negative, reversed,
                            bad_name, no_intervals}) {
    SCOPED_TRACE(saved.dump().substr(0, 80));
    auto profile = busy_profile();
    EXPECT_FALSE(profile.restore(saved));
    EXPECT_EQ(profile.verdict().timing.event_count, 0);
    EXPECT_EQ(profile.verdict().services_count, 0);
  }
}

}  // namespace
}  // namespace decnet::correlate
