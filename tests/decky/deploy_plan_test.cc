// The deploy INI read as the reference reads it, with its mistakes refused before anything is
// made: sections, services and archetypes, amount expanding to numbered deckies, settings for
// one decky or every decky of a prefix (validated by the service registry), and addresses
// chosen from the subnet around the gateway, the host and the fleet's own.
#include "decky/fleet/deploy_plan.h"

#include <gtest/gtest.h>

namespace decnet::decky {
namespace {

DeployPlan read(const std::string& ini) {
  return read_deploy_ini(ini, 7);
}

std::string error_of(const std::string& ini) {
  try {
    read(ini);
  } catch (const DeployError& e) {
    return e.what();
  }
  return "(accepted)";
}

const std::string kGeneral = "[general]\nnet = 10.50.0.0/24\ngw = 10.50.0.1\n";

TEST(DeployPlan, DeckiesServicesAndArchetypesAreRead) {
  const auto plan = read(kGeneral +
                         "[web-01]\nservices = http, ssh\nip = 10.50.0.20\nmutate-interval = 30\n"
                         "[dc-01]\narchetype = domain-controller\n");
  EXPECT_EQ(plan.network.subnet, "10.50.0.0/24");
  EXPECT_EQ(plan.network.gateway, "10.50.0.1");
  ASSERT_EQ(plan.deckies.size(), 2u);
  EXPECT_EQ(plan.deckies[0].name, "web-01");
  EXPECT_EQ(plan.deckies[0].services, (std::vector<std::string>{"http", "ssh"}));
  EXPECT_EQ(plan.deckies[0].ip, "10.50.0.20");
  EXPECT_EQ(plan.deckies[0].mutate_interval_minutes, 30);
  EXPECT_EQ(plan.deckies[1].services, (std::vector<std::string>{"ldap", "dns", "smb", "rdp"}));
  EXPECT_EQ(plan.deckies[1].nmap_os, "windows_server");
  // Every service gets its full, validated settings.
  EXPECT_EQ(plan.deckies[0].settings.at("ssh").at("user"), "ubuntu");
}

TEST(DeployPlan, AmountMakesNumberedDeckiesAndPrefixSettingsReachEachOfThem) {
  const auto plan = read(kGeneral +
                         "[web]\namount = 3\nservices = ssh\n"
                         "[web.ssh]\npassword = Summer2026\n"
                         "[web-02.ssh]\nuser = deploy\n");
  ASSERT_EQ(plan.deckies.size(), 3u);
  EXPECT_EQ(plan.deckies[0].name, "web-01");
  EXPECT_EQ(plan.deckies[2].name, "web-03");
  for (const auto& d : plan.deckies) EXPECT_EQ(d.settings.at("ssh").at("password"), "Summer2026");
  EXPECT_EQ(plan.deckies[1].settings.at("ssh").at("user"), "deploy");
  EXPECT_EQ(plan.deckies[0].settings.at("ssh").at("user"), "ubuntu");
}

TEST(DeployPlan, ADeckyWithoutServicesGetsOneToThreeDrawnFromTheSeed) {
  const auto a = read(kGeneral + "[x]\n");
  const auto b = read(kGeneral + "[x]\n");
  ASSERT_EQ(a.deckies.size(), 1u);
  EXPECT_GE(a.deckies[0].services.size(), 1u);
  EXPECT_LE(a.deckies[0].services.size(), 3u);
  EXPECT_EQ(a.deckies[0].services, b.deckies[0].services) << "same seed, same draw";
}

TEST(DeployPlan, MistakesAreRefusedNamingTheSection) {
  EXPECT_EQ(error_of(""), "INI has no sections");
  EXPECT_EQ(error_of(kGeneral), "INI has no decky section");
  EXPECT_EQ(error_of(kGeneral + "[web]\nservices = gopher\n"), "[web]: unknown service 'gopher'");
  EXPECT_EQ(error_of(kGeneral + "[web]\narchetype = mainframe\n"),
            "[web]: unknown archetype 'mainframe'");
  EXPECT_EQ(error_of(kGeneral + "[web]\namount = 2\nip = 10.50.0.9\n"),
            "[web]: amount cannot be combined with ip");
  EXPECT_EQ(error_of(kGeneral + "[web]\namount = 101\n"),
            "[web]: amount must be between 1 and 100");
  EXPECT_EQ(error_of(kGeneral + "[Web_01]\n"),
            "[Web_01]: a decky name is lower-case letters, digits and hyphens, at most 61");
  EXPECT_EQ(error_of(kGeneral + "[web]\nservices = ssh\nport = 22\n"), "[web]: unknown key 'port'");
  EXPECT_EQ(error_of(kGeneral + "[web]\nservices = ssh\n[web.ftp]\nbanner = x\n"),
            "[web.ftp]: 'ftp' is not a service of web");
  EXPECT_EQ(error_of(kGeneral + "[web]\nservices = ssh\n[db.ssh]\nuser = x\n"),
            "[db.ssh]: no decky named 'db'");
  EXPECT_EQ(error_of(kGeneral + "[web]\nservices = http\n[web.http]\nresponse_code = abc\n"),
            "[web.http]: http.response_code: expected int");
  EXPECT_EQ(error_of(kGeneral + "[custom-miner]\nbinary = /bin/sh\n"),
            "[custom-miner]: custom services are not supported; every service runs inside the "
            "decky");
  EXPECT_EQ(error_of(kGeneral + "[web]\namount = 2\n[web-01]\n"),
            "[web-01]: decky 'web-01' is defined twice");
  EXPECT_EQ(error_of(std::string(kMaxDeployIniBytes + 1, '#')), "INI content exceeds 512 KiB");
  EXPECT_NE(error_of("[web\n").find("INI:1"), std::string::npos) << error_of("[web\n");
}

TEST(DeployPlan, AddressesAvoidGatewayHostFleetAndExplicitOnes) {
  auto plan = read(kGeneral +
                   "[a]\nservices = ssh\n[b]\nservices = ssh\nip = 10.50.0.3\n"
                   "[c]\nservices = ssh\n[d]\nservices = ssh\n");
  assign_addresses(plan, {"10.50.0.2", "10.50.0.5"}, "10.50.0.4");
  EXPECT_EQ(plan.deckies[0].ip, "10.50.0.6");  // .1 gateway, .2 fleet, .3 b, .4 host, .5 fleet
  EXPECT_EQ(plan.deckies[1].ip, "10.50.0.3");
  EXPECT_EQ(plan.deckies[2].ip, "10.50.0.7");
  EXPECT_EQ(plan.deckies[3].ip, "10.50.0.8");
}

TEST(DeployPlan, AddressConflictsAndExhaustionAreRefused) {
  auto taken = read(kGeneral + "[a]\nservices = ssh\nip = 10.50.0.9\n");
  EXPECT_THROW(
      {
        try {
          assign_addresses(taken, {"10.50.0.9"}, "");
        } catch (const DeployError& e) {
          EXPECT_STREQ(e.what(), "IP 10.50.0.9 is already in use by an existing decky");
          throw;
        }
      },
      DeployError);
  auto outside = read(kGeneral + "[a]\nservices = ssh\nip = 10.60.0.9\n");
  EXPECT_THROW(assign_addresses(outside, {}, ""), DeployError);
  auto small =
      read("[general]\nnet = 10.50.0.0/30\ngw = 10.50.0.1\n[a]\namount = 2\nservices = ssh\n");
  EXPECT_THROW(assign_addresses(small, {}, ""), DeployError)
      << "a /30 has one host after the gateway";
  auto no_net = read("[a]\nservices = ssh\n");
  EXPECT_THROW(assign_addresses(no_net, {}, ""), DeployError);
}

}  // namespace
}  // namespace decnet::decky
