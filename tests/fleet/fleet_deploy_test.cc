// `decnet deploy` and `decnet teardown` for real on this host: three deckies from one INI, each
// in a namespace of its own on a fresh bridge with its own address, MAC and host name, attacked
// from the host with curl over the fleet network while a `decnet serve` listening on the
// gateway records what they report; then torn down, leaving no namespace, veth, bridge or
// process behind.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "decky/fleet/decky_launcher.h"
#include "decky/fleet/namespace_network.h"
#include "serve_support.h"
#include "tests_support.h"

namespace decnet::fleet {
namespace {

using namespace decnet::testing;

class FleetDeploy : public ::testing::Test {
 protected:
  std::string tag_ = [] {
    std::mt19937 rng{std::random_device{}()};
    return std::to_string(rng() % 900000 + 100000);
  }();
  std::string net_ = "10.233." + std::to_string(std::stoi(tag_) % 200 + 20) + ".";
  std::string bridge_ = "dnf" + tag_;
  std::vector<std::string> names_ = {"web" + tag_, "mail" + tag_, "files" + tag_};
  TempDir dir_;

  std::map<std::string, std::string> cli_env(const ServeProcess& serve, int relp_port) const {
    return {{"DECNET_DATA_DIR", serve.data_dir().string()},
            {"DECNET_CONFIG", (dir_ / "none.ini").string()},
            {"DECNET_FLEET_BRIDGE", bridge_},
            {"DECNET_SYSLOG_RELP_ENABLED", "true"},
            {"DECNET_SYSLOG_RELP_HOST", net_ + "1"},
            {"DECNET_SYSLOG_RELP_PORT", std::to_string(relp_port)}};
  }

