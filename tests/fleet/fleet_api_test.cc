// The fleet through `decnet serve`: deploy over the API into real namespaces, read it back with
// secrets masked, the reference's 409s and the 422s of a bad body, a decky killed behind the
// master's back started again by the fleet check, one frozen marked degraded, a fleet whose
// namespaces vanished (a reboot) made again when serve restarts, and DELETE leaving nothing.
#include <gtest/gtest.h>
#include <signal.h>

#include <random>

#include "decky/fleet/decky_launcher.h"
#include "decky/fleet/namespace_network.h"
#include "serve_support.h"
#include "tests_support.h"

namespace decnet::fleet {
namespace {

using namespace decnet::testing;

class FleetApi : public ::testing::Test {
 protected:
  std::string tag_ = [] {
    std::mt19937 rng{std::random_device{}()};
    return std::to_string(rng() % 900000 + 100000);
  }();
  std::string net_ = "10.234." + std::to_string(std::stoi(tag_) % 200 + 20) + ".";
  std::string bridge_ = "dna" + tag_;
  std::vector<std::string> names_ = {"api" + tag_, "db" + tag_};

  void TearDown() override {
    const decky::NamespaceNetwork network(bridge_);
    for (const auto& name : names_) network.remove_decky(name);
    network.remove_bridge_if_empty();
  }

  std::string deploy_body(const std::string& ini, bool replace = false) const {
    return nlohmann::json{{"ini_content", ini}, {"replace_fleet", replace}}.dump();
  }

  static bool answers(const std::string& url) {
    const auto r = run_command({"curl", "-s", "-o", "/dev/null", "--max-time", "2", url});
    return r.status != 7 && r.status != 28;
  }
  // redis answers nothing until asked: PING it.
  static bool redis_answers(const std::string& ip) {
    const auto r = run_command(
        {"bash", "-c",
         "exec 3<>/dev/tcp/" + ip + "/6379 && printf 'PING\\r\\n' >&3 && head -c 5 <&3"},
        {}, std::chrono::seconds(3));
    return r.output.find("+PONG") != std::string::npos || r.output.find("-NOAU") == 0;
  }
};

TEST_F(FleetApi, DeployReadConflictsRecoveryAndTeardown) {
  decky::NamespaceNetwork(bridge_).ensure_bridge(net_ + "1", 24);
  const int relp_port = free_port();
  ServeProcess serve({{"DECNET_SYSLOG_RELP_ENABLED", "true"},
                      {"DECNET_SYSLOG_RELP_HOST", net_ + "1"},
                      {"DECNET_SYSLOG_RELP_PORT", std::to_string(relp_port)},
                      {"DECNET_FLEET_BRIDGE", bridge_},
                      {"DECNET_FLEET_CHECK_SECONDS", "1"}});
  ASSERT_TRUE(serve.wait_ready()) << serve.output();

  const std::string ini = "[general]\nnet = " + net_ + "0/24\ngw = " + net_ + "1\n[" + names_[0] +
                          "]\nservices = http, ssh\n[" + names_[0] +
                          ".ssh]\npassword = s3cret-root\n[" + names_[1] +
                          "]\nservices = redis\nip = " + net_ + "30\n";
  const auto deployed = serve.api("POST", "/api/v1/deckies/deploy", deploy_body(ini));
  ASSERT_EQ(deployed.status, 201) << deployed.raw << serve.output();
  EXPECT_EQ(deployed.body["deployed"].size(), 2u) << deployed.raw;
  EXPECT_EQ(deployed.body["message"], "Deployed 2 of 2 deckies");

  const auto listed = serve.api("GET", "/api/v1/deckies");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.body.size(), 2u) << listed.raw;
  EXPECT_EQ(listed.raw.find("s3cret-root"), std::string::npos) << "a secret left the server";
  const auto one = serve.api("GET", "/api/v1/deckies/" + names_[0]);
  ASSERT_EQ(one.status, 200) << one.raw;
  EXPECT_EQ(one.body["state"], "running");
  EXPECT_EQ(one.body["service_config"]["ssh"]["password"], "********");
  EXPECT_EQ(one.body.count("pid"), 0u);
  const auto web = one.body["ip"].get<std::string>();
  EXPECT_TRUE(answers("http://" + web + "/"));
  EXPECT_TRUE(redis_answers(net_ + "30"));

