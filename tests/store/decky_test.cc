// Fleet deckies, their per-service config and tarpit rules on SQLite: keys per host, the state
// vocabulary, JSON documents, cascades, and the tarpit's one-rule-per-decky upsert.
#include <gtest/gtest.h>

#include "core/time.h"
#include "store/decky_repository.h"
#include "store/sqlite/domains.h"
#include "store/sqlite/engine.h"
#include "store/store_error.h"
#include "store_fixture.h"

namespace decnet::store {
namespace {

using nlohmann::json;

FleetDecky decky(std::string name, std::string host = "local") {
  FleetDecky d;
  d.host_uuid = std::move(host);
  d.name = std::move(name);
  d.services = {"ssh", "http"};
  d.decky_config = {{"name", d.name}, {"ip", "10.0.0.5"}, {"services", d.services}};
  d.decky_ip = "10.0.0.5";
  return d;
}

TarpitRuleInput rule(std::string decky_name, std::vector<int> ports, std::int64_t delay = 1000) {
  TarpitRuleInput r;
  r.decky_name = std::move(decky_name);
  r.ports = std::move(ports);
  r.delay_ms = delay;
  r.created_by = "operator-uuid";
  return r;
}

class DeckyStoreTest : public DomainStoreTest {
 protected:
  bool upsert(const FleetDecky& d) {
    return write([&](WriteScope& w) { return deckies_->upsert_fleet_decky(w, d); });
  }

  void upsert_service(const DeckyService& s) {
    write([&](WriteScope& w) {
      deckies_->upsert_decky_service(w, s);
      return 0;
    });
  }

  bool set_state(const std::string& host, const std::string& name, const std::string& state,
                 std::optional<std::string> error = std::nullopt) {
    return write([&](WriteScope& w) {
      return deckies_->update_fleet_decky_state(w, host, name, state, error);
    });
  }

  TarpitRule set_rule(const TarpitRuleInput& r) {
    return write([&](WriteScope& w) { return tarpits_->set_tarpit_rule(w, r); });
  }

  std::unique_ptr<DeckyRepository> deckies_ = sqlite::make_decky_repository(engine_);
  std::unique_ptr<TarpitRepository> tarpits_ = sqlite::make_tarpit_repository(engine_);
};

TEST_F(DeckyStoreTest, UpsertInsertsThenReplacesAndRoundTrips) {
  auto d = decky("web-01");
  d.decky_config["hostname"] = "caf\xc3\xa9 \"quoted\" \xe2\x86\x92";
  d.decky_config["service_config"] = {{"ssh", {{"banner", "SSH-2.0-OpenSSH_9.2p1 'x'"}}}};
  d.compose_hash = "abc123";
  d.last_seen = 1'700'000'000'000'000;
  const auto before = core::now_micros();
  EXPECT_TRUE(upsert(d));
  auto row = deckies_->get_fleet_decky("local", "web-01");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->host_uuid, "local");
  EXPECT_EQ(row->name, "web-01");
  EXPECT_EQ(row->services, d.services);
  EXPECT_EQ(row->decky_config, d.decky_config);
  EXPECT_EQ(row->decky_ip, "10.0.0.5");
  EXPECT_EQ(row->state, "pending");
  EXPECT_FALSE(row->last_error);
  EXPECT_EQ(row->compose_hash, "abc123");
  EXPECT_EQ(row->last_seen, d.last_seen);
  EXPECT_GE(row->updated_at, before);

  d.services = {"smtp"};
  d.decky_config = {{"name", "web-01"}, {"services", {"smtp"}}};
  d.state = "running";
  d.decky_ip.reset();
  d.compose_hash.reset();
  d.last_error = "old";
  EXPECT_FALSE(upsert(d));
  row = deckies_->get_fleet_decky("local", "web-01");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->services, std::vector<std::string>{"smtp"});
  EXPECT_EQ(row->decky_config, d.decky_config);
  EXPECT_EQ(row->state, "running");
  EXPECT_FALSE(row->decky_ip);
  EXPECT_FALSE(row->compose_hash);
  EXPECT_EQ(row->last_error, "old");
  EXPECT_EQ(deckies_->list_fleet_deckies(std::nullopt).size(), 1u);
}

