#include <gtest/gtest.h>

#include <unordered_map>

#include "core/hash.h"
#include "store/attacker_repository.h"
#include "store/credential_repository.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/credential_key.h"
#include "store/stats_repository.h"
#include "store/store_error.h"
#include "store_fixture.h"

namespace decnet::store {
namespace {

CredentialAttempt attempt(std::string secret, std::string ip, std::string decky,
                          std::string service, std::optional<std::string> principal = "root") {
  CredentialAttempt a;
  a.attacker_ip = std::move(ip);
  a.decky_name = std::move(decky);
  a.service = std::move(service);
  a.principal = std::move(principal);
  a.secret_sha256 = core::sha256_hex(secret);
  a.secret_printable = secret;
  a.seen_at = kT0;
  return a;
}

class CredentialsTest : public StoreTest {
 protected:
  CredentialUpsert upsert(const CredentialAttempt& a) {
    return repo().write_now([&](WriteScope& w) { return repo().credentials().upsert(w, a); });
  }
};

TEST_F(CredentialsTest, DedupKeyCountsAttemptsAndKeepsFirstValues) {
  auto a = attempt("hunter2", "203.0.113.5", "web1", "ssh");
  a.fields = R"({"first":true})";
  const auto first = upsert(a);
  EXPECT_TRUE(first.inserted);
  EXPECT_EQ(first.attempt_count, 1);
  a.seen_at = kT0 + 10;
  a.fields = R"({"first":false})";
  a.outcome = "failed";
  const auto second = upsert(a);
  EXPECT_FALSE(second.inserted);
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(second.attempt_count, 2);
  a.outcome.reset();  // a null outcome never erases a known one
  upsert(a);
  const auto rows = repo().credentials().get_credential_attempts_for_secret(a.secret_sha256);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].attempt_count, 3);
  EXPECT_EQ(rows[0].first_seen, kT0);
  EXPECT_EQ(rows[0].last_seen, kT0 + 10);
  EXPECT_EQ(rows[0].outcome, "failed");
  EXPECT_EQ(rows[0].fields, R"({"first":true})");
}

TEST_F(CredentialsTest, SecretKindIsPartOfTheKey) {
  auto a = attempt("x", "203.0.113.5", "web1", "postgres");
  upsert(a);
  a.secret_kind = "postgres_md5_challenge";
  EXPECT_TRUE(upsert(a).inserted);
  EXPECT_EQ(repo().credentials().count(), 2);
  EXPECT_EQ(
      repo().credentials().get_credential_attempts_for_secret(a.secret_sha256, "plaintext").size(),
      1u);
}

TEST_F(CredentialsTest, NullAndEmptyPrincipalShareAKeyAndNullStaysNull) {
  auto a = attempt("tok", "203.0.113.5", "web1", "redis", std::nullopt);
  EXPECT_TRUE(upsert(a).inserted);
  a.principal = "";
  EXPECT_FALSE(upsert(a).inserted);
  const auto rows = repo().credentials().get_credential_attempts_for_secret(a.secret_sha256);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].principal.has_value());
}

TEST_F(CredentialsTest, MissingAttackerAddressIsNullAndStillDeduplicated) {
  auto a = attempt("pw", "x", "web1", "ftp");
  a.attacker_ip.reset();
  upsert(a);
  EXPECT_FALSE(upsert(a).inserted);
  const auto rows = repo().credentials().get_credential_attempts_for_secret(a.secret_sha256);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].attacker_ip.has_value());
}

TEST_F(CredentialsTest, AttackerUuidBackfillTouchesOnlyUnsetRowsOfThatAddress) {
  upsert(attempt("a", "203.0.113.5", "web1", "ssh"));
  upsert(attempt("b", "203.0.113.5", "web1", "ssh"));
  upsert(attempt("c", "203.0.113.6", "web1", "ssh"));
  const auto make_attacker = [&](const std::string& ip) {
    return repo()
        .write_now([&](WriteScope& w) {
          return repo().attackers().record_activity(w, {ip, kT0, kT0, 1, 0, {}});
        })
        .uuid;
  };
  const auto first = make_attacker("203.0.113.5");
  const auto other = make_attacker("203.0.113.99");
  auto n = repo().write_now([&](WriteScope& w) {
    return repo().credentials().update_credential_attacker_uuid(w, "203.0.113.5", first);
  });
  EXPECT_EQ(n, 2);
  n = repo().write_now([&](WriteScope& w) {
    return repo().credentials().update_credential_attacker_uuid(w, "203.0.113.5", other);
  });
  EXPECT_EQ(n, 0);
  CredentialQuery q;
  q.attacker_uuid = first;
  EXPECT_EQ(repo().credentials().list(q).total, 2);
  // The attacker_uuid column is a real foreign key: an unknown uuid is a constraint error.
  try {
    repo().write_now([&](WriteScope& w) {
      return repo().credentials().update_credential_attacker_uuid(w, "203.0.113.6", "no-such");
    });
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreError::Kind::kConstraint);
  }
}

