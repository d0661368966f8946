#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/config.h"
#include "serve_support.h"

namespace decnet::app {
namespace {

using namespace decnet::testing;

// Every child gets its own data directory, no INI file and receivers on free ports, so tests
// can run in parallel with each other and with a real instance on the default ports.
TEST(Cli, VersionAndHelp) {
  auto r = run_command({decnet_binary(), "version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.output.rfind("decnet ", 0), 0u) << r.output;
  for (const char* cmd : {"serve", "bus", "version", "config", "decky"}) {
    auto help = run_command({decnet_binary(), cmd, "--help"});
    EXPECT_EQ(help.status, 0) << cmd;
    EXPECT_NE(help.output.find("Usage"), std::string::npos) << cmd << ": " << help.output;
  }
}

TEST(Cli, UnknownFlagsAndCommandsAreOneLineErrorsWithStatusTwo) {
  for (const auto& argv :
       std::vector<std::vector<std::string>>{{decnet_binary(), "--bogus"},
                                             {decnet_binary(), "serve", "--nope"},
                                             {decnet_binary(), "frobnicate"},
                                             {decnet_binary(), "NOSUCH", "--help"},
                                             {decnet_binary(), "decky", "nosuch", "--help"},
                                             {decnet_binary(), "db", "nosuch", "--help"},
                                             {decnet_binary()}}) {
    auto r = run_command(argv);
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  }
  // Arguments that are not commands stay arguments.
  EXPECT_NE(run_command({decnet_binary(), "geoip", "lookup", "--help"}).status, 2);
  EXPECT_EQ(run_command({decnet_binary(), "db", "status", "--help"}).status, 0);
}

TEST(Cli, ConfigShowPrintsEveryValueAndItsSource) {
  TempDir dir;
  auto env = isolated_env(dir);
  env["DECNET_BUS_QUEUE_SIZE"] = "77";
  auto r = run_command({decnet_binary(), "config", "show"}, env);
  ASSERT_EQ(r.status, 0) << r.output;
  for (const auto& spec : core::settings_table()) {
    EXPECT_NE(r.output.find(std::string(spec.name)), std::string::npos) << spec.name;
  }
  EXPECT_NE(r.output.find("DECNET_BUS_QUEUE_SIZE"), std::string::npos);
  std::istringstream lines(r.output);
  std::string line;
  bool found = false;
  while (std::getline(lines, line)) {
    if (line.rfind("DECNET_BUS_QUEUE_SIZE", 0) == 0) {
      found = true;
      EXPECT_NE(line.find("77"), std::string::npos) << line;
      EXPECT_NE(line.find("(environment)"), std::string::npos) << line;
    }
  }
  EXPECT_TRUE(found);
}

TEST(Cli, InvalidSettingStopsStartupNamingTheVariable) {
  TempDir dir;
  auto env = isolated_env(dir);
  env["DECNET_BUS_TYPE"] = "carrier-pigeon";
  auto r = run_command({decnet_binary(), "serve"}, env);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("DECNET_BUS_TYPE"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("carrier-pigeon"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("inprocess, unix, nats"), std::string::npos) << r.output;
}

TEST(Cli, ServeStartsAndStopsCleanlyOnSignals) {
  for (int signal : {SIGINT, SIGTERM}) {
    TempDir dir;
    ChildProcess serve({decnet_binary(), "serve"}, isolated_env(dir));
    ASSERT_TRUE(wait_until([&] { return serve.output().find("ready") != std::string::npos; }))
        << serve.output();
    EXPECT_TRUE(std::filesystem::is_directory(dir / "var"));
    EXPECT_EQ(serve.stop(signal), 0) << serve.output();
    EXPECT_NE(serve.output().find("stopped cleanly"), std::string::npos) << serve.output();
  }
}

TEST(Cli, JsonLogFormatWritesOneObjectPerLine) {
  TempDir dir;
  auto env = isolated_env(dir);
  env["DECNET_LOG_FORMAT"] = "json";
  env["DECNET_ADMIN_PASSWORD"] = "a-configured-admin-pass";  // no first-start banner on stdout
  ChildProcess serve({decnet_binary(), "serve"}, env);
  ASSERT_TRUE(wait_until([&] { return serve.output().find("ready") != std::string::npos; }));
  ASSERT_EQ(serve.stop(SIGTERM), 0);
  std::istringstream lines(serve.output());
  std::string line;
  int parsed = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    EXPECT_TRUE(j.contains("ts") && j.contains("level") && j.contains("msg")) << line;
    ++parsed;
  }
  EXPECT_GE(parsed, 2);
}

TEST(Readme, ConfigurationTableMatchesTheSettingsTable) {
  std::ifstream in(std::string(DECNET_SOURCE_DIR) + "/README.md");
  ASSERT_TRUE(in) << "README.md missing";
  std::stringstream ss;
  ss << in.rdbuf();
  const auto text = ss.str();
  const std::string begin = "<!-- settings:begin -->\n";
  const std::string end = "<!-- settings:end -->";
  const auto b = text.find(begin);
  const auto e = text.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  EXPECT_EQ(text.substr(b + begin.size(), e - b - begin.size()), core::settings_markdown_table())
      << "regenerate with: decnet config table";
}

}  // namespace
}  // namespace decnet::app
