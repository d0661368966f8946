// BEHAVE observations and attribution state on SQLite: idempotent upserts on the natural key,
// the canonical reads the profiler, API and attribution engine make, and stub identities.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <regex>

#include "store/attacker_repository.h"
#include "store/identity_repository.h"
#include "store/observation_repository.h"
#include "store/sqlite/domains.h"
#include "store/store_error.h"
#include "store_fixture.h"

namespace decnet::store {
namespace {

constexpr double kTs = 1'700'000'000.25;

std::string json_string(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class ObservationStoreTest : public DomainStoreTest {
 protected:
  void TearDown() override { engine_.close(); }

  std::string attacker(const std::string& ip, std::int64_t first = kT0, std::int64_t last = kT0) {
    return engine_.write_now([&](WriteScope& w) {
      return attackers_->record_activity(w, {ip, first, last, 1, 0, {}}).uuid;
    });
  }
  Observation obs(const std::string& attacker_uuid, const std::string& primitive, std::string value,
                  double ts, std::string evidence = "session:1") {
    Observation o;
    o.attacker_uuid = attacker_uuid;
    o.primitive = primitive;
    o.value = std::move(value);
    o.confidence = 0.7;
    o.ts = ts;
    o.source = "decnet/profiler/behave_shell/extract.py";
    o.evidence_ref = std::move(evidence);
    return o;
  }
  std::string upsert(const Observation& o) {
    return engine_.write_now(
        [&](WriteScope& w) { return observations_->upsert_observation(w, o); });
  }
  std::optional<std::string> stub(const std::string& attacker_uuid) {
    return engine_.write_now([&](WriteScope& w) {
      return attribution_->ensure_stub_identity_for_attacker(w, attacker_uuid);
    });
  }
  void put_state(const AttributionState& s) {
    engine_.write_now([&](WriteScope& w) { attribution_->upsert_attribution_state(w, s); });
  }
  std::int64_t observation_rows() {
    auto lease = engine_.read();
    return sqlite::query_int64(*lease, "SELECT COUNT(*) FROM observations").value_or(-1);
  }

  std::unique_ptr<IdentityRepository> identities_ = sqlite::make_identity_repository(engine_);
  std::unique_ptr<ObservationRepository> observations_ =
      sqlite::make_observation_repository(engine_);
  std::unique_ptr<AttributionRepository> attribution_ =
      sqlite::make_attribution_repository(engine_);
};

TEST_F(ObservationStoreTest, EmptyStoreAnswersEmpty) {
  EXPECT_TRUE(observations_->latest_observation_per_primitive("nope").empty());
  EXPECT_TRUE(observations_->observations_time_series("nope", "motor.input_modality").empty());
  EXPECT_TRUE(observations_->observations_for_identity_primitive("nope", "x").empty());
  EXPECT_FALSE(observations_->has_observations_for_evidence("session:1"));
  EXPECT_TRUE(observations_->list_observations_by_attacker("nope").empty());
  EXPECT_TRUE(observations_->get_all_observations_for_export().empty());
}

TEST_F(ObservationStoreTest, UpsertRoundTripsEveryField) {
  const auto a = attacker("203.0.113.7");
  auto o = obs(a, "motor.input_modality", R"("typed")", kTs, "shard:web1/ssh/s.jsonl#abc");
  o.id = "0123456789abcdef0123456789abcdef";
  o.identity_ref = "ident";
  o.window_start_ts = 0.5;
  o.window_end_ts = 12.75;
  o.envelope_v = 2;
  EXPECT_EQ(upsert(o), o.id);
  const auto rows = observations_->list_observations_by_attacker(a);
  ASSERT_EQ(rows.size(), 1u);
  const auto& r = rows[0];
  EXPECT_EQ(r.id, o.id);
  EXPECT_EQ(r.identity_ref, "ident");
  EXPECT_EQ(r.primitive, o.primitive);
  EXPECT_EQ(r.value, o.value);
  EXPECT_DOUBLE_EQ(r.confidence, 0.7);
  EXPECT_EQ(r.window_start_ts, 0.5);
  EXPECT_EQ(r.window_end_ts, 12.75);
  EXPECT_EQ(r.source, o.source);
  EXPECT_EQ(r.evidence_ref, o.evidence_ref);
  EXPECT_EQ(r.envelope_v, 2);
  EXPECT_DOUBLE_EQ(r.ts, kTs);
  EXPECT_EQ(r.attacker_uuid, a);
  EXPECT_TRUE(observations_->has_observations_for_evidence(o.evidence_ref));
  EXPECT_FALSE(observations_->has_observations_for_evidence("shard:web1/ssh/s.jsonl#abd"));
}

TEST_F(ObservationStoreTest, MintsHexIdsWhenNoneIsGiven) {
  const auto a = attacker("203.0.113.7");
  const auto id = upsert(obs(a, "motor.input_modality", R"("typed")", kTs));
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{32}"))) << id;
  EXPECT_NE(upsert(obs(a, "motor.input_modality", R"("typed")", kTs, "session:2")), id);
}

TEST_F(ObservationStoreTest, UpsertOnEvidenceAndPrimitiveKeepsIdAndOverwritesTheRest) {
  const auto a = attacker("203.0.113.7");
  const auto b = attacker("203.0.113.8");
  auto o = obs(a, "motor.input_modality", R"("typed")", kTs);
  const auto id = upsert(o);
  EXPECT_EQ(upsert(o), id);  // same id, same key: idempotent
  auto again = obs(b, "motor.input_modality", R"("pasted")", kTs + 5);
  again.id = "ffffffffffffffffffffffffffffffff";
  again.confidence = 0.9;
  again.window_end_ts = 3.0;
  again.source = "replay";
  EXPECT_EQ(upsert(again), id);
  EXPECT_EQ(observation_rows(), 1);
  const auto rows = observations_->get_all_observations_for_export();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, id);
  EXPECT_EQ(rows[0].value, R"("pasted")");
  EXPECT_DOUBLE_EQ(rows[0].confidence, 0.9);
  EXPECT_DOUBLE_EQ(rows[0].ts, kTs + 5);
  EXPECT_EQ(rows[0].window_end_ts, 3.0);
  EXPECT_EQ(rows[0].source, "replay");
  EXPECT_EQ(rows[0].attacker_uuid, b);
  // A different primitive under the same evidence is its own row.
  upsert(obs(a, "motor.cadence", R"("steady")", kTs));
  EXPECT_EQ(observation_rows(), 2);
}

TEST_F(ObservationStoreTest, RefusesInvalidInputAndViolatedConstraints) {
  const auto a = attacker("203.0.113.7");
  EXPECT_EQ(error_kind([&] { upsert(obs(a, "p", "not json", kTs)); }), StoreError::Kind::kInvalid);
  EXPECT_EQ(error_kind([&] { upsert(obs(a, "p", "", kTs)); }), StoreError::Kind::kInvalid);
  auto bad = obs(a, "p", "1", kTs);
  bad.confidence = 1.5;
  EXPECT_EQ(error_kind([&] { upsert(bad); }), StoreError::Kind::kInvalid);
  bad.confidence = std::nan("");
  EXPECT_EQ(error_kind([&] { upsert(bad); }), StoreError::Kind::kInvalid);
  EXPECT_EQ(error_kind([&] { upsert(obs(a, "", "1", kTs)); }), StoreError::Kind::kInvalid);
  EXPECT_EQ(error_kind([&] { upsert(obs(a, "p", "1", kTs, "")); }), StoreError::Kind::kInvalid);
  EXPECT_EQ(error_kind([&] { upsert(obs("no-such-attacker", "p", "1", kTs)); }),
            StoreError::Kind::kConstraint);
  auto first = obs(a, "p", "1", kTs, "session:1");
  first.id = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  upsert(first);
  auto clash = obs(a, "p", "1", kTs, "session:2");  // another key reusing the id
  clash.id = first.id;
  EXPECT_EQ(error_kind([&] { upsert(clash); }), StoreError::Kind::kConstraint);
  EXPECT_EQ(observation_rows(), 1);
}

TEST_F(ObservationStoreTest, EveryValueKindRoundTripsThroughTheJsonColumn) {
  const auto a = attacker("203.0.113.7");
  const std::vector<std::string> values = {
      R"("typed")",
      "42",
      "5007.935",
      "true",
      "false",
      R"(["ls","id"])",
      R"({"k":"v","n":[1,2]})",
      R"("caf\u00e9")",
      "\"\xe2\x86\x92 \xf0\x9f\x94\x91 \\\"quoted\\\" O'Brien\"",
      R"("0cc175b9c0f1b6a8")",
  };
  for (std::size_t i = 0; i < values.size(); ++i) {
    upsert(obs(a, "p" + std::to_string(i), values[i], kTs + static_cast<double>(i)));
  }
  const auto latest = observations_->latest_observation_per_primitive(a);
  ASSERT_EQ(latest.size(), values.size());
  for (const auto& l : latest) {
    const auto index = std::stoul(l.primitive.substr(1));
    EXPECT_EQ(l.value, values[index]);
    EXPECT_TRUE(nlohmann::json::accept(l.value));
  }
}

TEST_F(ObservationStoreTest, LatestPerPrimitiveIsSortedAndDeterministicOnTies) {
  const auto a = attacker("203.0.113.7");
  const auto other = attacker("203.0.113.8");
  upsert(obs(a, "motor.input_modality", R"("typed")", kTs, "session:1"));
  upsert(obs(a, "motor.input_modality", R"("pasted")", kTs + 10, "session:2"));
  upsert(obs(a, "cognitive.planning", R"("stepwise")", kTs + 1, "session:1"));
  upsert(obs(other, "motor.input_modality", R"("mixed")", kTs + 99, "session:9"));
  auto latest = observations_->latest_observation_per_primitive(a);
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0].primitive, "cognitive.planning");
  EXPECT_EQ(latest[1].primitive, "motor.input_modality");
  EXPECT_EQ(latest[1].value, R"("pasted")");
  EXPECT_DOUBLE_EQ(latest[1].ts, kTs + 10);
  EXPECT_DOUBLE_EQ(latest[1].confidence, 0.7);
  EXPECT_EQ(latest[1].source, "decnet/profiler/behave_shell/extract.py");

