// What a deploy refuses before it makes anything, with the reference's messages: a decky or an
// address the fleet already has (unless the fleet is replaced), a fleet over the deployment
// limit, a network other than the fleet's, a bad INI. A dry run plans against the fleet table
// and makes nothing. The fleet here is rows in a real database; no namespace is touched.
#include <gtest/gtest.h>

#include "fleet/fleet.h"
#include "fleet/fleet_record.h"
#include "store/decky_repository.h"
#include "tests_support.h"

namespace decnet::fleet {
namespace {

class FleetConflicts : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "var");
    config_ = std::make_unique<core::Config>(core::Config::with({
        {"DECNET_DATA_DIR", (dir_ / "var").string()},
        {"DECNET_FLEET_BRIDGE", "dnc-unused"},
        {"DECNET_DEPLOYMENT_LIMIT", "4"},
    }));
    repo_ = store::open_repository(*config_);
    fleet_ = std::make_unique<Fleet>(*repo_, nullptr, fleet_options(*config_));
  }
  void TearDown() override { repo_->close(); }

  // A decky the table says is deployed (no namespace behind it: nothing here makes one).
  void existing(const std::string& name, const std::string& ip) {
    decky::PlannedDecky d;
    d.name = name;
    d.ip = ip;
    d.services = {"ssh"};
    store::FleetDecky row;
    row.name = name;
    row.services = d.services;
    row.decky_ip = ip;
    row.state = "running";
    row.decky_config = decky_config_json(d, {"", "10.213.0.0/24", "10.213.0.1"}, 0);
    repo_->write_now(
        [&](store::WriteScope& scope) { return repo_->deckies().upsert_fleet_decky(scope, row); });
  }

  std::string refusal(const std::string& ini, bool replace = false) {
    try {
      fleet_->deploy({ini, replace, true, 1});
    } catch (const FleetConflict& e) {
      return e.what();
    }
    return "";
  }

  testing::TempDir dir_;
  std::unique_ptr<core::Config> config_;
  std::unique_ptr<store::Repository> repo_;
  std::unique_ptr<Fleet> fleet_;
};

TEST_F(FleetConflicts, ANameTheFleetHasIsRefusedUnlessTheFleetIsReplaced) {
  existing("web-01", "10.213.0.2");
  EXPECT_EQ(refusal("[web-01]\nservices = http\n"),
            "decky 'web-01' already exists; submit with replace_fleet=true to replace the fleet, "
            "or tear it down first");
  EXPECT_EQ(refusal("[web-01]\nservices = http\n", true), "");
}

TEST_F(FleetConflicts, AnAddressTheFleetUsesIsRefused) {
  existing("web-01", "10.213.0.2");
  EXPECT_EQ(refusal("[db-01]\nservices = mysql\nip = 10.213.0.2\n"),
            "IP 10.213.0.2 is already in use by an existing decky");
}

TEST_F(FleetConflicts, AdditiveDeploysGetTheNextFreeAddressOnTheFleetsNetwork) {
  existing("web-01", "10.213.0.2");
  const auto result = fleet_->deploy({"[db-01]\nservices = mysql\n", false, true, 1});
  ASSERT_EQ(result.plan.deckies.size(), 1u);
  EXPECT_EQ(result.plan.network.subnet, "10.213.0.0/24");
  EXPECT_EQ(result.plan.network.gateway, "10.213.0.1");
  EXPECT_EQ(result.plan.deckies[0].ip, "10.213.0.3");
  EXPECT_TRUE(result.deployed.empty());
  EXPECT_EQ(fleet_->deckies().size(), 1u) << "a dry run records nothing";
}

TEST_F(FleetConflicts, TheDeploymentLimitCountsTheFleetAlreadyThere) {
  existing("web-01", "10.213.0.2");
  existing("web-02", "10.213.0.3");
  EXPECT_EQ(refusal("[db]\nservices = mysql\namount = 3\n"),
            "Deployment would result in 5 deckies, exceeding the configured limit of 4");
  EXPECT_EQ(refusal("[db]\nservices = mysql\namount = 2\n"), "");
  EXPECT_EQ(refusal("[db]\nservices = mysql\namount = 4\n", true), "");
}

TEST_F(FleetConflicts, ANetworkOtherThanTheFleetsIsRefused) {
  existing("web-01", "10.213.0.2");
  const auto why =
      refusal("[general]\nnet = 10.99.0.0/24\ngw = 10.99.0.1\n[db-01]\nservices = mysql\n");
  EXPECT_NE(why.find("Network configuration conflict: the fleet is on 10.213.0.0/24"),
            std::string::npos)
      << why;
  EXPECT_NE(refusal("[general]\nnet = 10.99.0.0/24\ninterface = eth0\n[db]\nservices = mysql\n")
                .find("interface=eth0"),
            std::string::npos);
}

TEST_F(FleetConflicts, ABadIniIsRefusedNamingWhatIsWrong) {
  EXPECT_NE(refusal("[web]\nservices = gopher\n").find("gopher"), std::string::npos);
  EXPECT_EQ(refusal(""), "INI has no sections");
  EXPECT_EQ(refusal("[general]\nnet = 10.213.0.0/24\n"), "INI has no decky section");
}

TEST(FleetSettings, ABadBridgeOrSubnetStopsStartUpNamingTheVariable) {
  const auto refused = [](const std::string& variable, const std::string& value) {
    try {
      fleet_options(core::Config::with({{variable, value}}));
    } catch (const core::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(refused("DECNET_FLEET_BRIDGE", "a-bridge-name-too-long").find("DECNET_FLEET_BRIDGE"),
            std::string::npos);
  EXPECT_NE(refused("DECNET_FLEET_SUBNET", "10.0.0.0/31").find("DECNET_FLEET_SUBNET"),
            std::string::npos);
  EXPECT_NE(refused("DECNET_FLEET_SUBNET", "fleet").find("DECNET_FLEET_SUBNET"), std::string::npos);
}

}  // namespace
}  // namespace decnet::fleet
