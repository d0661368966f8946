// Sessions and attacker behaviour rows on SQLite: the profiler's upserts (one row per session
// and per attacker however often written), reads joined back to the attacker, the attacker list
// filtered by behaviour class and ordered by score, and hostile text kept as it came.
#include <gtest/gtest.h>

#include "store/attacker_repository.h"
#include "store/behaviour_repository.h"
#include "store/session_repository.h"
#include "store/sqlite/domains.h"
#include "store_fixture.h"

namespace decnet::store {
namespace {

class SessionStoreTest : public DomainStoreTest {
 protected:
  Session session(const std::string& uuid, const std::string& ip, std::int64_t start) {
    Session s;
    s.uuid = uuid;
    s.attacker_ip = ip;
    s.decky = "decky-01";
    s.service = "ssh";
    s.session_id = "sid-" + uuid.substr(uuid.size() - 2);
    s.started_at = s.last_event_at = start;
    s.event_count = 1;
    return s;
  }
  // The writer finds the attacker of the address, as the pipeline does, then writes the row.
  std::optional<std::string> upsert(const Session& s) {
    return write([&](WriteScope& w) -> std::optional<std::string> {
      const auto ref = attackers_->find_in(w, s.attacker_ip);
      if (!ref) return std::nullopt;
      sessions_->upsert_session(w, ref->id, s);
      return ref->uuid;
    });
  }
  std::optional<std::string> upsert(const AttackerBehaviour& b) {
    return write([&](WriteScope& w) -> std::optional<std::string> {
      const auto ref = attackers_->find_in(w, b.attacker_ip);
      if (!ref) return std::nullopt;
      behaviour_->upsert_behaviour(w, ref->id, b);
      return ref->uuid;
    });
  }

  std::unique_ptr<SessionRepository> sessions_ = sqlite::make_session_repository(engine_);
  std::unique_ptr<BehaviourRepository> behaviour_ = sqlite::make_behaviour_repository(engine_);
};

constexpr const char* kUuidA = "0190c5a0-0000-7000-8000-0000000000a1";
constexpr const char* kUuidB = "0190c5a0-0000-7000-8000-0000000000b2";

TEST_F(SessionStoreTest, UpsertKeepsOneRowPerSessionAndTheLatestState) {
  const auto uuid = attacker("203.0.113.9");
  auto s = session(kUuidA, "203.0.113.9", kT0);
  EXPECT_EQ(upsert(s), uuid);
  ASSERT_EQ(sessions_->list_open_sessions(10).size(), 1u);
  s.ended_at = kT0 + 5'000'000;
  s.end_reason = "end_event";
  s.event_count = 4;
  s.auth_attempts = 2;
  s.outcome = SessionOutcome::kLoggedIn;
  s.commands = {{"uname -a", kT0 + 1}, {"id", kT0 + 2}};
  s.command_count = 2;
  EXPECT_EQ(upsert(s), uuid);
  const auto page = sessions_->list_sessions_for_attacker(uuid, {});
  ASSERT_EQ(page.total, 1);
  const auto& got = page.data.at(0);
  EXPECT_EQ(got.attacker_uuid, uuid);
  EXPECT_EQ(got.ended_at, kT0 + 5'000'000);
  EXPECT_EQ(got.end_reason, "end_event");
  EXPECT_EQ(got.event_count, 4);
  EXPECT_EQ(got.outcome, SessionOutcome::kLoggedIn);
  ASSERT_EQ(got.commands.size(), 2u);
  EXPECT_EQ(got.commands[1].command, "id");
  EXPECT_TRUE(sessions_->list_open_sessions(10).empty());
}

TEST_F(SessionStoreTest, AnUnknownAddressWritesNothing) {
  EXPECT_EQ(upsert(session(kUuidA, "198.51.100.1", kT0)), std::nullopt);
  EXPECT_FALSE(sessions_->get_session(kUuidA));
}

TEST_F(SessionStoreTest, AnAttackersSessionsAreListedNewestFirstAndPaged) {
  const auto uuid = attacker("203.0.113.9");
  const auto other = attacker("203.0.113.10");
  upsert(session(kUuidA, "203.0.113.9", kT0));
  upsert(session("0190c5a0-0000-7000-8000-0000000000c3", "203.0.113.10", kT0));
  upsert(session(kUuidB, "203.0.113.9", kT0 + 1));
  const auto page = sessions_->list_sessions_for_attacker(uuid, {1, 0});
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.data.size(), 1u);
  EXPECT_EQ(page.data[0].uuid, kUuidB);
  EXPECT_EQ(sessions_->list_sessions_for_attacker(uuid, {1, 1}).data.at(0).uuid, kUuidA);
  EXPECT_EQ(sessions_->list_sessions_for_attacker(other, {}).total, 1);
  EXPECT_EQ(sessions_->get_session(kUuidB)->attacker_ip, "203.0.113.9");
}

TEST_F(SessionStoreTest, HostileTextIsKeptAsItCame) {
  attacker("203.0.113.9");
  auto s = session(kUuidA, "203.0.113.9", kT0);
  for (const auto& text : hostile_strings()) s.commands.push_back({text, kT0});
  s.decky = hostile_strings()[1];
  s.session_id = hostile_strings()[0];
  upsert(s);
  const auto got = sessions_->get_session(kUuidA);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->decky, s.decky);
  EXPECT_EQ(got->session_id, s.session_id);
  ASSERT_EQ(got->commands.size(), s.commands.size());
  for (std::size_t i = 0; i < s.commands.size(); ++i) {
    EXPECT_EQ(got->commands[i].command, s.commands[i].command);
  }
}

