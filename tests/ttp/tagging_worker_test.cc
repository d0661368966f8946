// The tagging worker over a real SQLite repository and an in-process bus, for the inputs the
// serve tests cannot produce yet: identities (password spraying), tripped canaries (a browser
// under automation) and IPv6 link-local leaks, each announced on its topic; and login attempts
// handed over by ingest, which become one brute-force finding per episode and are announced on
// ttp.tagged. A canary whose address names no known attacker is dropped: a tag needs an anchor.
#include "ttp/tagging_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "bus/inprocess_bus.h"
#include "bus/topics.h"
#include "core/hash.h"
#include "core/time.h"
#include "store/attacker_repository.h"
#include "store/identity_repository.h"
#include "store/sqlite/sqlite_repository.h"
#include "store/ttp_repository.h"
#include "tests_support.h"
#include "ttp/rule_loader.h"

namespace decnet::ttp {
namespace {

using testing::wait_until;

class TaggingWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = store::sqlite::open_sqlite_repository({.path = dir_.path() / "decnet.db"});
    worker_ = std::make_unique<TaggingWorker>(*repo_, bus_, shipped_rule_directory(),
                                              load_rule_directory(shipped_rule_directory()));
    worker_->start();
  }
  void TearDown() override {
    worker_->stop();
    repo_->close();
    bus_.close();
  }
  std::vector<store::TtpTag> all_tags() {
    std::vector<store::TtpTag> out;
    for (const auto& r : repo_->ttp().list_technique_rollup()) {
      auto more = repo_->ttp().list_tags_by_technique(r.technique_id, 0, 1000);
      for (auto& t : more) {
        if (t.sub_technique_id == r.sub_technique_id) out.push_back(std::move(t));
      }
    }
    return out;
  }
  std::string attacker(const std::string& ip) {
    const auto now = core::now_micros();
    store::AttackerActivity a{ip, now, now, 1, 0, {}};
    return repo_
        ->write_now([&](store::WriteScope& w) { return repo_->attackers().record_activity(w, a); })
        .uuid;
  }
  std::vector<store::TtpTag> tags_of(const std::string& rule) {
    std::vector<store::TtpTag> out;
    for (auto& t : all_tags()) {
      if (t.rule_id == rule) out.push_back(std::move(t));
    }
    return out;
  }

  testing::TempDir dir_;
  bus::InProcessBus bus_;
  std::unique_ptr<store::Repository> repo_;
  std::unique_ptr<TaggingWorker> worker_;
};

TEST_F(TaggingWorkerTest, AnIdentitySprayingOnePasswordIsTaggedOnTheIdentity) {
  // identity.formed is announced once the identity is stored.
  const auto identity = repo_->write_now([&](store::WriteScope& w) {
    return repo_->identities().create_identity(w, store::NewIdentity{});
  });
  bus_.publish(bus::topics::identity(bus::topics::kIdentityFormed),
               {{"identity_uuid", identity},
                {"shared_password_hash", core::sha256_hex("Winter2026!")},
                {"account_count", 4}},
               bus::topics::kIdentityFormed);
  ASSERT_TRUE(wait_until([&] { return tags_of("R0003").size() == 1; }));
  const auto t = tags_of("R0003").front();
  EXPECT_EQ(t.identity_uuid, identity);
  EXPECT_FALSE(t.attacker_uuid.has_value());
  EXPECT_EQ(t.sub_technique_id, "T1110.003");
}

