// attacker_intel: the per-provider merge, the derived aggregate verdict and the "due for
// enrichment" query, including the retry-sooner fix for failed providers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/attacker_repository.h"
#include "store/intel_repository.h"
#include "store/sqlite/domains.h"
#include "store/store_error.h"
#include "store_fixture.h"

namespace decnet::store {
namespace {

constexpr std::int64_t kHour = 3'600'000'000;

ProviderIntel answer(std::optional<std::string> verdict,
                     nlohmann::json raw = nlohmann::json::object(), std::int64_t at = kT0) {
  return {std::move(verdict), raw.dump(), at, std::nullopt};
}

ProviderIntel failure(std::string error, std::int64_t at = kT0) {
  return {std::nullopt, "{}", at, std::move(error)};
}

class IntelStoreTest : public DomainStoreTest {
 protected:
  std::string attacker(const std::string& ip, std::int64_t last_seen = kT0) {
    return engine_.write_now([&](WriteScope& w) {
      return attackers_->record_activity(w, {ip, last_seen, last_seen, 1, 0, {}}).uuid;
    });
  }

  AttackerIntel upsert(const std::string& uuid, std::map<std::string, ProviderIntel> providers,
                       std::int64_t cached_at = kT0,
                       std::optional<std::int64_t> retry_at = std::nullopt,
                       const std::string& ip = "203.0.113.9") {
    AttackerIntelUpdate u{uuid,    ip, std::move(providers), cached_at, cached_at + 24 * kHour,
                          retry_at};
    return engine_.write_now([&](WriteScope& w) { return intel_->upsert_attacker_intel(w, u); });
  }

  std::vector<std::string> due(std::int64_t now, std::int64_t limit = 100) {
    std::vector<std::string> out;
    for (const auto& a : intel_->get_unenriched_attackers(limit, now)) out.push_back(a.uuid);
    return out;
  }