TEST_F(CredentialsTest, ListFiltersAndInvalidHashIsRejected) {
  upsert(attempt("a", "203.0.113.5", "web1", "ssh"));
  upsert(attempt("a", "203.0.113.5", "web2", "ftp", "admin"));
  CredentialQuery q;
  EXPECT_EQ(repo().credentials().list(q).total, 2);
  q.service = "ftp";
  EXPECT_EQ(repo().credentials().list(q).total, 1);
  q = {};
  q.principal = "admin";
  EXPECT_EQ(repo().credentials().list(q).data.at(0).decky_name, "web2");
  auto bad = attempt("a", "1.2.3.4", "d", "s");
  bad.secret_sha256 = "abc";
  EXPECT_THROW(upsert(bad), StoreError);
  int seen = 0;
  repo().credentials().for_each([&](const Credential&) { ++seen; });
  EXPECT_EQ(seen, 2);
}

TEST_F(CredentialsTest, HostileValuesRoundTrip) {
  for (const auto& s : hostile_strings()) {
    auto a = attempt(s, s, s, s, s);
    a.secret_b64 = s;
    a.fields =
        nlohmann::json({{"v", s}}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    upsert(a);
    const auto rows = repo().credentials().get_credential_attempts_for_secret(a.secret_sha256);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].principal, s);
    EXPECT_EQ(rows[0].secret_printable, s);
    EXPECT_EQ(rows[0].decky_name, s);
  }
}

class ReuseTest : public CredentialsTest {
 protected:
  ReuseUpsert put(const CredentialReuse& f) {
    return repo().write_now(
        [&](WriteScope& w) { return repo().credential_reuse().upsert_credential_reuse(w, f); });
  }
  static CredentialReuse finding(std::string secret, std::vector<std::string> targets) {
    CredentialReuse f;
    f.secret_sha256 = core::sha256_hex(secret);
    f.secret_kind = "plaintext";
    f.principal = "root";
    f.targets = std::move(targets);
    f.target_count = static_cast<std::int64_t>(f.targets.size());
    f.attacker_ips = {"203.0.113.5"};
    f.attacker_ip_count = 1;
    f.deckies = {"web1", "web2"};
    f.services = {"ftp", "pop3"};
    f.attempt_count = 2;
    f.first_seen = kT0;
    f.last_seen = kT0 + 5;
    return f;
  }
};

TEST_F(ReuseTest, InsertThenGrowKeepsTheIdAndReplacesLists) {
  EXPECT_TRUE(repo().credential_reuse().list_credential_reuses(2, {}, {}).data.empty());
  EXPECT_FALSE(repo().credential_reuse().get_credential_reuse_by_id("missing"));
  upsert(attempt("s3cret", "203.0.113.5", "web1", "ftp"));
  auto f = finding("s3cret", {"web1:ftp", "web2:pop3"});
  const auto inserted = put(f);
  EXPECT_TRUE(inserted.inserted);
  f.targets.push_back("web3:ssh");
  f.target_count = 3;
  f.deckies.push_back(
      "w\xc3\xa9"
      "b\"3");
  f.attacker_uuids = {"u-1"};
  f.last_seen = kT0 + 50;
  const auto grown = put(f);
  EXPECT_FALSE(grown.inserted);
  EXPECT_EQ(grown.id, inserted.id);
  const auto row = repo().credential_reuse().get_credential_reuse_by_id(inserted.id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->target_count, 3);
  EXPECT_EQ(row->targets.size(), 3u);
  EXPECT_EQ(row->deckies.back(),
            "w\xc3\xa9"
            "b\"3");
  EXPECT_EQ(row->first_seen, kT0);
  EXPECT_EQ(row->last_seen, kT0 + 50);
  EXPECT_EQ(row->secret_printable, "s3cret");
}