  // Reference QUIRK: equal ts resolved by whichever row the dict build saw last. Ties now go to
  // the higher confidence, then the greater id, regardless of insertion order.
  auto low = obs(a, "temporal.rhythm", R"("low")", kTs, "session:3");
  low.id = "ffffffffffffffffffffffffffffffff";
  low.confidence = 0.2;
  auto high = obs(a, "temporal.rhythm", R"("high")", kTs, "session:4");
  high.id = "00000000000000000000000000000000";
  high.confidence = 0.8;
  upsert(high);
  upsert(low);
  auto same_conf = obs(a, "temporal.tie", R"("small-id")", kTs, "session:5");
  same_conf.id = "11111111111111111111111111111111";
  auto big_id = obs(a, "temporal.tie", R"("big-id")", kTs, "session:6");
  big_id.id = "22222222222222222222222222222222";
  upsert(big_id);
  upsert(same_conf);
  latest = observations_->latest_observation_per_primitive(a);
  ASSERT_EQ(latest.size(), 4u);
  EXPECT_EQ(latest[2].primitive, "temporal.rhythm");
  EXPECT_EQ(latest[2].value, R"("high")");
  EXPECT_EQ(latest[3].primitive, "temporal.tie");
  EXPECT_EQ(latest[3].value, R"("big-id")");
}