TEST_F(DeckyStoreTest, UnknownRowsGiveEmptyAnswers) {
  EXPECT_FALSE(deckies_->get_fleet_decky("local", "nope"));
  EXPECT_TRUE(deckies_->list_fleet_deckies(std::nullopt).empty());
  EXPECT_TRUE(deckies_->list_fleet_deckies("local").empty());
  EXPECT_TRUE(deckies_->list_running_fleet_deckies().empty());
  EXPECT_FALSE(set_state("local", "nope", "running"));
  EXPECT_FALSE(
      write([&](WriteScope& w) { return deckies_->delete_fleet_decky(w, "local", "nope"); }));
  EXPECT_FALSE(deckies_->get_decky_service("local", "nope", "ssh"));
  EXPECT_TRUE(deckies_->list_decky_services("local", "nope").empty());
  EXPECT_FALSE(write(
      [&](WriteScope& w) { return deckies_->delete_decky_service(w, "local", "nope", "ssh"); }));
  EXPECT_FALSE(tarpits_->get_tarpit_rule("nope"));
  EXPECT_TRUE(tarpits_->list_tarpit_rules().empty());
  EXPECT_FALSE(write([&](WriteScope& w) { return tarpits_->delete_tarpit_rule(w, "nope"); }));
}

TEST_F(DeckyStoreTest, EmptyHostMeansLocalAndHostsKeepSeparateRows) {
  upsert(decky("b-decky", ""));
  upsert(decky("a-decky", "host-2"));
  upsert(decky("b-decky", "host-2"));
  EXPECT_TRUE(deckies_->get_fleet_decky("", "b-decky"));
  EXPECT_EQ(deckies_->get_fleet_decky("local", "b-decky")->host_uuid, "local");
  const auto all = deckies_->list_fleet_deckies(std::nullopt);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "a-decky");
  EXPECT_EQ(all[1].host_uuid, "host-2");
  EXPECT_EQ(all[2].host_uuid, "local");
  const auto host2 = deckies_->list_fleet_deckies("host-2");
  ASSERT_EQ(host2.size(), 2u);
  EXPECT_EQ(host2[1].name, "b-decky");
  EXPECT_EQ(deckies_->list_fleet_deckies("local").size(), 1u);
  EXPECT_TRUE(
      write([&](WriteScope& w) { return deckies_->delete_fleet_decky(w, "host-2", "b-decky"); }));
  EXPECT_TRUE(deckies_->get_fleet_decky("local", "b-decky"));
}

TEST_F(DeckyStoreTest, StatesOutsideTheVocabularyAreConstraintErrors) {
  for (const char* state : {"pending", "running", "failed", "torn_down", "degraded", "tearing_down",
                            "teardown_failed"}) {
    auto d = decky(std::string("d-") + state);
    d.state = state;
    EXPECT_TRUE(upsert(d)) << state;
  }
  auto bad = decky("bad");
  bad.state = "Running";
  EXPECT_EQ(error_kind([&] { upsert(bad); }), StoreError::Kind::kConstraint);
  EXPECT_FALSE(deckies_->get_fleet_decky("local", "bad"));
  bad = decky("d-running");
  bad.state = "exploded";
  EXPECT_EQ(error_kind([&] { upsert(bad); }), StoreError::Kind::kConstraint);
  EXPECT_EQ(error_kind([&] { set_state("local", "d-running", "up"); }),
            StoreError::Kind::kConstraint);
  EXPECT_EQ(deckies_->get_fleet_decky("local", "d-running")->state, "running");
}

TEST_F(DeckyStoreTest, NonObjectConfigsAreRefused) {
  auto d = decky("x");
  d.decky_config = json::array({1, 2});
  EXPECT_EQ(error_kind([&] { upsert(d); }), StoreError::Kind::kInvalid);
  upsert(decky("x"));
  DeckyService s{"local", "x", "ssh", json("a string"), 0};
  EXPECT_EQ(error_kind([&] { upsert_service(s); }), StoreError::Kind::kInvalid);
  EXPECT_TRUE(deckies_->list_decky_services("local", "x").empty());
}

