// observed_attachments: first sighting, re-observation, the extension list and the sticky
// malware-hash verdict.
#include <gtest/gtest.h>

#include "core/hash.h"
#include "store/attachment_repository.h"
#include "store/sqlite/domains.h"
#include "store/store_error.h"
#include "store_fixture.h"

namespace decnet::store {
namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

class AttachmentStoreTest : public DomainStoreTest {
 protected:
  ObservedAttachment observe(AttachmentObservation seen) {
    return engine_.write_now(
        [&](WriteScope& w) { return attachments_->upsert_observed_attachment(w, seen); });
  }

  AttachmentObservation sighting(const std::string& sha, std::int64_t at = kT0,
                                 std::optional<bool> verdict = std::nullopt) {
    AttachmentObservation o;
    o.sha256 = sha;
    o.decky_uuid = "mail-decky";
    o.attacker_uuid = "attacker-1";
    o.extension = ".exe";
    o.subject = "Invoice";
    o.mal_hash_match = verdict;
    if (verdict) o.mal_hash_match_provider = "malwarebazaar";
    o.seen_at = at;
    return o;
  }

  std::unique_ptr<AttachmentRepository> attachments_ = sqlite::make_attachment_repository(engine_);
  const std::string sha_ = core::sha256_hex("payload");
};

TEST_F(AttachmentStoreTest, NothingObservedIsEmpty) {
  EXPECT_FALSE(attachments_->get_observed_attachment(sha_).has_value());
  const auto page = attachments_->list_observed_attachments({});
  EXPECT_EQ(page.total, 0);
  EXPECT_TRUE(page.data.empty());
}

TEST_F(AttachmentStoreTest, FirstSightingStoresLowercaseHashAndFirstFields) {
  const auto row = observe(sighting(upper(sha_)));
  EXPECT_EQ(row.sha256, sha_);
  EXPECT_EQ(row.uuid.size(), 36u);
  EXPECT_EQ(row.observation_count, 1);
  EXPECT_EQ(row.first_seen, kT0);
  EXPECT_EQ(row.last_seen, kT0);
  EXPECT_EQ(row.first_seen_decky_uuid, "mail-decky");
  EXPECT_EQ(row.first_seen_attacker_uuid, "attacker-1");
  EXPECT_EQ(row.last_seen_attacker_uuid, "attacker-1");
  EXPECT_EQ(row.extensions, (std::vector<std::string>{".exe"}));
  EXPECT_EQ(row.first_subject, "Invoice");
  EXPECT_FALSE(row.mal_hash_match.has_value());
  EXPECT_FALSE(row.mal_hash_match_provider.has_value());
  EXPECT_FALSE(row.mal_hash_match_at.has_value());
  const auto stored = attachments_->get_observed_attachment(upper(sha_));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->uuid, row.uuid);
  EXPECT_EQ(stored->extensions, row.extensions);
}

TEST_F(AttachmentStoreTest, ReobservationCountsAndTracksTheLastSender) {
  const auto first = observe(sighting(sha_));
  auto again = sighting(sha_, kT0 + 100);
  again.attacker_uuid = "attacker-2";
  again.decky_uuid = "other-decky";
  again.subject = "Second subject";
  const auto second = observe(again);
  EXPECT_EQ(second.uuid, first.uuid);
  EXPECT_EQ(second.observation_count, 2);
  EXPECT_EQ(second.last_seen, kT0 + 100);
  EXPECT_EQ(second.first_seen, kT0);
  EXPECT_EQ(second.first_seen_attacker_uuid, "attacker-1");
  EXPECT_EQ(second.last_seen_attacker_uuid, "attacker-2");
  EXPECT_EQ(second.first_seen_decky_uuid, "mail-decky");
  EXPECT_EQ(second.first_subject, "Invoice");
  auto anonymous = sighting(sha_, kT0 + 200);
  anonymous.attacker_uuid.reset();
  const auto third = observe(anonymous);
  EXPECT_EQ(third.observation_count, 3);
  EXPECT_EQ(third.last_seen_attacker_uuid, "attacker-2");  // not erased by an unknown sender
  EXPECT_EQ(attachments_->get_observed_attachment(sha_)->observation_count, 3);
}

TEST_F(AttachmentStoreTest, ExtensionsAreLowercasedDeduplicatedInOrder) {
  auto s = sighting(sha_);
  s.extension = ".DOCX";
  observe(s);
  for (const char* ext : {".exe", ".docx", ".Exe", "", ".zip"}) {
    s.extension = ext;
    observe(s);
  }
  s.extension.reset();
  const auto row = observe(s);
  EXPECT_EQ(row.extensions, (std::vector<std::string>{".docx", ".exe", ".zip"}));
  EXPECT_EQ(attachments_->get_observed_attachment(sha_)->extensions, row.extensions);
}

TEST_F(AttachmentStoreTest, NoExtensionStartsAnEmptyList) {
  auto s = sighting(sha_);
  s.extension.reset();
  EXPECT_TRUE(observe(s).extensions.empty());
}

TEST_F(AttachmentStoreTest, TrueVerdictIsStickyAndNeverDowngraded) {
  const auto t = observe(sighting(sha_, kT0, true));
  EXPECT_EQ(t.mal_hash_match, true);
  EXPECT_EQ(t.mal_hash_match_provider, "malwarebazaar");
  EXPECT_EQ(t.mal_hash_match_at, kT0);
  auto f = sighting(sha_, kT0 + 1, false);
  f.mal_hash_match_provider = "other";
  observe(f);
  observe(sighting(sha_, kT0 + 2));
  const auto row = attachments_->get_observed_attachment(sha_);
  EXPECT_EQ(row->mal_hash_match, true);
  EXPECT_EQ(row->mal_hash_match_provider, "malwarebazaar");
  EXPECT_EQ(row->mal_hash_match_at, kT0);
}

