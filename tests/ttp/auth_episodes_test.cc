// AuthEpisodes: login attempts grouped into episodes so that the episode rules (brute force,
// password guessing, a valid account after brute force) write one tag per episode and not one
// per password. Pinned here: the episode id an attempt is filed under and when a silence starts
// a new one, the figures stamped into each attempt (failures in the last window, distinct
// passwords per account with their cap, whether brute force came before), what separates one
// episode from another, and the bound on the episode table (least recently active evicted).
#include "ttp/auth_episodes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace decnet::ttp {
namespace {

constexpr std::int64_t kStart = 1'777'000'000'000'000;
constexpr std::int64_t kWindow = AuthEpisodes::kWindowUs;

TagEvent attempt(const std::string& attacker, const std::string& service, std::int64_t at,
                 const std::string& user = "root", const std::string& password_sha256 = "h",
                 const std::string& result = "failure") {
  TagEvent e;
  e.source_kind = "auth_attempt";
  e.source_id = "log:1";
  e.attacker_uuid = attacker;
  e.at = at;
  e.payload = {{"service", service},
               {"username", user},
               {"password_sha256", password_sha256},
               {"result", result}};
  return e;
}

std::string episode_id(const std::string& attacker, const std::string& service,
                       std::int64_t started_at) {
  return attacker + "#auth/" + service + "/" + std::to_string(started_at);
}

TagEvent stamped(AuthEpisodes& episodes, TagEvent e) {
  episodes.stamp(e);
  return e;
}

TEST(AuthEpisodes, AttemptsWithoutALongSilenceShareTheEpisodesId) {
  AuthEpisodes episodes;
  // Gaps of half a window, then exactly a window: still the same episode, filed under its start.
  for (const auto at : {kStart, kStart + kWindow / 2, kStart + kWindow, kStart + 2 * kWindow}) {
    const auto e = stamped(episodes, attempt("a1", "ssh", at));
    EXPECT_EQ(e.source_id, episode_id("a1", "ssh", kStart)) << at - kStart;
  }
  EXPECT_EQ(episodes.open_episodes(), 1u);
}

TEST(AuthEpisodes, ASilenceLongerThanTheWindowStartsANewEpisode) {
  AuthEpisodes episodes;
  for (int i = 0; i < 3; ++i) {
    stamped(episodes, attempt("a1", "ssh", kStart + i, "root", "h" + std::to_string(i)));
  }
  const auto last = kStart + 2;
  const auto resumed = last + kWindow + 1;
  const auto e = stamped(episodes, attempt("a1", "ssh", resumed, "root", "h0"));
  EXPECT_EQ(e.source_id, episode_id("a1", "ssh", resumed));
  // Nothing of the old episode carries over.
  EXPECT_EQ(e.payload["fail_count"], 1);
  EXPECT_EQ(e.payload["password_count"], 1);
  EXPECT_EQ(e.payload["prior_brute"], false);
  EXPECT_EQ(episodes.open_episodes(), 1u);
}

TEST(AuthEpisodes, FailCountCountsTheFailuresOfTheLastWindowOnly) {
  AuthEpisodes episodes;
  struct Step {
    std::int64_t at;
    std::string result;
  };
  const std::vector<Step> steps = {
      {kStart, "failure"},
      {kStart + kWindow / 2, "failure"},
      {kStart + kWindow, "success"},
      {kStart + kWindow + kWindow / 4, "failure"},
      {kStart + kWindow + kWindow / 2 + 1, "failure"},  // the first failure is out of the window
      {kStart + 2 * kWindow + kWindow / 4, "unknown"},  // not a success: a failure
  };
  std::vector<std::int64_t> failures;
  for (const auto& step : steps) {
    if (step.result != "success") failures.push_back(step.at);
    std::int64_t expected = 0;
    for (const auto t : failures) expected += t >= step.at - kWindow ? 1 : 0;
    const auto e = stamped(episodes, attempt("a1", "ssh", step.at, "root", "h", step.result));
    EXPECT_EQ(e.payload["fail_count"], expected) << (step.at - kStart) << " " << step.result;
    EXPECT_EQ(e.source_id, episode_id("a1", "ssh", kStart));
  }
  // The window's failures, not the episode's: the episode has had more.
  EXPECT_LT(stamped(episodes, attempt("a1", "ssh", kStart + 2 * kWindow + kWindow / 2, "root", "h",
                                      "success"))
                .payload["fail_count"]
                .get<std::int64_t>(),
            static_cast<std::int64_t>(failures.size()));
}

TEST(AuthEpisodes, PasswordCountCountsDistinctHashesPerAccount) {
  AuthEpisodes episodes;
  std::int64_t at = kStart;
  const auto count = [&](const std::string& user, const std::string& hash) {
    return stamped(episodes, attempt("a1", "ssh", at++, user, hash)).payload["password_count"];
  };
  EXPECT_EQ(count("root", "h1"), 1);
  EXPECT_EQ(count("root", "h2"), 2);
  EXPECT_EQ(count("root", "h1"), 2);   // tried again: not another password
  EXPECT_EQ(count("admin", "h1"), 1);  // another account counts its own
  EXPECT_EQ(count("root", "h3"), 3);
  EXPECT_EQ(count("root", ""), 3);  // no hash: nothing to count
}

TEST(AuthEpisodes, PasswordCountStopsAtTheCap) {
  AuthEpisodes episodes;
  std::int64_t at = kStart;
  nlohmann::json last;
  for (std::size_t i = 0; i < AuthEpisodes::kMaxCounted + 10; ++i) {
    last = stamped(episodes, attempt("a1", "ssh", at++, "root", "h" + std::to_string(i)))
               .payload["password_count"];
  }
  EXPECT_EQ(last, AuthEpisodes::kMaxCounted);
  // Accounts are capped too: one beyond the cap counts nothing.
  for (std::size_t i = 1; i < AuthEpisodes::kMaxCounted; ++i) {
    stamped(episodes, attempt("a1", "ssh", at++, "user" + std::to_string(i), "h"));
  }
  EXPECT_EQ(
      stamped(episodes, attempt("a1", "ssh", at++, "one-too-many", "h")).payload["password_count"],
      0);
  EXPECT_EQ(
      stamped(episodes, attempt("a1", "ssh", at++, "user1", "other")).payload["password_count"], 2);
}

TEST(AuthEpisodes, PriorBruteOnlyOnceEnoughFailuresCameBefore) {
  AuthEpisodes episodes;
  std::int64_t at = kStart;
  // Successes do not count towards brute force.
  EXPECT_EQ(
      stamped(episodes, attempt("a1", "ssh", at++, "root", "h", "success")).payload["prior_brute"],
      false);
  for (std::int64_t i = 0; i < AuthEpisodes::kBruteFailures; ++i) {
    const auto e = stamped(episodes, attempt("a1", "ssh", at++, "root", "h" + std::to_string(i)));
    // Even the failure that makes the episode brute force was not preceded by it.
    EXPECT_EQ(e.payload["prior_brute"], false) << i;
  }
  const auto after = stamped(episodes, attempt("a1", "ssh", at++, "root", "right", "success"));
  EXPECT_EQ(after.payload["prior_brute"], true);
  EXPECT_EQ(after.source_id, episode_id("a1", "ssh", kStart));
}

TEST(AuthEpisodes, AnotherServiceOrAttackerIsAnotherEpisode) {
  AuthEpisodes episodes;
  for (int i = 0; i < 3; ++i) stamped(episodes, attempt("a1", "ssh", kStart + i));
  const auto ftp = stamped(episodes, attempt("a1", "ftp", kStart + 3));
  const auto other = stamped(episodes, attempt("a2", "ssh", kStart + 4));
  EXPECT_EQ(ftp.source_id, episode_id("a1", "ftp", kStart + 3));
  EXPECT_EQ(other.source_id, episode_id("a2", "ssh", kStart + 4));
  EXPECT_EQ(ftp.payload["fail_count"], 1);
  EXPECT_EQ(other.payload["fail_count"], 1);
  const auto ssh = stamped(episodes, attempt("a1", "ssh", kStart + 5));
  EXPECT_EQ(ssh.source_id, episode_id("a1", "ssh", kStart));
  EXPECT_EQ(ssh.payload["fail_count"], 4);
  EXPECT_EQ(episodes.open_episodes(), 3u);
}

TEST(AuthEpisodes, TheTableIsBoundedAndEvictsTheLeastRecentlyActive) {
  AuthEpisodes episodes(2);
  stamped(episodes, attempt("a", "ssh", kStart));
  stamped(episodes, attempt("b", "ssh", kStart + 1));
  stamped(episodes, attempt("a", "ssh", kStart + 2));  // a is now the more recent
  stamped(episodes, attempt("c", "ssh", kStart + 3));  // b goes
  EXPECT_EQ(episodes.open_episodes(), 2u);

  const auto a = stamped(episodes, attempt("a", "ssh", kStart + 4));
  EXPECT_EQ(a.source_id, episode_id("a", "ssh", kStart));  // kept, and counting on
  EXPECT_EQ(a.payload["fail_count"], 3);
  const auto b = stamped(episodes, attempt("b", "ssh", kStart + 5));
  EXPECT_EQ(b.source_id, episode_id("b", "ssh", kStart + 5));  // started again
  EXPECT_EQ(b.payload["fail_count"], 1);
  EXPECT_EQ(episodes.open_episodes(), 2u);
  // Bringing b back closed c, the least recently active of the two.
  const auto c = stamped(episodes, attempt("c", "ssh", kStart + 6));
  EXPECT_EQ(c.source_id, episode_id("c", "ssh", kStart + 6));
}

}  // namespace
}  // namespace decnet::ttp
