// Identities and campaigns on SQLite: soft merges and their resolution, the clusterer's update
// paths (which must not churn updated_at when nothing changed) and the fixed uuid format.
#include <gtest/gtest.h>

#include <regex>

#include "core/time.h"
#include "store/attacker_repository.h"
#include "store/identity_repository.h"
#include "store/sqlite/domains.h"
#include "store/store_error.h"
#include "store_fixture.h"

namespace decnet::store {
namespace {

// updated_at is a microsecond clock; wait for it to tick so ordering assertions are exact.
void advance_clock() {
  const auto start = core::now_micros();
  while (core::now_micros() == start) {
  }
}

bool is_dashed_uuid4(const std::string& s) {
  static const std::regex kPattern(
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  return std::regex_match(s, kPattern);
}

class IdentityStoreTest : public DomainStoreTest {
 protected:
  void TearDown() override { engine_.close(); }

  std::string attacker(const std::string& ip, std::int64_t seen = kT0) {
    return engine_.write_now([&](WriteScope& w) {
      return attackers_->record_activity(w, {ip, seen, seen, 1, 0, {}}).uuid;
    });
  }
  std::string identity(NewIdentity n = {}) {
    return engine_.write_now([&](WriteScope& w) { return identities_->create_identity(w, n); });
  }
  std::string campaign(NewCampaign n = {}) {
    return engine_.write_now([&](WriteScope& w) { return campaigns_->create_campaign(w, n); });
  }
  bool link(const std::string& a, const std::string& i) {
    return engine_.write_now([&](WriteScope& w) { return identities_->link_attacker(w, a, i); });
  }
  bool merge(const std::string& loser, const std::string& winner) {
    return engine_.write_now(
        [&](WriteScope& w) { return identities_->merge_identity(w, loser, winner); });
  }
  bool unmerge(const std::string& uuid) {
    return engine_.write_now([&](WriteScope& w) { return identities_->unmerge_identity(w, uuid); });
  }
  bool set_campaign(const std::string& i, const std::optional<std::string>& c) {
    return engine_.write_now(
        [&](WriteScope& w) { return identities_->set_identity_campaign(w, i, c); });
  }
  bool summarize(const std::string& i, const FingerprintSummary& s) {
    return engine_.write_now(
        [&](WriteScope& w) { return identities_->update_fingerprint_summary(w, i, s); });
  }
  bool set_simhash(const std::string& i, std::optional<std::uint64_t> v) {
    return engine_.write_now(
        [&](WriteScope& w) { return identities_->set_kd_digraph_simhash(w, i, v); });
  }
  void notes(const std::string& i, const std::optional<std::string>& n) {
    engine_.write_now([&](WriteScope& w) { identities_->set_identity_notes(w, i, n); });
  }
  // Raw column text (or "NULL") as stored, to check what reaches the table.
  std::string raw(const std::string& expr, const std::string& uuid) {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + expr + " FROM attacker_identities WHERE uuid = ?");
    stmt.bind(1, uuid);
    if (!stmt.step()) return "<missing>";
    return stmt.is_null(0) ? "NULL" : stmt.text(0);
  }
  std::vector<std::string> listed(const PageRequest& page = {}) {
    std::vector<std::string> out;
    for (const auto& i : identities_->list_identities(page).data) out.push_back(i.uuid);
    return out;
  }

  std::unique_ptr<IdentityRepository> identities_ = sqlite::make_identity_repository(engine_);
  std::unique_ptr<CampaignRepository> campaigns_ = sqlite::make_campaign_repository(engine_);
};

TEST_F(IdentityStoreTest, EmptyStoreAnswersEmpty) {
  EXPECT_FALSE(identities_->get_identity_by_uuid("nope"));
  EXPECT_FALSE(identities_->get_identity_row("nope"));
  const auto page = identities_->list_identities({});
  EXPECT_EQ(page.total, 0);
  EXPECT_EQ(page.limit, kDefaultLimit);
  EXPECT_TRUE(page.data.empty());
  EXPECT_EQ(identities_->count_identities(), 0);
  int visited = 0;
  identities_->for_each_identity([&](const Identity&) { ++visited; });
  EXPECT_EQ(visited, 0);
  EXPECT_EQ(identities_->list_observations_for_identity("nope", {}).total, 0);
  EXPECT_TRUE(identities_->attacker_uuids_for_identity("nope").empty());
  EXPECT_EQ(identities_->count_observations_for_identity("nope"), 0);
}

// Reference QUIRK: the clusterer minted dashed uuid4s and the attribution stub path bare hex.
// Every identity and campaign uuid is now a dashed lowercase uuid4.
TEST_F(IdentityStoreTest, MintsDashedUuid4ForIdentitiesAndCampaigns) {
  const auto i = identity({kT0, kT0 + 5, 3});
  const auto c = campaign({kT0, kT0 + 5, 2});
  EXPECT_TRUE(is_dashed_uuid4(i)) << i;
  EXPECT_TRUE(is_dashed_uuid4(c)) << c;
  EXPECT_NE(identity(), i);
  const auto row = identities_->get_identity_by_uuid(i);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->schema_version, 1);
  EXPECT_EQ(row->first_seen_at, kT0);
  EXPECT_EQ(row->last_seen_at, kT0 + 5);
  EXPECT_EQ(row->observation_count, 3);
  EXPECT_EQ(row->created_at, row->updated_at);
  EXPECT_GT(row->created_at, 0);
  EXPECT_FALSE(row->confidence);
  EXPECT_FALSE(row->campaign_id);
  EXPECT_FALSE(row->merged_into_uuid);
  EXPECT_FALSE(row->kd_digraph_simhash);
  EXPECT_TRUE(row->ja3_hashes.empty());
  EXPECT_EQ(raw("ja3_hashes", i), "NULL");
  const auto crow = campaigns_->get_campaign_by_uuid(c);
  ASSERT_TRUE(crow);
  EXPECT_EQ(crow->identity_count, 2);
  EXPECT_EQ(crow->first_seen_at, kT0);
}

TEST_F(IdentityStoreTest, LinkAttackerOnlyLinksUnlinkedAttackers) {
  const auto a = attacker("203.0.113.1");
  const auto i = identity();
  const auto j = identity();
  EXPECT_TRUE(link(a, i));
  EXPECT_FALSE(link(a, i));
  EXPECT_FALSE(link(a, j));  // never re-pointed
  EXPECT_EQ(attackers_->get(a)->identity_id, i);
  EXPECT_FALSE(link("no-such-attacker", i));
  const auto b = attacker("203.0.113.2");
  EXPECT_EQ(error_kind([&] { link(b, "no-such-identity"); }), StoreError::Kind::kConstraint);
  EXPECT_FALSE(attackers_->get(b)->identity_id);
}

TEST_F(IdentityStoreTest, MergeResolvesToCanonicalAndHidesLosers) {
  const auto a = identity();
  const auto b = identity();
  const auto c = identity();
  EXPECT_TRUE(merge(a, b));
  EXPECT_FALSE(merge(a, b));
  EXPECT_TRUE(merge(b, c));
  EXPECT_EQ(identities_->get_identity_by_uuid(a)->uuid, c);
  EXPECT_EQ(identities_->get_identity_by_uuid(b)->uuid, c);
  EXPECT_EQ(identities_->get_identity_row(a)->merged_into_uuid, b);
  EXPECT_EQ(listed(), std::vector<std::string>{c});
  EXPECT_EQ(identities_->count_identities(), 1);
  EXPECT_EQ(identities_->list_identities({}).total, 1);
  std::vector<std::string> all;
  identities_->for_each_identity([&](const Identity& i) { all.push_back(i.uuid); });
  EXPECT_EQ(all, (std::vector<std::string>{a, b, c}));  // oldest first, merged included
}

TEST_F(IdentityStoreTest, ResolutionStopsAfterEightHops) {
  std::vector<std::string> chain;
  for (int i = 0; i < 10; ++i) chain.push_back(identity());
  for (int i = 0; i + 1 < 10; ++i) merge(chain[i], chain[i + 1]);
  EXPECT_EQ(identities_->get_identity_by_uuid(chain[0])->uuid, chain[kMaxMergeHops]);
  EXPECT_EQ(identities_->get_identity_by_uuid(chain[1])->uuid, chain[9]);
  EXPECT_EQ(identities_->get_identity_by_uuid(chain[9])->uuid, chain[9]);
}

TEST_F(IdentityStoreTest, MergeRefusesSelfCyclesAndUnknownRows) {
  const auto a = identity();
  const auto b = identity();
  const auto c = identity();
  EXPECT_EQ(error_kind([&] { merge(a, a); }), StoreError::Kind::kInvalid);
  merge(a, b);
  merge(b, c);
  EXPECT_EQ(error_kind([&] { merge(c, a); }), StoreError::Kind::kInvalid);
  EXPECT_EQ(error_kind([&] { merge(b, a); }), StoreError::Kind::kInvalid);
  EXPECT_EQ(error_kind([&] { merge("no-such", a); }), StoreError::Kind::kNotFound);
  EXPECT_EQ(error_kind([&] { merge(c, "no-such"); }), StoreError::Kind::kConstraint);
  EXPECT_FALSE(identities_->get_identity_row(c)->merged_into_uuid);
  // Re-pointing a loser elsewhere is allowed when it closes no cycle.
  const auto d = identity();
  EXPECT_TRUE(merge(a, d));
  EXPECT_EQ(identities_->get_identity_by_uuid(a)->uuid, d);
}

TEST_F(IdentityStoreTest, UnmergeResurrectsTheLoser) {
  const auto a = identity();
  const auto b = identity();
  merge(a, b);
  const auto merged_at = identities_->get_identity_row(a)->updated_at;
  advance_clock();
  EXPECT_TRUE(unmerge(a));
  EXPECT_FALSE(unmerge(a));
  const auto row = identities_->get_identity_row(a);
  EXPECT_FALSE(row->merged_into_uuid);
  EXPECT_GT(row->updated_at, merged_at);
  EXPECT_EQ(identities_->get_identity_by_uuid(a)->uuid, a);
  EXPECT_EQ(identities_->count_identities(), 2);
  EXPECT_EQ(error_kind([&] { unmerge("no-such"); }), StoreError::Kind::kNotFound);
}

TEST_F(IdentityStoreTest, ListIsNewestUpdatedFirstAndClampsLimits) {
  const auto a = identity();
  advance_clock();
  const auto b = identity();
  advance_clock();
  const auto c = identity();
  EXPECT_EQ(listed(), (std::vector<std::string>{c, b, a}));
  advance_clock();
  notes(a, "touched");
  EXPECT_EQ(listed(), (std::vector<std::string>{a, c, b}));
  const auto page = identities_->list_identities({1, 1});
  EXPECT_EQ(page.total, 3);
  ASSERT_EQ(page.data.size(), 1u);
  EXPECT_EQ(page.data[0].uuid, c);
  EXPECT_EQ(identities_->list_identities({0, -5}).limit, 1);
  EXPECT_EQ(identities_->list_identities({0, -5}).offset, 0);
  EXPECT_EQ(identities_->list_identities({5000, 0}).limit, kMaxLimit);
  EXPECT_TRUE(identities_->list_identities({10, 10}).data.empty());
}

TEST_F(IdentityStoreTest, CampaignLinkChangesOnlyOnDifference) {
  const auto i = identity();
  const auto c1 = campaign();
  const auto c2 = campaign();
  const auto before = identities_->get_identity_row(i)->updated_at;
  advance_clock();
  EXPECT_TRUE(set_campaign(i, c1));
  EXPECT_GT(identities_->get_identity_row(i)->updated_at, before);
  EXPECT_FALSE(set_campaign(i, c1));
  EXPECT_TRUE(set_campaign(i, c2));
  EXPECT_EQ(identities_->get_identity_by_uuid(i)->campaign_id, c2);
  EXPECT_TRUE(set_campaign(i, std::nullopt));
  EXPECT_FALSE(set_campaign(i, std::nullopt));
  EXPECT_EQ(error_kind([&] { set_campaign(i, "no-such-campaign"); }),
            StoreError::Kind::kConstraint);
  EXPECT_EQ(error_kind([&] { set_campaign("no-such", c1); }), StoreError::Kind::kNotFound);
  EXPECT_FALSE(identities_->get_identity_row(i)->campaign_id);
}

TEST_F(IdentityStoreTest, FingerprintSummaryIsDedupedSortedAndNullWhenEmpty) {
  const auto i = identity();
  FingerprintSummary s;
  s.ja3_hashes = {"cc", "aa", "cc", "bb"};
  s.tls_cert_sha256 = {std::string(64, 'c'), std::string(64, 'a')};
  s.ja4h_hashes = {"caf\xc3\xa9 \"quoted\" \\ \xe2\x86\x92"};
  EXPECT_TRUE(summarize(i, s));
  auto row = identities_->get_identity_row(i);
  EXPECT_EQ(row->ja3_hashes, (std::vector<std::string>{"aa", "bb", "cc"}));
  EXPECT_EQ(row->tls_cert_sha256,
            (std::vector<std::string>{std::string(64, 'a'), std::string(64, 'c')}));
  EXPECT_EQ(row->ja4h_hashes, s.ja4h_hashes);
  EXPECT_EQ(raw("ja3_hashes", i), R"(["aa","bb","cc"])");
  EXPECT_EQ(raw("hassh_hashes", i), "NULL");  // never "[]"
  EXPECT_EQ(raw("ja4_quic_hashes", i), "NULL");
  EXPECT_EQ(raw("json_valid(ja4h_hashes)", i), "1");

  // A clusterer tick over unchanged data writes nothing and keeps the list order stable (the
  // reference re-stamped updated_at on every tick).
  const auto stamped = row->updated_at;
  advance_clock();
  s.ja3_hashes = {"bb", "aa", "cc"};
  EXPECT_FALSE(summarize(i, s));
  EXPECT_EQ(identities_->get_identity_row(i)->updated_at, stamped);

  EXPECT_TRUE(summarize(i, {}));
  row = identities_->get_identity_row(i);
  EXPECT_TRUE(row->ja3_hashes.empty());
  EXPECT_EQ(raw("ja3_hashes", i), "NULL");
  EXPECT_EQ(raw("tls_cert_sha256", i), "NULL");
  EXPECT_GT(row->updated_at, stamped);
  EXPECT_EQ(error_kind([&] { summarize("no-such", s); }), StoreError::Kind::kNotFound);
}

TEST_F(IdentityStoreTest, KdDigraphSimhashIsEightBigEndianBytes) {
  const auto i = identity();
  EXPECT_TRUE(set_simhash(i, 0x0123456789abcdefULL));
  EXPECT_EQ(raw("hex(kd_digraph_simhash)", i), "0123456789ABCDEF");
  EXPECT_EQ(raw("typeof(kd_digraph_simhash)", i), "blob");
  EXPECT_EQ(identities_->get_identity_row(i)->kd_digraph_simhash, 0x0123456789abcdefULL);
  EXPECT_FALSE(set_simhash(i, 0x0123456789abcdefULL));
  EXPECT_TRUE(set_simhash(i, 0xffffffffffffffffULL));
  EXPECT_EQ(identities_->get_identity_row(i)->kd_digraph_simhash, 0xffffffffffffffffULL);
  EXPECT_TRUE(set_simhash(i, 0));
  EXPECT_EQ(raw("hex(kd_digraph_simhash)", i), "0000000000000000");
  EXPECT_TRUE(set_simhash(i, std::nullopt));
  EXPECT_EQ(raw("kd_digraph_simhash", i), "NULL");
  EXPECT_FALSE(identities_->get_identity_row(i)->kd_digraph_simhash);
  EXPECT_FALSE(set_simhash(i, std::nullopt));
  EXPECT_EQ(error_kind([&] { set_simhash("no-such", 1); }), StoreError::Kind::kNotFound);
  // The table itself refuses any other width.
  EXPECT_EQ(error_kind([&] {
              engine_.write_now([&](WriteScope& w) {
                sqlite::connection_of(w)
                    .prepare("UPDATE attacker_identities SET kd_digraph_simhash = ? WHERE uuid = ?")
                    .bind_blob(1, std::string(7, '\x01'))
                    .bind(2, i)
                    .run();
              });
            }),
            StoreError::Kind::kConstraint);
}

// Reference gap: its observations were the literally linked attackers only, so a merged
// identity lost its losers' addresses. Members here include them, and an attacker row names the
// identity it belongs to now.
TEST_F(IdentityStoreTest, ObservationsIncludeTheAttackersOfMergedInIdentities) {
  const auto winner = identity();
  const auto loser = identity();
  const auto a1 = attacker("198.51.100.1", kT0);
  const auto a2 = attacker("198.51.100.2", kT0 + 20);
  const auto a3 = attacker("198.51.100.3", kT0 + 10);
  const auto other = attacker("198.51.100.4", kT0 + 30);
  link(a1, winner);
  link(a2, winner);
  link(a3, winner);
  link(other, loser);
  EXPECT_EQ(identities_->count_observations_for_identity(winner), 3);
  merge(loser, winner);
  const auto page = identities_->list_observations_for_identity(winner, {});
  EXPECT_EQ(page.total, 4);
  ASSERT_EQ(page.data.size(), 4u);
  EXPECT_EQ(page.data[0].uuid, other);
  EXPECT_EQ(page.data[1].uuid, a2);
  EXPECT_EQ(page.data[2].uuid, a3);
  EXPECT_EQ(page.data[3].uuid, a1);
  EXPECT_EQ(page.data[1].ip, "198.51.100.2");
  EXPECT_EQ(page.data[0].identity_id, winner);  // its own identity was merged into winner
  const auto second = identities_->list_observations_for_identity(winner, {1, 1});
  EXPECT_EQ(second.total, 4);
  ASSERT_EQ(second.data.size(), 1u);
  EXPECT_EQ(second.data[0].uuid, a2);
  EXPECT_EQ(identities_->attacker_uuids_for_identity(winner),
            (std::vector<std::string>{other, a2, a3, a1}));
  EXPECT_EQ(identities_->attacker_uuids_for_identity(loser), std::vector<std::string>{other});
  EXPECT_EQ(identities_->count_observations_for_identity(winner), 4);
  EXPECT_EQ(identities_->count_observations_for_identity(loser), 1);
  unmerge(loser);
  EXPECT_EQ(identities_->count_observations_for_identity(winner), 3);
  EXPECT_EQ(attackers_->get(other)->identity_id, loser);
}

TEST_F(IdentityStoreTest, HostileStringsThroughEveryWritePath) {
  for (const auto& s : hostile_strings()) {
    const auto i = identity();
    const auto a = attacker(s);
    EXPECT_TRUE(link(a, i));
    EXPECT_EQ(identities_->list_observations_for_identity(i, {}).data.at(0).ip, s);
    notes(i, s);
    EXPECT_EQ(identities_->get_identity_by_uuid(i)->notes, s);
    FingerprintSummary summary;
    summary.ja3_hashes = {s};
    summary.hassh_hashes = {s, "plain"};
    summarize(i, summary);
    const auto row = identities_->get_identity_row(i);
    EXPECT_EQ(row->ja3_hashes, std::vector<std::string>{s});
    EXPECT_EQ(row->hassh_hashes.size(), 2u);
    EXPECT_EQ(raw("json_valid(ja3_hashes)", i), "1");
    EXPECT_FALSE(identities_->get_identity_by_uuid(s));
    EXPECT_EQ(identities_->list_observations_for_identity(s, {}).total, 0);
    EXPECT_EQ(error_kind([&] { merge(i, s); }), StoreError::Kind::kConstraint);
    EXPECT_EQ(error_kind([&] { set_campaign(i, s); }), StoreError::Kind::kConstraint);
    EXPECT_EQ(error_kind([&] { notes(s, s); }), StoreError::Kind::kNotFound);
    const auto c = campaign();
    engine_.write_now([&](WriteScope& w) { campaigns_->set_campaign_notes(w, c, s); });
    EXPECT_EQ(campaigns_->get_campaign_by_uuid(c)->notes, s);
  }
  EXPECT_EQ(identities_->count_identities(), static_cast<std::int64_t>(hostile_strings().size()));
}

TEST_F(IdentityStoreTest, NotesCanBeCleared) {
  const auto i = identity();
  notes(i, "suspected \"APT\" caf\xc3\xa9");
  EXPECT_EQ(identities_->get_identity_row(i)->notes, "suspected \"APT\" caf\xc3\xa9");
  notes(i, std::nullopt);
  EXPECT_FALSE(identities_->get_identity_row(i)->notes);
}

class CampaignStoreTest : public IdentityStoreTest {
 protected:
  bool merge_campaign(const std::string& loser, const std::string& winner) {
    return engine_.write_now(
        [&](WriteScope& w) { return campaigns_->merge_campaign(w, loser, winner); });
  }
  bool unmerge_campaign(const std::string& uuid) {
    return engine_.write_now([&](WriteScope& w) { return campaigns_->unmerge_campaign(w, uuid); });
  }
};

TEST_F(CampaignStoreTest, EmptyStoreAnswersEmpty) {
  EXPECT_FALSE(campaigns_->get_campaign_by_uuid("nope"));
  EXPECT_FALSE(campaigns_->get_campaign_row("nope"));
  EXPECT_EQ(campaigns_->list_campaigns({}).total, 0);
  EXPECT_TRUE(campaigns_->list_campaigns({}).data.empty());
  EXPECT_EQ(campaigns_->count_campaigns(), 0);
  int visited = 0;
  campaigns_->for_each_campaign([&](const Campaign&) { ++visited; });
  EXPECT_EQ(visited, 0);
  EXPECT_EQ(campaigns_->list_identities_for_campaign("nope", {}).total, 0);
  EXPECT_EQ(campaigns_->count_identities_for_campaign("nope"), 0);
}

TEST_F(CampaignStoreTest, SoftMergeResolvesAndUnmerges) {
  const auto a = campaign();
  const auto b = campaign();
  const auto c = campaign();
  // The list shows campaigns some identity is in.
  EXPECT_TRUE(campaigns_->list_campaigns({}).data.empty());
  for (const auto& x : {a, b, c}) set_campaign(identity(), x);
  EXPECT_TRUE(merge_campaign(a, b));
  EXPECT_FALSE(merge_campaign(a, b));
  EXPECT_TRUE(merge_campaign(b, c));
  EXPECT_EQ(campaigns_->get_campaign_by_uuid(a)->uuid, c);
  EXPECT_EQ(campaigns_->get_campaign_row(a)->merged_into_uuid, b);
  EXPECT_EQ(campaigns_->count_campaigns(), 1);
  ASSERT_EQ(campaigns_->list_campaigns({}).data.size(), 1u);
  EXPECT_EQ(campaigns_->list_campaigns({}).data[0].uuid, c);
  EXPECT_EQ(error_kind([&] { merge_campaign(a, a); }), StoreError::Kind::kInvalid);
  EXPECT_EQ(error_kind([&] { merge_campaign(c, a); }), StoreError::Kind::kInvalid);
  EXPECT_EQ(error_kind([&] { merge_campaign("no-such", a); }), StoreError::Kind::kNotFound);
  EXPECT_EQ(error_kind([&] { merge_campaign(c, "no-such"); }), StoreError::Kind::kConstraint);
  EXPECT_TRUE(unmerge_campaign(b));
  EXPECT_FALSE(unmerge_campaign(b));
  EXPECT_EQ(campaigns_->get_campaign_by_uuid(a)->uuid, b);
  EXPECT_EQ(campaigns_->count_campaigns(), 2);
  EXPECT_EQ(error_kind([&] { unmerge_campaign("no-such"); }), StoreError::Kind::kNotFound);
  std::vector<std::string> all;
  campaigns_->for_each_campaign([&](const Campaign& x) { all.push_back(x.uuid); });
  EXPECT_EQ(all, (std::vector<std::string>{a, b, c}));
}

TEST_F(CampaignStoreTest, ResolutionStopsAfterEightHops) {
  std::vector<std::string> chain;
  for (int i = 0; i < 10; ++i) chain.push_back(campaign());
  for (int i = 0; i + 1 < 10; ++i) merge_campaign(chain[i], chain[i + 1]);
  EXPECT_EQ(campaigns_->get_campaign_by_uuid(chain[0])->uuid, chain[kMaxMergeHops]);
}

TEST_F(CampaignStoreTest, ListsMemberIdentitiesNewestUpdatedFirst) {
  const auto c = campaign();
  const auto i1 = identity();
  const auto i2 = identity();
  const auto outsider = identity();
  set_campaign(i1, c);
  advance_clock();
  set_campaign(i2, c);
  const auto page = campaigns_->list_identities_for_campaign(c, {});
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.data.size(), 2u);
  EXPECT_EQ(page.data[0].uuid, i2);
  EXPECT_EQ(page.data[1].uuid, i1);
  EXPECT_EQ(page.data[0].campaign_id, c);
  EXPECT_EQ(campaigns_->list_identities_for_campaign(c, {1, 1}).data.at(0).uuid, i1);
  EXPECT_EQ(campaigns_->count_identities_for_campaign(c), 2);
  EXPECT_EQ(campaigns_->get_campaign_by_uuid(c)->identity_count, 0);  // creation-time count
  EXPECT_NE(outsider, i1);
}

