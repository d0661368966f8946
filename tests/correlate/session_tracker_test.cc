#include "correlate/session_tracker.h"

#include <gtest/gtest.h>

namespace decnet::correlate {
namespace {

constexpr std::int64_t kOneSecond = 1'000'000;

ProfileEvent event(std::string type, std::int64_t at_s, std::string service = "ftp",
                   std::string ip = "203.0.113.9", std::string decky = "decky-01") {
  ProfileEvent e;
  e.ts = at_s * kOneSecond;
  e.received_at = at_s * kOneSecond;
  e.attacker_ip = std::move(ip);
  e.decky = std::move(decky);
  e.service = std::move(service);
  e.event_type = std::move(type);
  return e;
}

TEST(SessionTracker, ConnectionOpensAndDisconnectEnds) {
  SessionTracker tracker;
  SessionChanges changes;
  tracker.add(event("connection", 10), changes);
  auto auth = event("auth_attempt", 11);
  auth.auth_attempt = true;
  tracker.add(auth, changes);
  tracker.add(auth, changes);
  // Not announced yet: a session shorter than announce_after is announced when it ends.
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(tracker.open_count(), 1u);
  tracker.add(event("disconnect", 14), changes);
  ASSERT_EQ(changes.started.size(), 1u);
  ASSERT_EQ(changes.ended.size(), 1u);
  const auto& s = changes.ended[0];
  EXPECT_EQ(s.uuid, changes.started[0].uuid);
  EXPECT_EQ(s.started_at, 10 * kOneSecond);
  EXPECT_EQ(s.ended_at, 14 * kOneSecond);
  EXPECT_EQ(s.end_reason, "end_event");
  EXPECT_EQ(s.event_count, 4);
  EXPECT_EQ(s.auth_attempts, 2);
  EXPECT_EQ(s.outcome, store::SessionOutcome::kAuthFailed);
  EXPECT_EQ(tracker.open_count(), 0u);
  // Opened and ended within one step: one row, in its final state.
  const auto rows = changes.rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].ended_at.has_value());
}

TEST(SessionTracker, EventsWithoutAnOpenSessionMakeNone) {
  SessionTracker tracker;
  SessionChanges changes;
  tracker.add(event("request", 1, "http"), changes);
  tracker.add(event("auth_attempt", 2, "auth-helper"), changes);
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(tracker.open_count(), 0u);
}

TEST(SessionTracker, SessionIdsKeepConnectionsApart) {
  SessionTracker tracker;
  SessionChanges changes;
  auto a = event("connect", 1, "redis");
  a.session_id = "a";
  auto b = event("connect", 2, "redis");
  b.session_id = "b";
  tracker.add(a, changes);
  tracker.add(b, changes);
  auto command = event("command", 3, "redis");
  command.session_id = "a";
  command.command = "CONFIG SET dir /tmp";
  tracker.add(command, changes);
  auto end_a = event("disconnect", 4, "redis");
  end_a.session_id = "a";
  tracker.add(end_a, changes);
  ASSERT_EQ(changes.ended.size(), 1u);
  EXPECT_EQ(changes.ended[0].session_id, "a");
  ASSERT_EQ(changes.ended[0].commands.size(), 1u);
  EXPECT_EQ(changes.ended[0].commands[0].command, "CONFIG SET dir /tmp");
  EXPECT_EQ(changes.ended[0].outcome, store::SessionOutcome::kLoggedIn);
  EXPECT_EQ(tracker.open_count(), 1u);
}

TEST(SessionTracker, RecordedSessionTakesTheShellCommandsOfItsWindow) {
  SessionTracker tracker;
  SessionChanges changes;
  const auto bash = [&](std::int64_t at, std::string cmd) {
    auto e = event("command", at, "bash", "198.51.100.7", "SRV-DELTA-77");
    e.command = std::move(cmd);
    tracker.add(e, changes);
  };
  bash(100, "too early");
  bash(1000, "uname -a");
  bash(1010, "id");
  bash(1200, "later");
  EXPECT_TRUE(changes.empty());
  auto recorded = event("session_recorded", 1100, "ssh", "198.51.100.7", "omega-decky");
  recorded.session_id = "3f2a9c";
  recorded.duration_s = 132.417;
  recorded.bytes = 20480;
  tracker.add(recorded, changes);
  ASSERT_EQ(changes.started.size(), 1u);
  ASSERT_EQ(changes.ended.size(), 1u);
  const auto& s = changes.ended[0];
  EXPECT_EQ(s.session_id, "3f2a9c");
  EXPECT_EQ(s.service, "ssh");
  EXPECT_EQ(s.started_at, 1100 * kOneSecond - 132'417'000);
  EXPECT_EQ(s.bytes, 20480);
  EXPECT_EQ(s.outcome, store::SessionOutcome::kLoggedIn);
  ASSERT_EQ(s.commands.size(), 2u);
  EXPECT_EQ(s.commands[0].command, "uname -a");
  EXPECT_EQ(s.commands[1].command, "id");
  EXPECT_EQ(s.command_count, 2);
}

TEST(SessionTracker, SilenceEndsASessionOnlyAfterTheTimeout) {
  SessionTracker tracker({.idle_timeout_us = 60 * kOneSecond, .max_open = 10});
  SessionChanges changes;
  tracker.add(event("connection", 100), changes);
  tracker.add(event("user", 130), changes);
  tracker.close_silent(189 * kOneSecond, changes);
  EXPECT_TRUE(changes.ended.empty());
  tracker.close_silent(191 * kOneSecond, changes);
  ASSERT_EQ(changes.ended.size(), 1u);
  EXPECT_EQ(changes.ended[0].end_reason, "silence");
  EXPECT_EQ(changes.ended[0].ended_at, 130 * kOneSecond);
  EXPECT_EQ(changes.ended[0].outcome, store::SessionOutcome::kClosed);
}

