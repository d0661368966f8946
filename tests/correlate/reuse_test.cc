#include <gtest/gtest.h>

#include "core/hash.h"
#include "correlate/credential_reuse_index.h"
#include "store/attacker_repository.h"
#include "store/sqlite/sqlite_repository.h"
#include "tests_support.h"

namespace decnet::correlate {
namespace {

store::CredentialAttempt attempt(std::string secret, std::string decky, std::string service,
                                 std::string ip, std::optional<std::string> principal = "root",
                                 std::int64_t ts = 100) {
  store::CredentialAttempt a;
  a.secret_sha256 = core::sha256_hex(secret);
  a.decky_name = std::move(decky);
  a.service = std::move(service);
  a.attacker_ip = std::move(ip);
  a.principal = std::move(principal);
  a.seen_at = ts;
  return a;
}

// The credentials table as the index reads it: every attempt it was shown, as stored rows.
class Recorded {
 public:
  std::optional<ReuseFinding> observe(CredentialReuseIndex& index,
                                      const store::CredentialAttempt& a,
                                      std::int64_t refresh_us = 1'000'000) {
    store::Credential row{};
    static_cast<store::CredentialAttempt&>(row) = a;
    row.first_seen = row.last_seen = a.seen_at;
    row.attempt_count = 1;
    rows_.push_back(row);  // stored before the index sees it, as in the ingest writer
    return index.observe(a, history(), refresh_us);
  }
  SecretHistory history() {
    return [this](const std::string& sha, const std::string& kind,
                  const std::optional<std::string>& principal,
                  const std::function<void(const store::Credential&)>& visit) {
      ++loads;
      for (const auto& r : rows_) {
        if (r.secret_sha256 == sha && r.secret_kind == kind &&
            r.principal.value_or("") == principal.value_or("")) {
          visit(r);
        }
      }
    };
  }
  int loads = 0;