TEST_F(ObservationStoreTest, TimeSeriesIsOldestFirstPerAttackerAndPrimitive) {
  const auto a = attacker("203.0.113.7");
  upsert(obs(a, "motor.input_modality", R"("c")", kTs + 20, "session:3"));
  upsert(obs(a, "motor.input_modality", R"("a")", kTs, "session:1"));
  upsert(obs(a, "motor.input_modality", R"("b")", kTs + 10, "session:2"));
  upsert(obs(a, "motor.cadence", R"("x")", kTs + 5, "session:1"));
  const auto series = observations_->observations_time_series(a, "motor.input_modality");
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[0].value, R"("a")");
  EXPECT_EQ(series[1].value, R"("b")");
  EXPECT_EQ(series[2].value, R"("c")");
  EXPECT_DOUBLE_EQ(series[2].ts, kTs + 20);
  EXPECT_DOUBLE_EQ(series[0].confidence, 0.7);
  EXPECT_TRUE(observations_->observations_time_series(a, "motor.nothing").empty());
}

TEST_F(ObservationStoreTest, IdentitySeriesUnionsTheLiterallyLinkedAttackers) {
  const auto a1 = attacker("203.0.113.1");
  const auto a2 = attacker("203.0.113.2");
  const auto a3 = attacker("203.0.113.3");
  const auto id = engine_.write_now([&](WriteScope& w) {
    const auto i = identities_->create_identity(w, {});
    identities_->link_attacker(w, a1, i);
    identities_->link_attacker(w, a2, i);
    return i;
  });
  upsert(obs(a1, "motor.input_modality", R"("one")", kTs + 2, "session:1"));
  upsert(obs(a2, "motor.input_modality", R"("two")", kTs + 1, "session:2"));
  upsert(obs(a3, "motor.input_modality", R"("three")", kTs, "session:3"));
  upsert(obs(a1, "motor.cadence", R"("steady")", kTs, "session:1"));
  const auto series =
      observations_->observations_for_identity_primitive(id, "motor.input_modality");
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0].value, R"("two")");
  EXPECT_EQ(series[1].value, R"("one")");
}