TEST_F(DeckyStoreTest, StateUpdateStampsLastSeenAndKeepsTheErrorUnlessGiven) {
  upsert(decky("a"));
  upsert(decky("b"));
  const auto before = core::now_micros();
  EXPECT_TRUE(set_state("local", "a", "failed", "compose up: exit 1 \"boom\""));
  auto row = deckies_->get_fleet_decky("local", "a");
  EXPECT_EQ(row->state, "failed");
  EXPECT_EQ(row->last_error, "compose up: exit 1 \"boom\"");
  ASSERT_TRUE(row->last_seen);
  EXPECT_GE(*row->last_seen, before);
  EXPECT_EQ(row->updated_at, *row->last_seen);
  EXPECT_EQ(row->decky_config, decky("a").decky_config);

  EXPECT_TRUE(set_state("", "a", "running"));
  row = deckies_->get_fleet_decky("local", "a");
  EXPECT_EQ(row->state, "running");
  EXPECT_EQ(row->last_error, "compose up: exit 1 \"boom\"");
  set_state("local", "b", "degraded");
  const auto running = deckies_->list_running_fleet_deckies();
  ASSERT_EQ(running.size(), 1u);
  EXPECT_EQ(running[0].name, "a");
}

TEST_F(DeckyStoreTest, ServiceConfigsUpsertListAndNeedTheirDecky) {
  upsert(decky("web"));
  DeckyService ssh{"local", "web", "ssh", {{"banner", "\xc3\xa9t\xc3\xa9 \"q\" 'x'"}}, 0};
  DeckyService http{"", "web", "http", json::object(), 0};
  const auto before = core::now_micros();
  upsert_service(ssh);
  upsert_service(http);
  auto got = deckies_->get_decky_service("local", "web", "ssh");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->config, ssh.config);
  EXPECT_EQ(got->host_uuid, "local");
  EXPECT_GE(got->updated_at, before);

  ssh.config = {{"port", 2222}};
  upsert_service(ssh);
  EXPECT_EQ(deckies_->get_decky_service("local", "web", "ssh")->config, ssh.config);
  const auto list = deckies_->list_decky_services("local", "web");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].service_name, "http");
  EXPECT_EQ(list[1].service_name, "ssh");

  DeckyService orphan{"local", "ghost", "ssh", json::object(), 0};
  EXPECT_EQ(error_kind([&] { upsert_service(orphan); }), StoreError::Kind::kConstraint);
  DeckyService other_host{"host-2", "web", "ssh", json::object(), 0};
  EXPECT_EQ(error_kind([&] { upsert_service(other_host); }), StoreError::Kind::kConstraint);

  EXPECT_TRUE(write(
      [&](WriteScope& w) { return deckies_->delete_decky_service(w, "local", "web", "http"); }));
  EXPECT_EQ(deckies_->list_decky_services("local", "web").size(), 1u);
}

// INSERT OR REPLACE would delete the decky row and cascade its services away.
TEST_F(DeckyStoreTest, ReUpsertingADeckyKeepsItsServicesButDeleteCascades) {
  upsert(decky("web"));
  upsert_service({"local", "web", "ssh", {{"k", "v"}}, 0});
  auto d = decky("web");
  d.state = "running";
  upsert(d);
  EXPECT_EQ(deckies_->list_decky_services("local", "web").size(), 1u);
  EXPECT_TRUE(write([&](WriteScope& w) { return deckies_->delete_fleet_decky(w, "", "web"); }));
  EXPECT_TRUE(deckies_->list_decky_services("local", "web").empty());
  EXPECT_FALSE(deckies_->get_fleet_decky("local", "web"));
}

TEST_F(DeckyStoreTest, TarpitRuleIsOnePerDeckyAndReEnableReplacesItsParameters) {
  const auto before = core::now_micros();
  const auto first = set_rule(rule("web-01", {22, 80}, 5000));
  EXPECT_EQ(first.id.size(), 36u);
  EXPECT_EQ(first.decky_name, "web-01");
  EXPECT_EQ(first.ports, (std::vector<int>{22, 80}));
  EXPECT_EQ(first.delay_ms, 5000);
  EXPECT_EQ(first.created_by, "operator-uuid");
  EXPECT_GE(first.created_at, before);

  auto again = rule("web-01", {443}, 200);
  again.created_by.reset();
  const auto second = set_rule(again);
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(second.ports, std::vector<int>{443});
  EXPECT_EQ(second.delay_ms, 200);
  EXPECT_FALSE(second.created_by);
  EXPECT_GE(second.created_at, first.created_at);
  const auto stored = tarpits_->get_tarpit_rule("web-01");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->id, first.id);
  EXPECT_EQ(stored->ports, std::vector<int>{443});
  EXPECT_EQ(tarpits_->list_tarpit_rules().size(), 1u);
}