  std::unique_ptr<IntelRepository> intel_ = sqlite::make_intel_repository(engine_);
};

TEST_F(IntelStoreTest, EmptyDatabaseHasNothingCachedAndNothingDue) {
  EXPECT_FALSE(intel_->get_attacker_intel_by_uuid("nope").has_value());
  EXPECT_TRUE(intel_->get_unenriched_attackers(50, kT0).empty());
}

TEST_F(IntelStoreTest, MinimalUpsertCreatesOneRowAndReupsertKeepsItsUuid) {
  const auto a = attacker("203.0.113.9");
  const auto first = upsert(a, {});
  EXPECT_EQ(first.uuid.size(), 32u);
  EXPECT_EQ(first.schema_version, 1);
  EXPECT_EQ(first.aggregate_verdict, "unknown");
  EXPECT_TRUE(first.providers.empty());
  const auto second = upsert(a, {}, kT0 + kHour, std::nullopt, "203.0.113.10");
  EXPECT_EQ(second.uuid, first.uuid);
  const auto row = intel_->get_attacker_intel_by_uuid(a);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->uuid, first.uuid);
  EXPECT_EQ(row->attacker_uuid, a);
  EXPECT_EQ(row->attacker_ip, "203.0.113.10");  // denormalised, overwritten
  EXPECT_EQ(row->cached_at, kT0 + kHour);
  EXPECT_EQ(row->expires_at, kT0 + 25 * kHour);
  EXPECT_FALSE(row->retry_at.has_value());
}

TEST_F(IntelStoreTest, PartialUpsertsMergePerProvider) {
  const auto a = attacker("203.0.113.9");
  upsert(a, {{"greynoise", answer("benign", {{"name", "Mirai-like"}})}});
  upsert(a, {{"abuseipdb", answer("malicious", {{"abuseConfidenceScore", 92}}, kT0 + 5)}});
  const auto row = intel_->get_attacker_intel_by_uuid(a);
  ASSERT_TRUE(row.has_value());
  ASSERT_EQ(row->providers.size(), 2u);
  EXPECT_EQ(row->providers.at("greynoise").verdict, "benign");
  EXPECT_EQ(nlohmann::json::parse(row->providers.at("greynoise").raw)["name"], "Mirai-like");
  EXPECT_EQ(row->providers.at("abuseipdb").queried_at, kT0 + 5);
  EXPECT_EQ(row->aggregate_verdict, "malicious");
}

TEST_F(IntelStoreTest, FailedProviderKeepsItsPreviousAnswerAndRecordsTheError) {
  const auto a = attacker("203.0.113.9");
  upsert(a, {{"greynoise", answer("suspicious", {{"tags", {"scanner"}}})}});
  const auto after = upsert(a, {{"greynoise", failure("HTTP 429", kT0 + kHour)}}, kT0 + kHour);
  const auto& gn = after.providers.at("greynoise");
  EXPECT_EQ(gn.verdict, "suspicious");
  EXPECT_EQ(nlohmann::json::parse(gn.raw)["tags"][0], "scanner");
  EXPECT_EQ(gn.queried_at, kT0);
  EXPECT_EQ(gn.error, "HTTP 429");
  // A later success replaces the entry whole, error included.
  upsert(a, {{"greynoise", answer("benign", {{"fresh", true}}, kT0 + 2 * kHour)}});
  const auto row = intel_->get_attacker_intel_by_uuid(a);
  ASSERT_TRUE(row.has_value());
  EXPECT_FALSE(row->providers.at("greynoise").error.has_value());
  EXPECT_EQ(nlohmann::json::parse(row->providers.at("greynoise").raw),
            (nlohmann::json{{"fresh", true}}));
}

TEST_F(IntelStoreTest, FirstPassFailureIsStoredAsAnError) {
  const auto a = attacker("203.0.113.9");
  const auto row = upsert(a, {{"threatfox", failure("network: timeout")}}, kT0, kT0 + kHour);
  EXPECT_FALSE(row.providers.at("threatfox").verdict.has_value());
  EXPECT_EQ(row.providers.at("threatfox").error, "network: timeout");
  EXPECT_EQ(row.aggregate_verdict, "unknown");
  EXPECT_EQ(row.retry_at, kT0 + kHour);
}

// QUIRK (reference §2.4): an all-failure pass overwrote the aggregate with null. Here it is
// derived from the merged providers, so a known verdict survives an outage.
TEST_F(IntelStoreTest, QuirkFixedAllFailurePassKeepsTheKnownAggregate) {
  const auto a = attacker("203.0.113.9");
  upsert(a, {{"feodo", answer("malicious")}, {"greynoise", answer("benign")}});
  const auto after =
      upsert(a, {{"feodo", failure("HTTP 503")}, {"greynoise", failure("HTTP 500")}}, kT0 + kHour);
  EXPECT_EQ(after.aggregate_verdict, "malicious");
  EXPECT_EQ(intel_->get_attacker_intel_by_uuid(a)->aggregate_verdict, "malicious");
}

TEST_F(IntelStoreTest, AggregateIsTheStrongestStoredVerdict) {
  const auto a = attacker("203.0.113.9");
  EXPECT_EQ(upsert(a, {{"p1", answer("benign")}, {"p2", answer(std::nullopt)}}).aggregate_verdict,
            "benign");
  EXPECT_EQ(upsert(a, {{"p3", answer("suspicious")}}).aggregate_verdict, "suspicious");
  EXPECT_EQ(upsert(a, {{"p4", answer("unknown")}}).aggregate_verdict, "suspicious");
  EXPECT_EQ(upsert(a, {{"p5", answer("malicious")}}).aggregate_verdict, "malicious");
  const auto b = attacker("203.0.113.10");
  EXPECT_EQ(upsert(b, {{"p1", answer(std::nullopt)}}).aggregate_verdict, "unknown");
}

TEST_F(IntelStoreTest, UnenrichedPicksMissingAndExpiredRowsMostRecentFirst) {
  const auto none = attacker("198.51.100.1", kT0 + 3);
  const auto fresh = attacker("198.51.100.2", kT0 + 2);
  const auto stale = attacker("198.51.100.3", kT0 + 1);
  upsert(fresh, {{"greynoise", answer("benign")}}, kT0);
  upsert(stale, {{"greynoise", answer("benign")}}, kT0 - 25 * kHour);  // expired an hour ago
  EXPECT_EQ(due(kT0), (std::vector<std::string>{none, stale}));
  const auto listed = intel_->get_unenriched_attackers(100, kT0);
  EXPECT_EQ(listed[0].ip, "198.51.100.1");
  // Expiry is strict: a row is due only once expires_at has passed.
  EXPECT_EQ(due(kT0 + 24 * kHour), (std::vector<std::string>{none, stale}));
  EXPECT_EQ(due(kT0 + 24 * kHour + 1), (std::vector<std::string>{none, fresh, stale}));
  EXPECT_EQ(due(kT0, 1), (std::vector<std::string>{none}));
  EXPECT_EQ(due(kT0, 0).size(), 1u);  // clamped to at least one
}

// QUIRK (reference §2.4): a failed provider was retried only after the full TTL. A row whose
// retry_at has passed is due even though it has not expired.
TEST_F(IntelStoreTest, QuirkFixedFailedProvidersAreRetriedBeforeTheTtl) {
  const auto a = attacker("203.0.113.9");
  upsert(a, {{"abuseipdb", failure("HTTP 429")}}, kT0, kT0 + kHour);
  EXPECT_TRUE(due(kT0 + kHour).empty());
  EXPECT_EQ(due(kT0 + kHour + 1), (std::vector<std::string>{a}));
  // A successful pass clears retry_at and the row rests until its TTL again.
  upsert(a, {{"abuseipdb", answer("benign")}}, kT0 + 2 * kHour, std::nullopt);
  EXPECT_TRUE(due(kT0 + 3 * kHour).empty());
  EXPECT_FALSE(intel_->get_attacker_intel_by_uuid(a)->retry_at.has_value());
}

TEST_F(IntelStoreTest, UnknownAttackerIsAConstraintErrorAndWritesNothing) {
  expect_store_error(StoreError::Kind::kConstraint, [&] {
    upsert("no-such-attacker", {{"greynoise", answer("benign")}});
  });
  EXPECT_FALSE(intel_->get_attacker_intel_by_uuid("no-such-attacker").has_value());
}

TEST_F(IntelStoreTest, BadVerdictOrRawIsRefused) {
  const auto a = attacker("203.0.113.9");
  expect_store_error(StoreError::Kind::kInvalid, [&] {
    upsert(a, {{"greynoise", answer("evil")}});
  });
  expect_store_error(StoreError::Kind::kInvalid, [&] {
    upsert(a, {{"greynoise", ProviderIntel{"benign", "{not json", kT0, std::nullopt}}});
  });
  EXPECT_FALSE(intel_->get_attacker_intel_by_uuid(a).has_value());
}

TEST_F(IntelStoreTest, JsonColumnsKeepNonAsciiAndQuotes) {
  const auto a = attacker("203.0.113.9");
  const nlohmann::json raw = {{"name", "Gr\xc3\xbc\xc3\x9f \"quoted\" \xe2\x86\x92 '\\'"},
                              {"tags", {"\xf0\x9f\x94\x91", "a\"b"}}};
  upsert(a, {{"pr\xc3\xa9vu \"x\"", {"benign", raw.dump(), kT0, "err \"\xc3\xa9\""}}});
  const auto row = intel_->get_attacker_intel_by_uuid(a);
  ASSERT_TRUE(row.has_value());
  const auto& p = row->providers.at("pr\xc3\xa9vu \"x\"");
  EXPECT_EQ(nlohmann::json::parse(p.raw), raw);
  EXPECT_EQ(p.error, "err \"\xc3\xa9\"");
}

TEST_F(IntelStoreTest, HostileStringsRoundTripThroughEveryField) {
  int n = 0;
  for (const auto& s : hostile_strings()) {
    const auto a = attacker("192.0.2." + std::to_string(++n));
    const nlohmann::json raw = {{"value", s}};
    upsert(a, {{s, {"suspicious", raw.dump(), kT0, s}}}, kT0, std::nullopt, s);
    const auto row = intel_->get_attacker_intel_by_uuid(a);
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->attacker_ip, s);
    ASSERT_EQ(row->providers.count(s), 1u);
    EXPECT_EQ(nlohmann::json::parse(row->providers.at(s).raw)["value"], s);
    EXPECT_EQ(row->providers.at(s).error, s);
    EXPECT_EQ(row->aggregate_verdict, "suspicious");
  }
}

}  // namespace
}  // namespace decnet::store