TEST_F(ObservationStoreTest, ExportListsAreOrderedByWindowEnd) {
  const auto a = attacker("203.0.113.1");
  const auto b = attacker("203.0.113.2");
  auto late = obs(a, "p.late", "1", kTs, "session:1");
  late.window_end_ts = 30.0;
  auto early = obs(a, "p.early", "2", kTs + 50, "session:1");
  early.window_end_ts = 5.0;
  auto none = obs(a, "p.none", "3", kTs, "session:1");
  auto elsewhere = obs(b, "p.other", "4", kTs, "session:2");
  elsewhere.window_end_ts = 10.0;
  for (const auto& o : {late, early, none, elsewhere}) upsert(o);
  std::vector<std::string> order;
  for (const auto& o : observations_->list_observations_by_attacker(a))
    order.push_back(o.primitive);
  EXPECT_EQ(order, (std::vector<std::string>{"p.none", "p.early", "p.late"}));
  order.clear();
  for (const auto& o : observations_->get_all_observations_for_export())
    order.push_back(o.primitive);
  EXPECT_EQ(order, (std::vector<std::string>{"p.none", "p.early", "p.other", "p.late"}));
}

TEST_F(ObservationStoreTest, HostileStringsThroughEveryWritePath) {
  int n = 0;
  for (const auto& s : hostile_strings()) {
    const auto a = attacker("198.51.100." + std::to_string(++n));
    auto o = obs(a, s, json_string(s), kTs, s);
    o.source = s;
    o.identity_ref = s;
    o.id = s;
    EXPECT_EQ(upsert(o), s);
    EXPECT_TRUE(observations_->has_observations_for_evidence(s));
    const auto rows = observations_->list_observations_by_attacker(a);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].primitive, s);
    EXPECT_EQ(rows[0].evidence_ref, s);
    EXPECT_EQ(rows[0].source, s);
    EXPECT_EQ(rows[0].identity_ref, s);
    EXPECT_EQ(nlohmann::json::parse(rows[0].value).get<std::string>(), s);
    EXPECT_EQ(observations_->observations_time_series(a, s).size(), 1u);
    EXPECT_EQ(observations_->latest_observation_per_primitive(a).at(0).primitive, s);

    const auto identity = stub(a);
    ASSERT_TRUE(identity);
    EXPECT_EQ(observations_->observations_for_identity_primitive(*identity, s).size(), 1u);
    AttributionState state;
    state.identity_uuid = *identity;
    state.primitive = s;
    state.current_value = json_string(s);
    state.state = std::string(kAttributionMultiActor);
    put_state(state);
    const auto got = attribution_->get_attribution_state(*identity, s);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->primitive, s);
    EXPECT_EQ(got->current_value, state.current_value);
    EXPECT_FALSE(attribution_->get_attribution_state(s, s));
    EXPECT_EQ(stub(s), std::nullopt);
  }
  EXPECT_EQ(observation_rows(), static_cast<std::int64_t>(hostile_strings().size()));
}