// An attacker's page lists the findings of the secrets it tried, found through its own
// credentials: also when it is past the finding's capped attacker list, and never another
// attacker's.
TEST_F(ReuseTest, AnAttackersFindingsComeFromItsOwnCredentials) {
  const auto attacker = [&](const std::string& ip) {
    return repo().write_now([&](WriteScope& w) {
      return repo().attackers().record_activity(
          w, {ip, kT0, kT0, 1, 1, {{"web1", "ftp", kT0, kT0, 1}}});
    });
  };
  const auto one = attacker("203.0.113.5");
  const auto late = attacker("203.0.113.6");  // not in the finding's (capped) list
  const auto other = attacker("203.0.113.7");
  for (const auto* a : {&one, &late}) {
    auto c = attempt("s3cret", a == &one ? "203.0.113.5" : "203.0.113.6", "web1", "ftp");
    c.principal = "root";
    c.attacker_uuid = a->uuid;
    c.attacker_id = a->id;
    upsert(c);
  }
  auto unrelated = attempt("other", "203.0.113.7", "web1", "ftp");
  unrelated.attacker_uuid = other.uuid;
  unrelated.attacker_id = other.id;
  upsert(unrelated);
  auto f = finding("s3cret", {"web1:ftp", "web2:pop3"});
  f.attacker_uuids = {one.uuid};
  put(f);
  EXPECT_EQ(repo().credential_reuse().list_for_attacker(one.uuid).size(), 1u);
  EXPECT_EQ(repo().credential_reuse().list_for_attacker(late.uuid).size(), 1u);
  EXPECT_TRUE(repo().credential_reuse().list_for_attacker(other.uuid).empty());
  EXPECT_TRUE(repo().credential_reuse().list_for_attacker("missing").empty());
}

TEST_F(ReuseTest, ListOrdersByTargetCountAndFilters) {
  put(finding("a", {"d1:s", "d2:s"}));
  put(finding("b", {"d1:s", "d2:s", "d3:s"}));
  auto single = finding("c", {"d1:s"});
  single.secret_kind = "ntlmssp_v2";
  put(single);
  auto page = repo().credential_reuse().list_credential_reuses(2, {}, {});
  ASSERT_EQ(page.total, 2);
  EXPECT_EQ(page.data[0].target_count, 3);
  EXPECT_EQ(repo().credential_reuse().list_credential_reuses(1, "ntlmssp_v2", {}).total, 1);
  EXPECT_EQ(repo().credential_reuse().list_credential_reuses(4, {}, {}).total, 0);
}

// The attempt totals are tallied per transaction and written before COMMIT: many attempts in
// one transaction count each once, and a transaction that is rolled back and replayed (another
// task of its group failed) counts its attempts once, not twice.
TEST_F(CredentialsTest, AttemptTotalsAreTalliedPerTransactionAndSurviveAReplay) {
  const auto count_of = [](const std::vector<NamedCount>& ranks, const std::string& name) {
    for (const auto& r : ranks) {
      if (r.name == name) return r.count;
    }
    return std::int64_t{0};
  };
  repo().write_now([&](WriteScope& w) {
    for (int i = 0; i < 25; ++i) {
      repo().credentials().upsert(
          w, attempt("pw" + std::to_string(i % 5), "203.0.113.5", "web1", "ssh", "admin"));
    }
  });
  WriterHold writer(repo());  // the next two tasks queue up and run as one group
  auto good = repo().write([&](WriteScope& w) {
    repo().credentials().upsert(w, attempt("pw0", "203.0.113.6", "web1", "ssh", "admin"));
  });
  auto bad = repo().write([&](WriteScope& w) {
    repo().credentials().upsert(w, attempt("pw0", "203.0.113.7", "web1", "ssh", "admin"));
    throw StoreError(StoreError::Kind::kInvalid, "this task fails");
  });
  writer.release();
  good.get();
  EXPECT_THROW(bad.get(), StoreError);
  const auto stats = repo().stats().overview(kT0, 10);
  EXPECT_EQ(count_of(stats.top_usernames, "admin"), 26);
  EXPECT_EQ(count_of(stats.top_passwords, "pw0"), 6);
  EXPECT_EQ(count_of(stats.top_passwords, "pw1"), 5);
  EXPECT_EQ(stats.credentials.total, 6);  // five rows from .5, one from .6
}

