// A planned decky deployed for real: its namespace on a bridge, `decnet decky run` started
// inside it from the INI the plan gives, with its own host name; attacked from the host with
// curl over the fleet network, it reports to a master listening on the gateway address, which
// sees the attack coming from the host's side of the bridge. Stopping it leaves no process.
#include "decky/fleet/decky_launcher.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <random>

#include "decky/fleet/namespace_network.h"
#include "serve_support.h"
#include "tests_support.h"

namespace decnet::decky {
namespace {

using namespace decnet::testing;

std::string log_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class DeckyLauncherTest : public ::testing::Test {
 protected:
  std::string tag_ = [] {
    std::mt19937 rng{std::random_device{}()};
    return std::to_string(rng() % 900000 + 100000);
  }();
  std::string net_ = "10.232." + std::to_string(std::stoi(tag_) % 200 + 20) + ".";
  NamespaceNetwork network_{"dnl" + tag_};
  std::string name_ = "fs" + tag_;
  pid_t pid_ = 0;

  void TearDown() override {
    if (pid_ > 0) stop_decky(pid_);
    network_.remove_decky(name_);
    network_.remove_bridge_if_empty();
  }
};

TEST_F(DeckyLauncherTest, ADeployedDeckyServesFromItsNamespaceAndReportsToTheMaster) {
  network_.ensure_bridge(net_ + "1", 24);
  auto plan =
      read_deploy_ini("[general]\nnet = " + net_ + "0/24\ngw = " + net_ + "1\n[" + name_ +
                          "]\nservices = ftp\n[" + name_ + ".ftp]\nbanner = (vsFTPd 3.0.5)\n",
                      1);
  assign_addresses(plan, {}, "");
  const auto& decky = plan.deckies.at(0);
  network_.add_decky(decky.name, decky.ip, 24, net_ + "1");

  const int relp_port = free_port();
  ServeProcess master({{"DECNET_SYSLOG_RELP_ENABLED", "true"},
                       {"DECNET_SYSLOG_RELP_HOST", net_ + "1"},
                       {"DECNET_SYSLOG_RELP_PORT", std::to_string(relp_port)}});
  ASSERT_TRUE(master.wait_ready()) << master.output();

  TempDir dir;
  ::chmod(dir.path().c_str(), 0711);  // the decky drops root for nobody
  const auto ini = dir / "decky.ini";
  std::ofstream(ini) << decky_ini(decky, net_ + "1", relp_port);
  auto env = isolated_env(dir);
  env["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
  pid_ = launch_decky({decky.name,
                       "fileserver-7",
                       {decnet_binary(), "decky", "run", "--config", ini.string()},
                       env,
                       dir / "decky.log"});
  ASSERT_GT(pid_, 0);

  const auto url = "ftp://" + decky.ip + "/";
  EXPECT_TRUE(wait_until(
      [&] {
        const auto r =
            run_command({"curl", "-s", "--max-time", "3", url, "--user", "admin:hunter2"});
        return r.status != 7 && r.status != 28;  // connected (the login itself fails)
      },
      std::chrono::seconds(30)))
      << log_of(dir / "decky.log");
  EXPECT_TRUE(decky_running(pid_));
  const auto hostname = run_command({"nsenter", "-t", std::to_string(pid_), "-u", "hostname"});
  EXPECT_EQ(hostname.output, "fileserver-7\n");
  EXPECT_TRUE(wait_until(
      [&] {
        return sqlite_int(master.db(),
                          "SELECT count(*) FROM credentials WHERE service = 'ftp' "
                          "AND decky_name = '" +
                              name_ + "' AND secret_printable = 'hunter2' AND attacker_ip = '" +
                              net_ + "1'")
                   .value_or(0) == 1;
      },
      std::chrono::seconds(30)))
      << master.output() << log_of(dir / "decky.log");

  EXPECT_TRUE(stop_decky(pid_));
  EXPECT_FALSE(decky_running(pid_));
  pid_ = 0;
}

TEST(DeckyIni, CarriesTheMasterTheServicesAndTheirSettings) {
  auto plan = read_deploy_ini("[web]\nservices = http, ssh\n[web.ssh]\nuser = deploy\n", 1);
  const auto text = decky_ini(plan.deckies.at(0), "10.0.0.1", 2514);
  EXPECT_NE(text.find("[decky]\nname = web\nservices = http,ssh\nbind = 0.0.0.0\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("master-host = 10.0.0.1\nmaster-port = 2514\n"), std::string::npos);
  EXPECT_NE(text.find("[service.ssh]\n"), std::string::npos);
  EXPECT_NE(text.find("user = deploy\n"), std::string::npos);
  EXPECT_EQ(text.find("state_dir"), std::string::npos) << "an empty value is left to the default";
}

}  // namespace
}  // namespace decnet::decky