TEST_F(TaggingWorkerTest, ACanaryIsTaggedOnTheAttackerOfItsAddressAndOnlyAKnownOne) {
  const auto uuid = attacker("198.51.100.90");
  const auto topic = bus::topics::canary("tok1", bus::topics::kCanaryTriggered);
  bus_.publish(topic,
               {{"trigger_uuid", "t-unknown"},
                {"attacker_ip", "203.0.113.250"},
                {"navigator_webdriver", true}},
               bus::topics::kCanaryTriggered);
  bus_.publish(topic,
               {{"trigger_uuid", "t-known"},
                {"attacker_ip", "198.51.100.90"},
                {"navigator_webdriver", true}},
               bus::topics::kCanaryTriggered);
  // One subscription, handled in order: once the second is tagged, the first was judged.
  ASSERT_TRUE(wait_until([&] { return tags_of("R0049").size() == 1; }));
  const auto t = tags_of("R0049").front();
  EXPECT_EQ(t.attacker_uuid, uuid);
  EXPECT_EQ(t.source_id, "canary:t-known");
  EXPECT_EQ(t.evidence,
            R"({"matched_signature":"navigator.webdriver_true","metric":"navigator_webdriver"})");
}

TEST_F(TaggingWorkerTest, ALeakedLinkLocalAddressIsTaggedOnceAndOtherFingerprintsAreNot) {
  const auto uuid = attacker("198.51.100.91");
  const auto topic = bus::topics::attacker(bus::topics::kAttackerFingerprinted);
  bus_.publish(topic, {{"attacker_uuid", uuid}, {"addr", "fe80::1"}}, "jarm");
  for (int i = 0; i < 3; ++i) {
    bus_.publish(
        topic,
        {{"attacker_uuid", uuid}, {"addr", "fe80::1c2b:3cff:fe4d:5e6f"}, {"iid_kind", "eui64"}},
        "ipv6_leak");
  }
  ASSERT_TRUE(wait_until([&] { return tags_of("R0059").size() == 1; }));
  EXPECT_EQ(tags_of("R0059").front().attacker_uuid, uuid);
  EXPECT_NE(tags_of("R0059").front().evidence.find("\"iid_kind\":\"eui64\""), std::string::npos);
  // The three leaks of one address are one source: the worker's health counts them tagged.
  ASSERT_TRUE(
      wait_until([&] { return worker_->health()["events_tagged"].get<std::uint64_t>() >= 3; }));
  EXPECT_EQ(tags_of("R0059").size(), 1u);
}

TEST_F(TaggingWorkerTest, LoginAttemptsFromIngestAreOneBruteForceFindingPerEpisode) {
  const auto uuid = attacker("198.51.100.92");
  std::mutex mu;
  std::vector<nlohmann::json> announced;
  auto sub = bus_.subscribe(std::string(bus::topics::kTtpTaggedTopic),
                            [&](const bus::Event& e) {
                              std::lock_guard lock(mu);
                              announced.push_back(e.payload);
                            },
                            {});
  const auto attempts = [&](std::int64_t start, int n) {
    std::vector<TagEvent> events;
    for (int i = 0; i < n; ++i) {
      TagEvent e;
      e.source_kind = "auth_attempt";
      e.attacker_uuid = uuid;
      e.at = start + i * 1'000'000;
      e.payload = {{"service", "ssh"},
                   {"username", "root"},
                   {"password_sha256", core::sha256_hex("guess" + std::to_string(i))},
                   {"result", "failure"}};
      events.push_back(std::move(e));
    }
    worker_->submit(std::move(events));
  };
  const auto t0 = core::now_micros() - 3'600'000'000;
  attempts(t0, 20);
  ASSERT_TRUE(wait_until([&] { return tags_of("R0001").size() == 1; }));
  // An hour later: another episode, another finding.
  attempts(t0 + 3'600'000'000, 6);
  ASSERT_TRUE(wait_until([&] { return tags_of("R0001").size() == 2; }));
  const auto brute = tags_of("R0001");
  EXPECT_NE(brute[0].source_id, brute[1].source_id);
  for (const auto& t : brute) EXPECT_EQ(t.attacker_uuid, uuid);
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mu);
    return !announced.empty();
  }));
  std::lock_guard lock(mu);
  EXPECT_EQ(announced.front()["attacker_uuid"], uuid);
  EXPECT_TRUE(announced.front()["techniques_added"].dump().find("T1110") != std::string::npos);
}

}  // namespace
}  // namespace decnet::ttp
