// The profiler on its own, without a pipeline: what it asks to write, and how a profile it does
// not hold (evicted, or from before a restart) resumes from the stored row.
#include "correlate/attacker_profiler.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace decnet::correlate {
namespace {

constexpr std::int64_t kT0 = 1'777'000'000'000'000;

ProfileEvent event(const std::string& ip, const std::string& type, std::int64_t ts,
                   const std::string& sid = "", const std::string& service = "ssh") {
  ProfileEvent e;
  e.ts = e.received_at = ts;
  e.attacker_ip = ip;
  e.decky = "decky-01";
  e.service = service;
  e.event_type = type;
  e.session_id = sid;
  return e;
}

ProfileEvent command_event(const std::string& ip, const std::string& sid,
                           const std::string& command, std::int64_t ts) {
  auto e = event(ip, "command", ts, sid);
  e.command = command;
  return e;
}

ProfileEvent disconnect(const std::string& ip, const std::string& sid, std::int64_t ts) {
  return event(ip, "disconnect", ts, sid);
}

nlohmann::json commands_of(const ProfileUpdate& u, const std::string& ip) {
  for (const auto& c : u.commands) {
    if (c.attacker_ip == ip) return nlohmann::json::parse(c.commands_json);
  }
  return nullptr;
}

TEST(AttackerProfiler, ResumedProfileKeepsTheAttackersStoredCommands) {
  // The stored row lists one earlier command on the attacker's row, not in its state.
  store::AttackerBehaviour row;
  row.attacker_ip = "203.0.113.7";
  row.behavior_class = "interactive";
  row.score = 40;
  row.commands = R"([{"service":"ssh","decky":"decky-01","command":"uname -a",)"
                 R"("timestamp":"2026-05-02T06:00:00Z"}])";
  AttackerProfiler profiler;
  int asked = 0;
  const auto stored = [&](const std::vector<std::string>& ips) {
    ++asked;
    EXPECT_EQ(ips, std::vector<std::string>{"203.0.113.7"});
    return std::vector<store::AttackerBehaviour>{row};
  };
  ProfileUpdate update;
  profiler.observe({command_event("203.0.113.7", "s1", "id", kT0),
                    disconnect("203.0.113.7", "s1", kT0 + 1'000'000)},
                   kT0 + 1'000'000, update, stored);
  EXPECT_EQ(asked, 1);
  const auto listed = commands_of(update, "203.0.113.7");
  ASSERT_TRUE(listed.is_array()) << "no commands update";
  ASSERT_EQ(listed.size(), 2u) << listed.dump();
  EXPECT_EQ(listed[0]["command"], "uname -a");
  EXPECT_EQ(listed[1]["command"], "id");
  // The state written with the profile does not carry the list a second time.
  profiler.flush_all(kT0 + 2'000'000, update);
  ASSERT_FALSE(update.behaviours.empty());
  for (const auto& b : update.behaviours) {
    const auto state = nlohmann::json::parse(b.state);
    EXPECT_TRUE(state.contains("profile")) << b.state;
    EXPECT_FALSE(state.contains("commands")) << b.state;
  }
}

TEST(AttackerProfiler, StateFromBeforeTheCommandsMovedStillResumesThem) {
  store::AttackerBehaviour row;
  row.attacker_ip = "198.51.100.4";
  row.state = R"({"v":1,"commands":[{"service":"ssh","decky":"decky-01","command":"w",)"
              R"("timestamp":"2026-05-02T06:00:00Z"}]})";
  AttackerProfiler profiler;
  profiler.resume_profiles({row});
  ProfileUpdate update;
  profiler.observe(
      {command_event("198.51.100.4", "s2", "ls", kT0), disconnect("198.51.100.4", "s2", kT0 + 1)},
      kT0 + 1, update);
  const auto listed = commands_of(update, "198.51.100.4");
  ASSERT_EQ(listed.size(), 2u) << listed.dump();
  EXPECT_EQ(listed[0]["command"], "w");
  EXPECT_EQ(listed[1]["command"], "ls");
}

TEST(AttackerProfiler, AFirstVerdictWaitsUnlessAThresholdIsCrossed) {
  ProfilerOptions options;
  options.score_thresholds = {20};
  AttackerProfiler profiler(options);
  ProfileUpdate update;
  // A scanner's first connection: judged, but not written yet.
  profiler.observe({event("192.0.2.1", "connection", kT0, "", "ftp")}, kT0, update);
  EXPECT_TRUE(update.behaviours.empty());
  // Someone who logs in and runs a command crosses the threshold: written and scored at once.
  profiler.observe({command_event("192.0.2.2", "s9", "id", kT0)}, kT0, update);
  ASSERT_EQ(update.behaviours.size(), 1u);
  EXPECT_EQ(update.behaviours[0].attacker_ip, "192.0.2.2");
  ASSERT_EQ(update.scored.size(), 1u);
  // Once the scanner has been seen for the first-verdict delay, its verdict is written, with no
  // event needed to wake it.
  ProfileUpdate later;
  profiler.tick(kT0 + options.first_verdict_after_us - 1, later);
  EXPECT_TRUE(later.behaviours.empty());
  profiler.tick(kT0 + options.first_verdict_after_us, later);
  ASSERT_EQ(later.behaviours.size(), 1u);
  EXPECT_EQ(later.behaviours[0].attacker_ip, "192.0.2.1");
  EXPECT_TRUE(later.scored.empty());
}

}  // namespace
}  // namespace decnet::correlate