// Secrets are looked up through their range of the dedup key index, not by scanning.
TEST_F(CredentialsTest, SecretLookupsUseTheKeyIndex) {
  upsert(attempt("hunter2", "203.0.113.5", "web1", "ssh"));
  const auto sha = core::sha256_hex("hunter2");
  const auto floor = sqlite::secret_key_floor(sha);
  sqlite::Connection conn(dir_ / "decnet.db", sqlite::Connection::Mode::kReadOnly);
  auto plan = conn.prepare(
      "EXPLAIN QUERY PLAN SELECT id FROM credentials WHERE dedup_key BETWEEN ? AND ? AND "
      "+secret_sha256 = ? AND secret_kind = ? AND principal_key = ? ORDER BY id");
  plan.bind_all(floor, floor + sqlite::kSecretKeySpan, sha, "plaintext", "root");
  std::string detail;
  while (plan.step()) detail += plan.text(3) + "\n";
  EXPECT_NE(detail.find("uq_credentials_key"), std::string::npos) << detail;
  const auto rows =
      repo().credentials().get_credential_attempts_for_secret(sha, std::string("plaintext"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].secret_printable, "hunter2");
}

// Keys stay inside their secret's range: the low half wraps, the high half never changes, and a
// range's bounds hold for digests whose first bit makes the key negative.
TEST(CredentialKey, ProbingStaysInTheSecretsRange) {
  for (const std::string& sha : {core::sha256_hex("a"), std::string(64, 'f'), std::string(64, '0'),
                                 "7fffffff" + std::string(56, '0')}) {
    SCOPED_TRACE(sha);
    const auto floor = sqlite::secret_key_floor(sha);
    auto key = sqlite::credential_key({"203.0.113.5", "web1", "ssh", "plaintext", sha, "root"});
    EXPECT_GE(key, floor);
    EXPECT_LE(key, floor + sqlite::kSecretKeySpan);
    EXPECT_EQ(sqlite::next_credential_key(floor + sqlite::kSecretKeySpan), floor);
    for (int i = 0; i < 3; ++i) {
      key = sqlite::next_credential_key(key);
      EXPECT_GE(key, floor);
      EXPECT_LE(key, floor + sqlite::kSecretKeySpan);
    }
  }
}

// Two different tuples of one secret whose keys collide are two credentials, each counting its
// own attempts: the second moves to the next key. The pair is found by hashing decky names until
// the 32-bit low halves meet (about 2^16 tries).
TEST_F(CredentialsTest, TuplesThatShareAKeyStayApart) {
  const auto sha = core::sha256_hex("123456");
  std::unordered_map<std::int64_t, std::string> seen;
  std::pair<std::string, std::string> pair;
  for (int i = 0; pair.first.empty(); ++i) {
    ASSERT_LT(i, 4'000'000);
    std::string decky = "decky-" + std::to_string(i);
    const auto key =
        sqlite::credential_key({"203.0.113.5", decky, "ssh", "plaintext", sha, "root"});
    if (auto [it, fresh] = seen.try_emplace(key, decky); !fresh) pair = {it->second, decky};
  }
  const auto a = attempt("123456", "203.0.113.5", pair.first, "ssh");
  const auto b = attempt("123456", "203.0.113.5", pair.second, "ssh");
  const auto first = upsert(a);
  const auto second = upsert(b);
  EXPECT_TRUE(first.inserted);
  EXPECT_TRUE(second.inserted);
  EXPECT_NE(first.id, second.id);
  const auto again = upsert(b);
  EXPECT_FALSE(again.inserted);
  EXPECT_EQ(again.id, second.id);
  EXPECT_EQ(again.attempt_count, 2);
  EXPECT_EQ(upsert(a).attempt_count, 2);
  const auto rows = repo().credentials().get_credential_attempts_for_secret(sha);
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) EXPECT_EQ(row.attempt_count, 2) << row.decky_name;
}

}  // namespace
}  // namespace decnet::store