TEST_F(AttachmentStoreTest, VerdictMovesNullToFalseToTrue) {
  EXPECT_FALSE(observe(sighting(sha_)).mal_hash_match.has_value());
  const auto f = observe(sighting(sha_, kT0 + 1, false));
  EXPECT_EQ(f.mal_hash_match, false);
  EXPECT_EQ(f.mal_hash_match_at, kT0 + 1);
  const auto f2 = observe(sighting(sha_, kT0 + 2, false));
  EXPECT_EQ(f2.mal_hash_match_at, kT0 + 1);  // false again: timestamp not bumped
  const auto n = observe(sighting(sha_, kT0 + 3));
  EXPECT_EQ(n.mal_hash_match, false);  // a failed lookup changes nothing
  const auto t = observe(sighting(sha_, kT0 + 4, true));
  EXPECT_EQ(t.mal_hash_match, true);
  EXPECT_EQ(t.mal_hash_match_at, kT0 + 4);
}

TEST_F(AttachmentStoreTest, NullVerdictWritesThroughToTrue) {
  observe(sighting(sha_));
  const auto t = observe(sighting(sha_, kT0 + 5, true));
  EXPECT_EQ(t.mal_hash_match, true);
  EXPECT_EQ(t.mal_hash_match_provider, "malwarebazaar");
  EXPECT_EQ(attachments_->get_observed_attachment(sha_)->mal_hash_match_at, kT0 + 5);
}

TEST_F(AttachmentStoreTest, MalformedHashIsRefused) {
  for (const std::string& bad : {std::string(), std::string("abc"), std::string(64, 'g'),
                                 std::string(63, 'a'), std::string(65, 'a')}) {
    expect_store_error(StoreError::Kind::kInvalid, [&] { observe(sighting(bad)); });
  }
  EXPECT_EQ(attachments_->list_observed_attachments({}).total, 0);
}

TEST_F(AttachmentStoreTest, ListFiltersAndPagesMostRecentFirst) {
  const auto a = core::sha256_hex("a");
  const auto b = core::sha256_hex("b");
  const auto c = core::sha256_hex("c");
  observe(sighting(a, kT0 + 1, true));
  observe(sighting(b, kT0 + 2, false));
  auto other = sighting(c, kT0 + 3);
  other.attacker_uuid = "attacker-9";
  observe(other);
  const auto all = attachments_->list_observed_attachments({});
  EXPECT_EQ(all.total, 3);
  ASSERT_EQ(all.data.size(), 3u);
  EXPECT_EQ(all.data[0].sha256, c);
  EXPECT_EQ(all.data[2].sha256, a);
  AttachmentQuery bad;
  bad.mal_hash_match = true;
  const auto hits = attachments_->list_observed_attachments(bad);
  ASSERT_EQ(hits.total, 1);
  EXPECT_EQ(hits.data[0].sha256, a);
  AttachmentQuery clean;
  clean.mal_hash_match = false;
  EXPECT_EQ(attachments_->list_observed_attachments(clean).data.at(0).sha256, b);
  AttachmentQuery by_sender;
  by_sender.attacker_uuid = "attacker-9";
  EXPECT_EQ(attachments_->list_observed_attachments(by_sender).total, 1);
  AttachmentQuery paged;
  paged.page = {0, 1};
  const auto page = attachments_->list_observed_attachments(paged);
  EXPECT_EQ(page.limit, 1);  // clamped up from 0
  EXPECT_EQ(page.offset, 1);
  EXPECT_EQ(page.total, 3);
  ASSERT_EQ(page.data.size(), 1u);
  EXPECT_EQ(page.data[0].sha256, b);
}

TEST_F(AttachmentStoreTest, HostileStringsRoundTripThroughEveryField) {
  int n = 0;
  for (const auto& s : hostile_strings()) {
    const auto sha = core::sha256_hex(std::to_string(++n));
    AttachmentObservation o;
    o.sha256 = sha;
    o.decky_uuid = s;
    o.attacker_uuid = s;
    o.extension = s;
    o.subject = s;
    o.mal_hash_match = true;
    o.mal_hash_match_provider = s;
    o.seen_at = kT0;
    observe(o);
    observe(o);
    const auto row = attachments_->get_observed_attachment(sha);
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->observation_count, 2);
    EXPECT_EQ(row->first_seen_decky_uuid, s);
    EXPECT_EQ(row->first_seen_attacker_uuid, s);
    EXPECT_EQ(row->last_seen_attacker_uuid, s);
    EXPECT_EQ(row->first_subject, s);
    EXPECT_EQ(row->mal_hash_match_provider, s);
    ASSERT_EQ(row->extensions.size(), 1u);  // lowercase of ASCII letters only
    EXPECT_EQ(row->extensions[0].size(), s.size());
    AttachmentQuery q;
    q.attacker_uuid = s;
    EXPECT_EQ(attachments_->list_observed_attachments(q).total, 1);
    EXPECT_FALSE(attachments_->get_observed_attachment(s).has_value());
  }
}

}  // namespace
}  // namespace decnet::store