TEST(SessionTracker, ANewConnectionWithoutIdReplacesTheOpenOne) {
  SessionTracker tracker;
  SessionChanges changes;
  tracker.add(event("connect", 1, "smtp"), changes);
  tracker.add(event("connect", 3, "smtp"), changes);
  ASSERT_EQ(changes.started.size(), 1u);
  ASSERT_EQ(changes.ended.size(), 1u);
  EXPECT_EQ(changes.ended[0].uuid, changes.started[0].uuid);
  EXPECT_EQ(changes.ended[0].end_reason, "replaced");
  EXPECT_EQ(tracker.open_count(), 1u);
  tracker.close_silent(8 * kOneSecond, changes);
  ASSERT_EQ(changes.started.size(), 2u);
  EXPECT_EQ(changes.started[1].started_at, 3 * kOneSecond);
}

TEST(SessionTracker, AtTheLimitTheLongestSilentSessionIsEnded) {
  SessionTracker tracker({.idle_timeout_us = 3600 * kOneSecond, .max_open = 2});
  SessionChanges changes;
  tracker.add(event("connection", 1, "ftp", "192.0.2.1"), changes);
  tracker.add(event("connection", 2, "ftp", "192.0.2.2"), changes);
  tracker.add(event("user", 3, "ftp", "192.0.2.1"), changes);
  tracker.add(event("connection", 4, "ftp", "192.0.2.3"), changes);
  ASSERT_EQ(changes.ended.size(), 1u);
  EXPECT_EQ(changes.ended[0].attacker_ip, "192.0.2.2");
  EXPECT_EQ(changes.ended[0].end_reason, "evicted");
  EXPECT_EQ(tracker.open_count(), 2u);
}

TEST(SessionTracker, CommandsAreBoundedButCountedExactly) {
  SessionTracker tracker;
  SessionChanges changes;
  auto open = event("connect", 1, "redis");
  open.session_id = "s";
  tracker.add(open, changes);
  const std::string huge(5000, 'x');
  for (std::size_t i = 0; i < store::kMaxSessionCommands + 20; ++i) {
    auto c = event("command", 2, "redis");
    c.session_id = "s";
    c.command = huge;
    tracker.add(c, changes);
  }
  const auto open_now = tracker.open_sessions();
  ASSERT_EQ(open_now.size(), 1u);
  EXPECT_EQ(open_now[0].commands.size(), store::kMaxSessionCommands);
  EXPECT_EQ(open_now[0].command_count, static_cast<std::int64_t>(store::kMaxSessionCommands + 20));
  EXPECT_EQ(open_now[0].commands[0].command.size(), store::kMaxSessionCommandBytes);
}

TEST(SessionTracker, ResumedSessionsCarryOn) {
  store::Session open;
  open.uuid = "0190c5a0-0000-7000-8000-000000000001";
  open.attacker_ip = "203.0.113.9";
  open.decky = "decky-01";
  open.service = "ftp";
  open.started_at = 10 * kOneSecond;
  open.last_event_at = 12 * kOneSecond;
  open.event_count = 3;
  SessionTracker tracker({.idle_timeout_us = 60 * kOneSecond, .max_open = 10});
  tracker.resume({open}, 20 * kOneSecond);
  SessionChanges changes;
  tracker.add(event("user", 30), changes);
  tracker.add(event("disconnect", 31), changes);
  EXPECT_TRUE(changes.started.empty());
  ASSERT_EQ(changes.ended.size(), 1u);
  EXPECT_EQ(changes.ended[0].uuid, open.uuid);
  EXPECT_EQ(changes.ended[0].event_count, 5);
  EXPECT_EQ(changes.ended[0].started_at, 10 * kOneSecond);
}

TEST(SessionTracker, AnIdNamedLaterKeepsTheConnectionsSession) {
  SessionTracker tracker;
  SessionChanges changes;
  tracker.add(event("connect", 1, "ssh"), changes);
  auto named = event("shell_input", 2, "ssh");
  named.session_id = "pty-7";
  named.command = "ls";
  tracker.add(named, changes);
  const auto open = tracker.open_sessions();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].session_id, "pty-7");
  EXPECT_EQ(open[0].command_count, 1);
  tracker.close_silent(7 * kOneSecond, changes);
  ASSERT_EQ(changes.started.size(), 1u);
  EXPECT_EQ(changes.started[0].uuid, open[0].uuid);
  EXPECT_EQ(changes.started[0].session_id, "pty-7");
}

TEST(SessionTracker, ALongSessionIsAnnouncedOnceWhileOpen) {
  SessionTracker tracker(
      {.idle_timeout_us = 600 * kOneSecond, .max_open = 10, .announce_after_us = 5 * kOneSecond});
  SessionChanges changes;
  tracker.add(event("connection", 100), changes);
  tracker.close_silent(104 * kOneSecond, changes);
  EXPECT_TRUE(changes.started.empty());
  tracker.close_silent(105 * kOneSecond, changes);
  ASSERT_EQ(changes.started.size(), 1u);
  EXPECT_FALSE(changes.started[0].ended_at.has_value());
  tracker.close_silent(200 * kOneSecond, changes);
  tracker.add(event("disconnect", 201), changes);
  EXPECT_EQ(changes.started.size(), 1u);
  ASSERT_EQ(changes.ended.size(), 1u);
  EXPECT_EQ(changes.ended[0].uuid, changes.started[0].uuid);
}

}  // namespace
}  // namespace decnet::correlate