class AttributionStoreTest : public ObservationStoreTest {
 protected:
  AttributionState state(const std::string& identity, const std::string& primitive,
                         std::string_view verdict) {
    AttributionState s;
    s.identity_uuid = identity;
    s.primitive = primitive;
    s.current_value = R"("typed")";
    s.state = std::string(verdict);
    s.confidence = 0.8;
    s.observation_count = 5;
    s.last_change_ts = kTs;
    s.last_observation_ts = kTs + 4;
    return s;
  }
};

TEST_F(AttributionStoreTest, EmptyStoreAnswersEmpty) {
  EXPECT_FALSE(attribution_->get_attribution_state("nope", "p"));
  EXPECT_TRUE(attribution_->get_attribution_state_for_identity("nope").empty());
  EXPECT_TRUE(attribution_->list_multi_actor_identities().empty());
  EXPECT_EQ(stub("nope"), std::nullopt);
}

// Reference QUIRK: stub identities were minted as bare hex uuids while the clusterer minted
// dashed ones. Stubs are dashed uuid4s now.
TEST_F(AttributionStoreTest, StubIdentityIsDashedOneToOneAndIdempotent) {
  const auto a = attacker("203.0.113.9", kT0, kT0 + 60);
  const auto first = stub(a);
  ASSERT_TRUE(first);
  EXPECT_TRUE(std::regex_match(
      *first, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << *first;
  EXPECT_EQ(stub(a), first);
  EXPECT_EQ(attackers_->get(a)->identity_id, first);
  const auto identity = identities_->get_identity_by_uuid(*first);
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->first_seen_at, kT0);
  EXPECT_EQ(identity->last_seen_at, kT0 + 60);
  EXPECT_EQ(identity->observation_count, 1);
  EXPECT_EQ(identities_->count_identities(), 1);

  // An attacker the clusterer already linked keeps that identity.
  const auto b = attacker("203.0.113.10");
  const auto clustered = engine_.write_now([&](WriteScope& w) {
    const auto i = identities_->create_identity(w, {});
    identities_->link_attacker(w, b, i);
    return i;
  });
  EXPECT_EQ(stub(b), clustered);
  EXPECT_EQ(identities_->count_identities(), 2);
}

TEST_F(AttributionStoreTest, UpsertIsIdempotentAndOverwrites) {
  const auto id = *stub(attacker("203.0.113.9"));
  auto s = state(id, "motor.input_modality", kAttributionStable);
  put_state(s);
  put_state(s);
  auto got = attribution_->get_attribution_state(id, "motor.input_modality");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->identity_uuid, id);
  EXPECT_EQ(got->current_value, R"("typed")");
  EXPECT_EQ(got->state, "stable");
  EXPECT_DOUBLE_EQ(got->confidence, 0.8);
  EXPECT_EQ(got->observation_count, 5);
  EXPECT_EQ(got->last_change_ts, kTs);
  EXPECT_EQ(got->last_observation_ts, kTs + 4);
  EXPECT_EQ(got->schema_version, 1);
  EXPECT_GT(got->updated_at, 0);
  s.state = std::string(kAttributionDrifting);
  s.current_value = std::nullopt;
  s.last_change_ts = std::nullopt;
  s.observation_count = 6;
  put_state(s);
  got = attribution_->get_attribution_state(id, "motor.input_modality");
  EXPECT_EQ(got->state, "drifting");
  EXPECT_FALSE(got->current_value);
  EXPECT_FALSE(got->last_change_ts);
  EXPECT_EQ(got->observation_count, 6);
  EXPECT_EQ(attribution_->get_attribution_state_for_identity(id).size(), 1u);
}

TEST_F(AttributionStoreTest, JsonValuesWithNonAsciiAndQuotesRoundTrip) {
  const auto id = *stub(attacker("203.0.113.9"));
  auto s = state(id, "environmental.locale", kAttributionStable);
  s.current_value = "{\"v\":\"caf\xc3\xa9 \\\"q\\\" \xe2\x86\x92\",\"n\":[1.5,true,null]}";
  put_state(s);
  EXPECT_EQ(attribution_->get_attribution_state(id, "environmental.locale")->current_value,
            s.current_value);
}