  void TearDown() override {
    const decky::NamespaceNetwork network(bridge_);
    for (const auto& name : names_) network.remove_decky(name);
    network.remove_bridge_if_empty();
  }
};

TEST_F(FleetDeploy, ThreeDeckiesAreDeployedAttackedAndTornDownLeavingNothing) {
  // The master listens on the gateway, so the bridge holding it comes first; deploy finds it.
  decky::NamespaceNetwork(bridge_).ensure_bridge(net_ + "1", 24);
  const int relp_port = free_port();
  ServeProcess serve({{"DECNET_SYSLOG_RELP_ENABLED", "true"},
                      {"DECNET_SYSLOG_RELP_HOST", net_ + "1"},
                      {"DECNET_SYSLOG_RELP_PORT", std::to_string(relp_port)}});
  ASSERT_TRUE(serve.wait_ready()) << serve.output();

  const auto ini = dir_ / "fleet.ini";
  std::ofstream(ini) << "[general]\nnet = " << net_ << "0/24\ngw = " << net_ << "1\n[" << names_[0]
                     << "]\nservices = http, ssh\n[" << names_[1]
                     << "]\nservices = smtp, imap\nip = " << net_ << "20\n[" << names_[2]
                     << "]\nservices = ftp\n";
  const auto env = cli_env(serve, relp_port);
  const auto deployed = run_command({decnet_binary(), "deploy", ini.string()}, env);
  ASSERT_EQ(deployed.status, 0) << deployed.output;
  EXPECT_NE(deployed.output.find(names_[1] + " " + net_ + "20 running smtp,imap"),
            std::string::npos)
      << deployed.output;

  const auto db = serve.data_dir() / "decnet.db";
  const auto ip_of = [&](const std::string& name) {
    return sqlite_value(db, "SELECT decky_ip FROM fleet_deckies WHERE name = '" + name + "'")
        .value_or("");
  };
  const auto web = ip_of(names_[0]);
  const auto files = ip_of(names_[2]);
  ASSERT_FALSE(web.empty());
  EXPECT_EQ(ip_of(names_[1]), net_ + "20");
  EXPECT_EQ(sqlite_int(db, "SELECT count(*) FROM fleet_deckies WHERE state = 'running'"), 3);
  EXPECT_EQ(
      sqlite_int(db, "SELECT count(*) FROM decky_services WHERE decky_name = '" + names_[0] + "'"),
      2);

  // Deploy learnt the deckies were up from their heartbeats, not by connecting: once their
  // start-up lines are in, no attacker has been recorded.
  EXPECT_TRUE(wait_until([&] {
    return sqlite_int(db, "SELECT count(DISTINCT decky) FROM logs WHERE event_type = 'startup'")
               .value_or(0) == 3;
  })) << serve.output();
  EXPECT_EQ(sqlite_int(db, "SELECT count(*) FROM attackers"), 0)
      << sqlite_value(db,
                      "SELECT group_concat(decky || ' ' || service || ' ' || event_type || ' ' || "
                      "coalesce(attacker_ip, '-'), '; ') FROM logs")
             .value_or("");

  // Each decky answers from its own address, with its own MAC and host name.
  const auto page = run_command({"curl", "-s", "-i", "--max-time", "5", "http://" + web + "/"});
  EXPECT_NE(page.output.find("HTTP/1.1 200"), std::string::npos) << page.output;
  const auto link = run_command({"ip", "-n", "decnet-" + names_[0], "link", "show", "eth0"});
  EXPECT_NE(link.output.find(decky::NamespaceNetwork::mac_of(names_[0])), std::string::npos)
      << link.output;
  const auto pid = sqlite_value(db,
                                "SELECT json_extract(decky_config, '$.pid') FROM "
                                "fleet_deckies WHERE name = '" +
                                    names_[2] + "'")
                       .value_or("0");
  EXPECT_EQ(run_command({"nsenter", "-t", pid, "-u", "hostname"}).output, names_[2] + "\n");
  run_command({"curl", "-s", "--max-time", "5", "ftp://" + files + "/", "--user", "root:toor1"});
  run_command(
      {"curl", "-s", "--max-time", "5", "imap://" + net_ + "20/", "--user", "alice:imap-secret"});

  // The master has each decky's lines, the attacker being the host's side of the bridge.
  for (const auto& [name, secret] : {std::pair{names_[2], "toor1"}, {names_[1], "imap-secret"}}) {
    EXPECT_TRUE(wait_until(
        [&] {
          return sqlite_int(db, "SELECT count(*) FROM credentials WHERE decky_name = '" + name +
                                    "' AND secret_printable = '" + secret +
                                    "' AND attacker_ip = '" + net_ + "1'")
                     .value_or(0) == 1;
        },
        std::chrono::seconds(30)))
        << name << serve.output();
  }
  EXPECT_TRUE(wait_until([&] {
    return sqlite_int(db, "SELECT count(*) FROM logs WHERE decky = '" + names_[0] + "'")
               .value_or(0) > 0;
  })) << serve.output();

  std::vector<pid_t> pids;
  for (const auto& name : names_) {
    pids.push_back(static_cast<pid_t>(
        sqlite_int(db,
                   "SELECT json_extract(decky_config, '$.pid') FROM fleet_deckies WHERE "
                   "name = '" +
                       name + "'")
            .value_or(0)));
    EXPECT_TRUE(decky::decky_running(pids.back())) << name;
  }

  const auto gone = run_command({decnet_binary(), "teardown", names_[0]}, env);
  EXPECT_EQ(gone.status, 0) << gone.output;
  EXPECT_EQ(sqlite_int(db, "SELECT count(*) FROM fleet_deckies"), 2);
  const auto all = run_command({decnet_binary(), "teardown", "--all"}, env);
  EXPECT_EQ(all.status, 0) << all.output;
  EXPECT_EQ(sqlite_int(db, "SELECT count(*) FROM fleet_deckies"), 0);
  EXPECT_EQ(sqlite_int(db, "SELECT count(*) FROM decky_services"), 0);
  const auto namespaces = decky::NamespaceNetwork::deckies();
  for (std::size_t i = 0; i < names_.size(); ++i) {
    EXPECT_EQ(std::count(namespaces.begin(), namespaces.end(), names_[i]), 0) << names_[i];
    EXPECT_FALSE(
        run_command({"ip", "link", "show", "dev", decky::NamespaceNetwork::host_veth_of(names_[i])})
            .status == 0);
    EXPECT_FALSE(decky::decky_running(pids[i])) << names_[i];
  }
  EXPECT_NE(run_command({"ip", "link", "show", "dev", bridge_}).status, 0) << "bridge left";
  const auto again = run_command({decnet_binary(), "teardown", names_[0]}, env);
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.output.find("is not deployed"), std::string::npos) << again.output;
}

}  // namespace
}  // namespace decnet::fleet