TEST_F(CampaignStoreTest, NotesOnUnknownCampaignIsNotFound) {
  EXPECT_EQ(
      error_kind([&] {
        engine_.write_now([&](WriteScope& w) { campaigns_->set_campaign_notes(w, "x", "y"); });
      }),
      StoreError::Kind::kNotFound);
}

// What the identity worker writes besides merges: evidence rows (first_seen kept, last_seen
// moved forward, unknown attackers ignored), attackers still without an identity, a relink, the
// members' count and times on the identity row, and the list filtered by member count.
TEST_F(IdentityStoreTest, EvidenceMembersAndRelinksForTheWorker) {
  const auto a1 = attacker("198.51.100.1", kT0);
  const auto a2 = attacker("198.51.100.2", kT0 + 50);
  const auto given = "0b6f1c1e-3f52-4a7e-9a8c-1d2e3f4a5b6c";
  EXPECT_EQ(identity({.uuid = given}), given);
  EXPECT_THROW(identity({.uuid = "0B6F1C1E-3F52-4A7E-9A8C-1D2E3F4A5B6C"}), StoreError);
  ASSERT_EQ(identities_->attackers_without_identity(10, 1'000'000).size(), 2u);
  EXPECT_EQ(identities_->attackers_without_identity(10, 1'000'000)[0].uuid, a1);
  EXPECT_EQ(identities_->newest_attacker_id(), 2);
  EXPECT_EQ(identities_->attackers_without_identity(10, 1).size(), 1u);  // a1's row only
  const auto other = identity();
  link(a1, given);
  link(a2, other);
  EXPECT_TRUE(identities_->attackers_without_identity(10, 1'000'000).empty());
  // Placing an address that already has an identity makes none.
  EXPECT_FALSE(engine_.write_now([&](WriteScope& w) {
    return identities_->create_identity_for(w, a1,
                                            {.uuid = "0b6f1c1e-3f52-4a7e-9a8c-000000000001"});
  }));
  EXPECT_FALSE(identities_->get_identity_row("0b6f1c1e-3f52-4a7e-9a8c-000000000001"));
  EXPECT_TRUE(
      engine_.write_now([&](WriteScope& w) { return identities_->relink_attacker(w, a2, given); }));
  EXPECT_FALSE(
      engine_.write_now([&](WriteScope& w) { return identities_->relink_attacker(w, a2, given); }));
  merge(other, given);
  EXPECT_EQ(identities_->merged_identities(),
            (std::vector<std::pair<std::string, std::string>>{{other, given}}));

  const auto record = [&](const std::string& a, const char* kind, const char* value,
                          std::int64_t seen) {
    return engine_.write_now([&](WriteScope& w) {
      return identities_->record_evidence(w, {a, std::nullopt, kind, value, seen, seen});
    });
  };
  EXPECT_TRUE(record(a1, "ja3", "j1", kT0 + 10));
  EXPECT_TRUE(record(a1, "ja3", "j1", kT0 + 5));  // older: last_seen stays
  EXPECT_TRUE(record(a1, "c2", "evil.example:80", kT0 + 7));
  EXPECT_FALSE(record("no-such-attacker", "ja3", "j1", kT0));
  EXPECT_THROW(record(a2, "jarm", "x", kT0), StoreError);  // not an identity kind
  std::vector<IdentityEvidenceRow> rows;
  identities_->for_each_evidence([&](const IdentityEvidenceRow& r) { rows.push_back(r); });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].kind, "c2");
  EXPECT_EQ(rows[1].attacker_uuid, a1);
  EXPECT_EQ(rows[1].identity_id, given);
  EXPECT_EQ(rows[1].first_seen, kT0 + 10);
  EXPECT_EQ(rows[1].last_seen, kT0 + 10);

  engine_.write_now([&](WriteScope& w) { identities_->refresh_identity_members(w, given); });
  const auto row = identities_->get_identity_row(given);
  EXPECT_EQ(row->observation_count, 2);
  EXPECT_EQ(row->first_seen_at, kT0);
  EXPECT_EQ(row->last_seen_at, kT0 + 50);
  EXPECT_EQ(identities_->list_identities({}, 2).total, 1);
  EXPECT_EQ(identities_->list_identities({}, 3).total, 0);
  EXPECT_THROW(
      engine_.write_now([&](WriteScope& w) { identities_->refresh_identity_members(w, "nope"); }),
      StoreError);
}

}  // namespace
}  // namespace decnet::store