TEST_F(DeckyStoreTest, TarpitPortsAreValidatedAndDeduplicated) {
  for (const auto& ports : std::vector<std::vector<int>>{{}, {0}, {65536}, {-1}, {22, 70000}}) {
    EXPECT_EQ(error_kind([&] { set_rule(rule("d", ports)); }), StoreError::Kind::kInvalid);
  }
  EXPECT_FALSE(tarpits_->get_tarpit_rule("d"));
  EXPECT_EQ(set_rule(rule("d", {1, 65535, 1, 80, 65535})).ports, (std::vector<int>{1, 65535, 80}));
  EXPECT_EQ(error_kind([&] { set_rule(rule("d", {22}, -1)); }), StoreError::Kind::kConstraint);
  EXPECT_EQ(error_kind([&] { set_rule(rule("e", {22}, -5)); }), StoreError::Kind::kConstraint);
  EXPECT_EQ(tarpits_->get_tarpit_rule("d")->delay_ms, 1000);
  EXPECT_EQ(set_rule(rule("zero", {22}, 0)).delay_ms, 0);
}

TEST_F(DeckyStoreTest, TarpitRulesListByDeckyAndDelete) {
  set_rule(rule("t:topo-1:mail", {25}));
  set_rule(rule("alpha", {22}));
  set_rule(rule("mid", {80}));
  const auto rules = tarpits_->list_tarpit_rules();
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].decky_name, "alpha");
  EXPECT_EQ(rules[2].decky_name, "t:topo-1:mail");
  EXPECT_TRUE(write([&](WriteScope& w) { return tarpits_->delete_tarpit_rule(w, "mid"); }));
  EXPECT_FALSE(write([&](WriteScope& w) { return tarpits_->delete_tarpit_rule(w, "mid"); }));
  EXPECT_FALSE(tarpits_->get_tarpit_rule("mid"));
  EXPECT_EQ(tarpits_->list_tarpit_rules().size(), 2u);
}

TEST_F(DeckyStoreTest, HostileStringsSurviveEveryWritePath) {
  int n = 0;
  for (const auto& h : hostile_strings()) {
    SCOPED_TRACE(n);
    const auto name = h + std::to_string(n++);
    FleetDecky d;
    d.host_uuid = h;
    d.name = name;
    d.services = {h, "ssh"};
    d.decky_config = {{"name", h}, {h, {{"nested", h}}}};
    d.decky_ip = h;
    d.last_error = h;
    d.compose_hash = h;
    EXPECT_TRUE(upsert(d));
    auto row = deckies_->get_fleet_decky(h, name);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->services, d.services);
    EXPECT_EQ(row->decky_config, d.decky_config);
    EXPECT_EQ(row->decky_ip, h);
    EXPECT_EQ(row->last_error, h);
    EXPECT_EQ(row->compose_hash, h);
    EXPECT_EQ(deckies_->list_fleet_deckies(h).size(), 1u);
    EXPECT_TRUE(set_state(h, name, "failed", h + "!"));
    EXPECT_EQ(deckies_->get_fleet_decky(h, name)->last_error, h + "!");

    DeckyService s{h, name, h, {{h, h}}, 0};
    upsert_service(s);
    const auto svc = deckies_->get_decky_service(h, name, h);
    ASSERT_TRUE(svc);
    EXPECT_EQ(svc->config, s.config);

    auto r = rule(name, {22});
    r.created_by = h;
    set_rule(r);
    const auto got = tarpits_->get_tarpit_rule(name);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->created_by, h);
  }
  EXPECT_EQ(deckies_->list_fleet_deckies(std::nullopt).size(), hostile_strings().size());
  EXPECT_EQ(tarpits_->list_tarpit_rules().size(), hostile_strings().size());
}

}  // namespace
}  // namespace decnet::store