TEST_F(SessionStoreTest, BehaviourRowsAreRewrittenAndDriveTheAttackerList) {
  const auto low = attacker("203.0.113.1");
  const auto high = attacker("203.0.113.2");
  attacker("203.0.113.3");  // never profiled
  AttackerBehaviour b;
  b.attacker_ip = "203.0.113.1";
  b.behavior_class = "scanning";
  b.score = 5;
  b.reasons = R"(["scanning"])";
  EXPECT_EQ(upsert(b), low);
  b.attacker_ip = "203.0.113.2";
  b.behavior_class = "brute_force";
  b.score = 20;
  EXPECT_EQ(upsert(b), high);
  b.behavior_class = "interactive";
  b.score = 63;
  b.beacon_interval_s = 60.5;
  b.state = R"({"v":1})";
  EXPECT_EQ(upsert(b), high);
  b.attacker_ip = "192.0.2.200";
  EXPECT_EQ(upsert(b), std::nullopt);

  const auto got = behaviour_->get_behaviour(high);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->behavior_class, "interactive");
  EXPECT_EQ(got->score, 63);
  EXPECT_EQ(got->beacon_interval_s, 60.5);
  const auto stored = behaviour_->behaviours_of({"203.0.113.2", "203.0.113.3", "192.0.2.1"});
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].state, R"({"v":1})");

  AttackerQuery by_score;
  by_score.sort = AttackerSort::kScore;
  const auto ranked = attackers_->list(by_score);
  EXPECT_EQ(ranked.total, 2);  // the attacker never profiled has no score to order by
  ASSERT_EQ(ranked.data.size(), 2u);
  EXPECT_EQ(ranked.data[0].uuid, high);
  EXPECT_EQ(ranked.data[0].score, 63);
  EXPECT_EQ(ranked.data[1].uuid, low);
  AttackerQuery scanning;
  scanning.behavior_class = "scanning";
  const auto filtered = attackers_->list(scanning);
  EXPECT_EQ(filtered.total, 1);
  ASSERT_EQ(filtered.data.size(), 1u);
  EXPECT_EQ(filtered.data[0].behavior_class, "scanning");
  const auto all = attackers_->list({});
  EXPECT_EQ(all.total, 3);
}

}  // namespace
}  // namespace decnet::store