  // The reference's conflicts, before anything is made.
  const auto again = serve.api("POST", "/api/v1/deckies/deploy", deploy_body(ini));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body["detail"], "decky '" + names_[0] +
                                      "' already exists; submit with replace_fleet=true to "
                                      "replace the fleet, or tear it down first");
  const auto taken =
      serve.api("POST", "/api/v1/deckies/deploy",
                deploy_body("[x" + tag_ + "]\nservices = ftp\nip = " + net_ + "30\n"));
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(taken.body["detail"], "IP " + net_ + "30 is already in use by an existing decky");
  const auto extra = serve.api("POST", "/api/v1/deckies/deploy",
                               R"({"ini_content": "[a]\nservices = ftp\n", "force": true})");
  EXPECT_EQ(extra.status, 422);
  EXPECT_EQ(extra.body["errors"][0]["field"], "force") << extra.raw;
  EXPECT_EQ(serve.api("GET", "/api/v1/deckies/No_Such").status, 422);
  EXPECT_EQ(serve.api("GET", "/api/v1/deckies/nosuch").status, 404);

  // A decky killed behind the master's back is started again by the fleet check.
  const auto pid_of = [&](const std::string& name) {
    return static_cast<pid_t>(
        sqlite_int(serve.db(),
                   "SELECT json_extract(decky_config, '$.pid') FROM fleet_deckies "
                   "WHERE name = '" +
                       name + "'")
            .value_or(0));
  };
  const pid_t killed = pid_of(names_[1]);
  ASSERT_TRUE(decky::decky_running(killed));
  ::kill(killed, SIGKILL);
  EXPECT_TRUE(wait_until(
      [&] {
        const auto pid = pid_of(names_[1]);
        return pid != killed && decky::decky_running(pid) && redis_answers(net_ + "30");
      },
      std::chrono::seconds(30)))
      << serve.output();

  // A decky alive but silent (stopped: no heartbeat) is marked degraded, and running again once
  // it beats again.
  const pid_t frozen = pid_of(names_[1]);
  ::kill(frozen, SIGSTOP);
  EXPECT_TRUE(wait_until(
      [&] { return serve.api("GET", "/api/v1/deckies/" + names_[1]).body["state"] == "degraded"; },
      std::chrono::seconds(40)));
  ::kill(frozen, SIGCONT);
  EXPECT_TRUE(wait_until(
      [&] { return serve.api("GET", "/api/v1/deckies/" + names_[1]).body["state"] == "running"; },
      std::chrono::seconds(20)));
  EXPECT_EQ(pid_of(names_[1]), frozen);

  // A reboot takes processes and namespaces; serve's start brings the fleet back.
  serve.child().stop(SIGTERM, std::chrono::seconds(60));
  for (const auto& name : names_) {
    decky::stop_decky(pid_of(name));
    decky::NamespaceNetwork(bridge_).remove_decky(name);
  }
  EXPECT_FALSE(answers("http://" + web + "/"));
  serve.restart();
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  EXPECT_TRUE(wait_until([&] { return answers("http://" + web + "/"); }, std::chrono::seconds(30)))
      << serve.output();
  EXPECT_TRUE(wait_until(
      [&] { return serve.api("GET", "/api/v1/deckies/" + names_[1]).body["state"] == "running"; }));

  for (const auto& name : names_) {
    const pid_t pid = pid_of(name);
    EXPECT_EQ(serve.api("DELETE", "/api/v1/deckies/" + name).status, 204);
    EXPECT_FALSE(decky::decky_running(pid));
  }
  EXPECT_EQ(serve.api("DELETE", "/api/v1/deckies/" + names_[0]).status, 404);
  EXPECT_EQ(serve.api("GET", "/api/v1/deckies").body.size(), 0u);
  EXPECT_NE(run_command({"ip", "link", "show", "dev", bridge_}).status, 0) << "bridge left";
}

}  // namespace
}  // namespace decnet::fleet