 private:
  std::vector<store::Credential> rows_;
};

TEST(CredentialReuseIndex, OneTargetIsNotReuse) {
  CredentialReuseIndex index;
  Recorded db;
  EXPECT_FALSE(db.observe(index, attempt("pw", "d1", "ssh", "203.0.113.1")));
  EXPECT_FALSE(db.observe(index, attempt("pw", "d1", "ssh", "203.0.113.1")));  // same target again
  EXPECT_TRUE(index.findings().empty());
  EXPECT_EQ(index.secrets(), 1u);
}

TEST(CredentialReuseIndex, SecondDistinctTargetIsAFindingAndGrowthIsFlagged) {
  CredentialReuseIndex index;
  Recorded db;
  EXPECT_FALSE(db.observe(index, attempt("pw", "d1", "ftp", "203.0.113.1", "root", 10)));
  auto first = db.observe(index, attempt("pw", "d2", "pop3", "203.0.113.2", "root", 20));
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->grew);
  EXPECT_EQ(first->row.target_count, 2);
  EXPECT_EQ(first->row.attacker_ip_count, 2);
  EXPECT_EQ(first->row.targets, (std::vector<std::string>{"d1:ftp", "d2:pop3"}));
  EXPECT_EQ(first->row.first_seen, 10);
  EXPECT_EQ(first->row.last_seen, 20);
  EXPECT_EQ(first->row.attempt_count, 2);
  // A repeat on a known target by a known address is not growth (and is not announced), but
  // the attempt is counted once, not inflated as the reference did on every pass.
  EXPECT_FALSE(db.observe(index, attempt("pw", "d2", "pop3", "203.0.113.2", "root", 30)))
      << "a repeat within the refresh interval needs no write";
  auto repeat = db.observe(index, attempt("pw", "d2", "pop3", "203.0.113.2", "root", 31), 0);
  ASSERT_TRUE(repeat);
  EXPECT_FALSE(repeat->grew);
  EXPECT_EQ(repeat->row.attempt_count, 4);
  // A new combination of known decky and known service is a new target (the reference left
  // target_count stale in that case).
  auto combo = db.observe(index, attempt("pw", "d1", "pop3", "203.0.113.2", "root", 40));
  ASSERT_TRUE(combo);
  EXPECT_TRUE(combo->grew);
  EXPECT_EQ(combo->row.target_count, 3);
  // A new attacker on a known target is growth too: botnets reuse lists.
  auto botnet = db.observe(index, attempt("pw", "d1", "pop3", "198.51.100.9", "root", 50));
  EXPECT_TRUE(botnet->grew);
  EXPECT_EQ(botnet->row.attacker_ip_count, 3);
}

TEST(CredentialReuseIndex, ListsAreCappedButCountsStayExact) {
  CredentialReuseIndex index;
  Recorded db;
  std::optional<ReuseFinding> last;
  for (int i = 0; i < 250; ++i) {
    auto f = db.observe(index, attempt("admin", "d" + std::to_string(i % 3), "ssh",
                                       "198.51.100." + std::to_string(i % 250)));
    if (f) last = f;
  }
  ASSERT_TRUE(last);
  EXPECT_EQ(last->row.attacker_ip_count, 250);
  EXPECT_EQ(last->row.attacker_ips.size(), kListCap);
  EXPECT_EQ(last->row.attacker_ips.front(), "198.51.100.0");  // first seen kept
  EXPECT_EQ(last->row.target_count, 3);
}

TEST(CredentialReuseIndex, KeyIsSecretKindAndPrincipal) {
  CredentialReuseIndex index;
  Recorded db;
  db.observe(index, attempt("pw", "d1", "ssh", "203.0.113.1", "root"));
  EXPECT_FALSE(db.observe(index, attempt("pw", "d2", "ssh", "203.0.113.1", "admin")));
  auto other_kind = attempt("pw", "d2", "ssh", "203.0.113.1", "root");
  other_kind.secret_kind = "ntlmssp_v2";
  EXPECT_FALSE(db.observe(index, other_kind));
  // NULL and "" principals are one key, as in the credentials table.
  db.observe(index, attempt("tok", "d1", "redis", "203.0.113.1", std::nullopt));
  EXPECT_TRUE(db.observe(index, attempt("tok", "d2", "http", "203.0.113.1", "")));
}

TEST(CredentialReuseIndex, RebuildFromTheDatabaseMatchesLiveObservation) {
  decnet::testing::TempDir dir;
  auto repo = store::sqlite::open_sqlite_repository({.path = dir / "db.sqlite"});
  CredentialReuseIndex live;
  const std::vector<store::CredentialAttempt> attempts = {
      attempt("a", "d1", "ssh", "203.0.113.1"), attempt("a", "d2", "ftp", "203.0.113.2"),
      attempt("a", "d2", "ftp", "203.0.113.2"), attempt("b", "d1", "ssh", "203.0.113.1")};
  for (const auto& a : attempts) {
    repo->write_now([&](store::WriteScope& w) {
      repo->credentials().upsert(w, a);
      live.observe(a, [&](const std::string& sha, const std::string& kind,
                          const std::optional<std::string>& principal,
                          const std::function<void(const store::Credential&)>& visit) {
        repo->credentials().for_each_of_secret(&w, sha, kind, principal, visit);
      });
    });
  }
  CredentialReuseIndex rebuilt;
  rebuilt.rebuild(repo->credentials());
  const auto rebuilt_findings = rebuilt.findings();
  const auto live_findings = live.findings();
  ASSERT_EQ(rebuilt_findings.size(), 1u);
  ASSERT_EQ(live_findings.size(), 1u);
  const auto& r = rebuilt_findings[0];
  const auto& l = live_findings[0];
  EXPECT_EQ(r.targets, l.targets);
  EXPECT_EQ(r.attacker_ips, l.attacker_ips);
  EXPECT_EQ(r.attempt_count, l.attempt_count);
  EXPECT_EQ(rebuilt.secrets(), 2u);
  repo->close();
}

// A secret tried by many addresses on one target is not kept in full: only the slot remembering
// that target. When a second target appears, its whole history is read once.
TEST(CredentialReuseIndex, ASecretBecomesAFullEntryOnlyWhenReusedWithItsWholeHistory) {
  CredentialReuseIndex index;
  Recorded db;
  for (int i = 0; i < 50; ++i) {
    EXPECT_FALSE(
        db.observe(index, attempt("admin", "d1", "ssh", "198.51.100." + std::to_string(i))));
  }
  EXPECT_EQ(db.loads, 0);
  EXPECT_EQ(index.reused_secrets(), 0u);
  const auto finding = db.observe(index, attempt("admin", "d2", "ftp", "203.0.113.1"));
  ASSERT_TRUE(finding);
  EXPECT_EQ(db.loads, 1);
  EXPECT_EQ(finding->row.attacker_ip_count, 51);
  EXPECT_EQ(finding->row.attempt_count, 51);
  EXPECT_EQ(finding->row.target_count, 2);
  db.observe(index, attempt("admin", "d3", "ftp", "203.0.113.1"));
  EXPECT_EQ(db.loads, 1);  // once full, the entry is kept up to date in memory
}

// 600,000 distinct credentials used to hold 1.44 GB (about 2.1 KB each); what is never reused
// now costs its slot in the table.
TEST(CredentialReuseIndex, MemoryPerCredentialIsTensOfBytes) {
  CredentialReuseIndex index;
  Recorded db;
  constexpr int kSecrets = 100'000;
  for (int i = 0; i < kSecrets; ++i) {
    store::CredentialAttempt a = attempt("pw-" + std::to_string(i), "d1", "ssh", "203.0.113.1");
    index.observe(a, db.history());
  }
  EXPECT_EQ(index.secrets(), static_cast<std::size_t>(kSecrets));
  EXPECT_LE(index.memory_bytes() / kSecrets, 64u) << index.memory_bytes();
}

}  // namespace
}  // namespace decnet::correlate
