// The deploy file's other forms: YAML that says what an INI says (and is refused the same way,
// naming the section), and the reference's Docker Compose model written from a plan.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>

#include "decky/fleet/deploy_plan.h"
#include "fleet/compose_model.h"
#include "fleet/deploy_yaml.h"
#include "tests_support.h"

namespace decnet::fleet {
namespace {

std::string refusal(const std::string& yaml) {
  try {
    deploy_yaml_to_ini(yaml);
  } catch (const decky::DeployError& e) {
    return e.what();
  }
  return "";
}

TEST(DeployYaml, SaysWhatTheIniSays) {
  const std::string ini =
      "[general]\nnet = 10.9.0.0/24\ngw = 10.9.0.1\n[web]\nservices = http,ssh\nip = 10.9.0.7\n"
      "[web.ssh]\npassword = letmein\n[cam]\narchetype = iot-device\namount = 2\n";
  const std::string yaml =
      "# the same fleet\ngeneral: {net: 10.9.0.0/24, gw: 10.9.0.1}\nweb:\n  services: [http, ssh]\n"
      "  ip: 10.9.0.7\nweb.ssh: {password: letmein}\ncam: {archetype: iot-device, amount: 2}\n";
  EXPECT_TRUE(looks_like_yaml(yaml));
  EXPECT_FALSE(looks_like_yaml("; a comment\n\n[general]\nnet = 10.9.0.0/24\n"));
  auto from_ini = decky::read_deploy_ini(ini, 7);
  auto from_yaml = decky::read_deploy_ini(deploy_yaml_to_ini(yaml), 7);
  decky::assign_addresses(from_ini, {}, "");
  decky::assign_addresses(from_yaml, {}, "");
  ASSERT_EQ(from_yaml.deckies.size(), 3u);
  for (std::size_t i = 0; i < from_ini.deckies.size(); ++i) {
    EXPECT_EQ(from_yaml.deckies[i].name, from_ini.deckies[i].name);
    EXPECT_EQ(from_yaml.deckies[i].ip, from_ini.deckies[i].ip);
    EXPECT_EQ(from_yaml.deckies[i].services, from_ini.deckies[i].services);
    EXPECT_EQ(from_yaml.deckies[i].settings, from_ini.deckies[i].settings);
  }
}

TEST(DeployYaml, WhatHasNoIniFormIsRefusedNamingWhere) {
  EXPECT_EQ(refusal("web:\n  services: {http: 1}\n"),
            "[web] services: expected a value or a list of values");
  EXPECT_EQ(refusal("web.ssh:\n  banner: |\n    two\n    lines\n"),
            "[web.ssh] banner: a value on several lines has no INI form");
  EXPECT_EQ(refusal("- web\n"), "YAML: expected a mapping of sections");
  EXPECT_NE(refusal("web: {services: [http\n").find("YAML:"), std::string::npos);
}

TEST(ComposeModel, OneBaseContainerPerDeckyAndOneContainerPerServiceSharingItsNetwork) {
  auto plan = decky::read_deploy_ini(
      "[general]\nnet = 10.9.0.0/24\ngw = 10.9.0.1\n[web]\nservices = http, ssh\n"
      "[web.ssh]\npassword = letmein\n[dc]\narchetype = domain-controller\nnmap_os = windows\n",
      1);
  decky::assign_addresses(plan, {}, "");
  const auto text = compose_model(plan, {.master_host = "10.9.0.1", .master_port = 2514});
  const auto doc = YAML::Load(text);
  EXPECT_EQ(doc["version"].as<std::string>(), "3.8");
  EXPECT_TRUE(doc["networks"]["decnet_lan"]["external"].as<bool>());
  const auto services = doc["services"];
  const auto web = services["web"];
  EXPECT_EQ(web["container_name"].as<std::string>(), "web");
  EXPECT_EQ(web["networks"]["decnet_lan"]["ipv4_address"].as<std::string>(), plan.deckies[0].ip);
  EXPECT_EQ(web["sysctls"]["net.ipv4.ip_default_ttl"].as<std::string>(), "64");
  EXPECT_EQ(services["dc"]["sysctls"]["net.ipv4.ip_default_ttl"].as<std::string>(), "128");
  const auto ssh = services["web-ssh"];
  EXPECT_EQ(ssh["network_mode"].as<std::string>(), "service:web");
  EXPECT_EQ(ssh["labels"]["decnet.fleet.decky"].as<std::string>(), "web");
  EXPECT_EQ(ssh["labels"]["decnet.fleet.service_name"].as<std::string>(), "ssh");
  EXPECT_EQ(ssh["labels"]["decnet.fleet.service"].as<std::string>(), "true");
  std::vector<std::string> command;
  for (const auto& word : ssh["command"]) command.push_back(word.as<std::string>());
  EXPECT_NE(std::find(command.begin(), command.end(), "ssh.password=letmein"), command.end());
  EXPECT_NE(std::find(command.begin(), command.end(), "10.9.0.1:2514"), command.end());
  EXPECT_TRUE(services["web-http"]);
  std::size_t dc_services = 0;
  for (const auto& s : services) {
    if (s.first.as<std::string>().rfind("dc-", 0) == 0) ++dc_services;
  }
  EXPECT_EQ(dc_services, plan.deckies[1].services.size());
}

TEST(FleetCli, AYamlFileDeploysAndComposeModeWritesTheModel) {
  testing::TempDir dir;
  const auto yaml = dir / "fleet.yml";
  std::ofstream(yaml)
      << "general: {net: 10.9.0.0/24, gw: 10.9.0.1}\nweb:\n  services: [http, ssh]\n"
         "  ip: 10.9.0.7\n";
  const std::map<std::string, std::string> env = {{"DECNET_DATA_DIR", (dir / "var").string()},
                                                  {"DECNET_CONFIG", (dir / "none.ini").string()}};
  const auto planned =
      testing::run_command({testing::decnet_binary(), "deploy", yaml.string(), "--dry-run"}, env);
  EXPECT_EQ(planned.status, 0) << planned.output;
  EXPECT_NE(planned.output.find("web 10.9.0.7 planned http,ssh"), std::string::npos)
      << planned.output;
  const auto compose = dir / "decnet-compose.yml";
  const auto written = testing::run_command({testing::decnet_binary(), "deploy", yaml.string(),
                                             "--mode", "compose", "--output", compose.string()},
                                            env);
  ASSERT_EQ(written.status, 0) << written.output;
  const auto doc = YAML::LoadFile(compose.string());
  EXPECT_EQ(doc["services"]["web"]["networks"]["decnet_lan"]["ipv4_address"].as<std::string>(),
            "10.9.0.7");
  EXPECT_EQ(doc["services"]["web-http"]["network_mode"].as<std::string>(), "service:web");
  const auto bad = testing::run_command(
      {testing::decnet_binary(), "deploy", yaml.string(), "--mode", "swarm"}, env);
  EXPECT_EQ(bad.status, 2) << bad.output;
}

}  // namespace
}  // namespace decnet::fleet
