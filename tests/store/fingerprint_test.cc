// attacker_fingerprint_state: first sighting, unchanged and rotated outcomes, independence of
// (port, probe type) pairs, and the attacker counters moving in the same transaction.
#include <gtest/gtest.h>

#include "store/attacker_repository.h"
#include "store/fingerprint_repository.h"
#include "store/sqlite/domains.h"
#include "store/store_error.h"
#include "store_fixture.h"

namespace decnet::store {
namespace {

class FingerprintStoreTest : public DomainStoreTest {
 protected:
  FingerprintResult record(const std::string& uuid, std::int64_t port, const std::string& probe,
                           const std::string& hash, std::int64_t at = kT0) {
    return engine_.write_now([&](WriteScope& w) {
      return fingerprints_->record_fingerprint(w, {uuid, port, probe, hash, at});
    });
  }

  std::unique_ptr<FingerprintRepository> fingerprints_ =
      sqlite::make_fingerprint_repository(engine_);
};

TEST_F(FingerprintStoreTest, UnknownAttackerWritesNothing) {
  const auto r = record("no-such-attacker", 443, "jarm", "abc");
  EXPECT_EQ(r.outcome, FingerprintOutcome::kNoAttacker);
  EXPECT_TRUE(fingerprints_->list_fingerprint_states("no-such-attacker").empty());
  EXPECT_FALSE(fingerprints_->get_fingerprint_state("no-such-attacker", 443, "jarm").has_value());
}

TEST_F(FingerprintStoreTest, FirstSightingCreatesTheStateRow) {
  const auto a = attacker("203.0.113.7");
  EXPECT_TRUE(fingerprints_->list_fingerprint_states(a).empty());
  const auto r = record(a, 443, "jarm", "h1");
  EXPECT_EQ(r.outcome, FingerprintOutcome::kFirstSighting);
  EXPECT_EQ(r.attacker_ip, "203.0.113.7");
  EXPECT_EQ(r.new_hash, "h1");
  EXPECT_FALSE(r.old_hash.has_value());
  EXPECT_EQ(r.rotation_count, 0);
  const auto s = fingerprints_->get_fingerprint_state(a, 443, "jarm");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->last_hash, "h1");
  EXPECT_EQ(s->last_seen, kT0);
  EXPECT_EQ(s->rotation_count, 0);
  EXPECT_EQ(attackers_->get(a)->rotation_count, 0);
}

TEST_F(FingerprintStoreTest, SameHashOnlyAdvancesLastSeen) {
  const auto a = attacker("203.0.113.7");
  record(a, 22, "hassh", "h1");
  const auto r = record(a, 22, "hassh", "h1", kT0 + 50);
  EXPECT_EQ(r.outcome, FingerprintOutcome::kUnchanged);
  EXPECT_FALSE(r.old_hash.has_value());
  EXPECT_EQ(fingerprints_->get_fingerprint_state(a, 22, "hassh")->last_seen, kT0 + 50);
  record(a, 22, "hassh", "h1", kT0 + 10);  // a late, older result never moves it back
  EXPECT_EQ(fingerprints_->get_fingerprint_state(a, 22, "hassh")->last_seen, kT0 + 50);
  EXPECT_EQ(attackers_->get(a)->rotation_count, 0);
  EXPECT_FALSE(attackers_->get(a)->last_rotation_at.has_value());
}

TEST_F(FingerprintStoreTest, NewHashRotatesStateAndAttacker) {
  const auto a = attacker("203.0.113.7");
  record(a, 443, "jarm", "h1");
  const auto r = record(a, 443, "jarm", "h2", kT0 + 100);
  EXPECT_EQ(r.outcome, FingerprintOutcome::kRotated);
  EXPECT_EQ(r.old_hash, "h1");
  EXPECT_EQ(r.new_hash, "h2");
  EXPECT_EQ(r.rotation_count, 1);
  EXPECT_EQ(r.attacker_ip, "203.0.113.7");
  const auto r2 = record(a, 443, "jarm", "h1", kT0 + 200);
  EXPECT_EQ(r2.outcome, FingerprintOutcome::kRotated);
  EXPECT_EQ(r2.old_hash, "h2");
  EXPECT_EQ(r2.rotation_count, 2);
  const auto s = fingerprints_->get_fingerprint_state(a, 443, "jarm");
  EXPECT_EQ(s->last_hash, "h1");
  EXPECT_EQ(s->last_seen, kT0 + 200);
  const auto att = attackers_->get(a);
  EXPECT_EQ(att->rotation_count, 2);
  EXPECT_EQ(att->last_rotation_at, kT0 + 200);
}

TEST_F(FingerprintStoreTest, PortsAndProbeTypesAreTrackedIndependently) {
  const auto a = attacker("203.0.113.7");
  const auto b = attacker("203.0.113.8");
  for (std::int64_t port : {22, 2222}) {
    for (const char* probe : {"jarm", "hassh", "tcpfp"}) {
      EXPECT_EQ(record(a, port, probe, "h").outcome, FingerprintOutcome::kFirstSighting);
    }
  }
  EXPECT_EQ(record(b, 22, "jarm", "other").outcome, FingerprintOutcome::kFirstSighting);
  EXPECT_EQ(record(a, 2222, "tcpfp", "changed").outcome, FingerprintOutcome::kRotated);
  const auto states = fingerprints_->list_fingerprint_states(a);
  ASSERT_EQ(states.size(), 6u);
  EXPECT_EQ(states[0].port, 22);
  EXPECT_EQ(states[0].probe_type, "hassh");  // port, then probe type
  EXPECT_EQ(states[5].port, 2222);
  EXPECT_EQ(states[5].probe_type, "tcpfp");
  EXPECT_EQ(states[5].rotation_count, 1);
  EXPECT_EQ(fingerprints_->get_fingerprint_state(a, 22, "tcpfp")->rotation_count, 0);
  EXPECT_EQ(attackers_->get(a)->rotation_count, 1);
  EXPECT_EQ(attackers_->get(b)->rotation_count, 0);
}

TEST_F(FingerprintStoreTest, RotationAndAttackerCounterShareTheTransaction) {
  const auto a = attacker("203.0.113.7");
  record(a, 443, "jarm", "h1");
  EXPECT_THROW(engine_.write_now([&](WriteScope& w) {
    fingerprints_->record_fingerprint(w, {a, 443, "jarm", "h2", kT0 + 1});
    throw std::runtime_error("later step failed");
  }),
               std::runtime_error);
  EXPECT_EQ(fingerprints_->get_fingerprint_state(a, 443, "jarm")->last_hash, "h1");
  EXPECT_EQ(attackers_->get(a)->rotation_count, 0);
}

TEST_F(FingerprintStoreTest, IllegalProbeTypeOrPortIsAConstraintError) {
  const auto a = attacker("203.0.113.7");
  expect_store_error(StoreError::Kind::kConstraint, [&] { record(a, 443, "icmp", "h"); });
  expect_store_error(StoreError::Kind::kConstraint, [&] { record(a, 70000, "jarm", "h"); });
  expect_store_error(StoreError::Kind::kConstraint, [&] { record(a, -1, "jarm", "h"); });
  EXPECT_TRUE(fingerprints_->list_fingerprint_states(a).empty());
}

TEST_F(FingerprintStoreTest, HostileHashesRoundTripAndRotate) {
  const auto a = attacker("203.0.113.7");
  std::optional<std::string> previous;
  for (const auto& s : hostile_strings()) {
    const auto r = record(a, 443, "jarm", s);
    EXPECT_EQ(r.outcome,
              previous ? FingerprintOutcome::kRotated : FingerprintOutcome::kFirstSighting);
    EXPECT_EQ(r.old_hash, previous);
    EXPECT_EQ(fingerprints_->get_fingerprint_state(a, 443, "jarm")->last_hash, s);
    EXPECT_EQ(record(a, 443, "jarm", s).outcome, FingerprintOutcome::kUnchanged);
    previous = s;
  }
  // A hostile attacker uuid or probe type is just an unknown key.
  for (const auto& s : hostile_strings()) {
    EXPECT_EQ(record(s, 1, "jarm", "h").outcome, FingerprintOutcome::kNoAttacker);
    EXPECT_FALSE(fingerprints_->get_fingerprint_state(a, 443, s).has_value());
  }
}

}  // namespace
}  // namespace decnet::store