TEST_F(AttributionStoreTest, RefusesUnknownStatesIdentitiesAndBadJson) {
  const auto id = *stub(attacker("203.0.113.9"));
  EXPECT_EQ(error_kind([&] { put_state(state(id, "p", "human")); }), StoreError::Kind::kConstraint);
  EXPECT_EQ(error_kind([&] { put_state(state("no-such", "p", kAttributionStable)); }),
            StoreError::Kind::kConstraint);
  auto bad = state(id, "p", kAttributionStable);
  bad.current_value = "{unterminated";
  EXPECT_EQ(error_kind([&] { put_state(bad); }), StoreError::Kind::kInvalid);
  EXPECT_TRUE(attribution_->get_attribution_state_for_identity(id).empty());
}

TEST_F(AttributionStoreTest, StateForIdentityIsSortedByPrimitive) {
  const auto id = *stub(attacker("203.0.113.9"));
  const auto other = *stub(attacker("203.0.113.10"));
  put_state(state(id, "motor.input_modality", kAttributionStable));
  put_state(state(id, "cognitive.planning", kAttributionUnknown));
  put_state(state(id, "temporal.rhythm", kAttributionConflicted));
  put_state(state(other, "motor.input_modality", kAttributionStable));
  const auto rows = attribution_->get_attribution_state_for_identity(id);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].primitive, "cognitive.planning");
  EXPECT_EQ(rows[1].primitive, "motor.input_modality");
  EXPECT_EQ(rows[2].primitive, "temporal.rhythm");
  EXPECT_EQ(rows[2].state, "conflicted");
}

TEST_F(AttributionStoreTest, MultiActorIdentitiesNeedTwoFlaggedPrimitives) {
  const auto one = *stub(attacker("203.0.113.1"));
  const auto two = *stub(attacker("203.0.113.2"));
  const auto three = *stub(attacker("203.0.113.3"));
  put_state(state(one, "motor.a", kAttributionMultiActor));
  put_state(state(one, "motor.b", kAttributionStable));
  put_state(state(two, "motor.z", kAttributionMultiActor));
  put_state(state(two, "motor.a", kAttributionMultiActor));
  put_state(state(three, "motor.c", kAttributionMultiActor));
  put_state(state(three, "motor.b", kAttributionMultiActor));
  put_state(state(three, "motor.a", kAttributionMultiActor));
  auto found = attribution_->list_multi_actor_identities();
  std::sort(found.begin(), found.end(),
            [](const auto& x, const auto& y) { return x.primitives.size() < y.primitives.size(); });
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].identity_uuid, two);
  EXPECT_EQ(found[0].primitives, (std::vector<std::string>{"motor.a", "motor.z"}));
  EXPECT_EQ(found[1].identity_uuid, three);
  EXPECT_EQ(found[1].primitives, (std::vector<std::string>{"motor.a", "motor.b", "motor.c"}));
  const auto all = attribution_->list_multi_actor_identities(1);
  EXPECT_EQ(all.size(), 3u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(), [](const auto& x, const auto& y) {
    return x.identity_uuid < y.identity_uuid;
  }));
  EXPECT_TRUE(attribution_->list_multi_actor_identities(4).empty());
}

TEST_F(AttributionStoreTest, DeletingAnIdentityCascadesItsState) {
  const auto a = attacker("203.0.113.9");
  const auto id = *stub(a);
  put_state(state(id, "motor.a", kAttributionStable));
  engine_.write_now([&](WriteScope& w) {
    auto& conn = sqlite::connection_of(w);
    conn.prepare("UPDATE attackers SET identity_id = NULL WHERE uuid = ?").bind_all(a).run();
    conn.prepare("DELETE FROM attacker_identities WHERE uuid = ?").bind_all(id).run();
  });
  EXPECT_FALSE(attribution_->get_attribution_state(id, "motor.a"));
}

}  // namespace
}  // namespace decnet::store
