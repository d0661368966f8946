#include "core/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <type_traits>

#include "core/config_files.h"

namespace decnet::core {
namespace {

struct Scratch {
  std::filesystem::path dir;
  Scratch() {
    dir = std::filesystem::temp_directory_path() /
          ("decnet-config-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
           "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
  }
  ~Scratch() { std::filesystem::remove_all(dir); }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name) << text;
    return dir / name;
  }
};

ConfigSources sources_with(std::map<std::string, std::string> env, std::filesystem::path env_file,
                           std::filesystem::path ini) {
  ConfigSources s;
  s.getenv = [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  s.env_file = std::move(env_file);
  s.ini_file = std::move(ini);
  return s;
}

TEST(Config, DefaultsComeFromTheTable) {
  const auto config = Config::with({});
  for (const auto& spec : settings_table()) {
    EXPECT_EQ(config.value(spec.name).raw, spec.default_value) << spec.name;
    EXPECT_EQ(config.value(spec.name).source, SettingSource::kDefault);
  }
  EXPECT_EQ(config.bus_queue_size(), 4096);
  EXPECT_TRUE(config.bus_enabled());
}

TEST(Config, EveryDefaultIsValidAndEveryNameIsUnique) {
  std::set<std::string_view> names;
  for (const auto& spec : settings_table()) {
    EXPECT_TRUE(spec.name.starts_with("DECNET_")) << spec.name;
    EXPECT_TRUE(names.insert(spec.name).second) << "duplicate " << spec.name;
    EXPECT_FALSE(spec.description.empty()) << spec.name;
    EXPECT_EQ(validate_setting(spec, spec.default_value), std::nullopt) << spec.name;
  }
}

TEST(Config, PrecedenceEnvironmentOverEnvFileOverIniOverDefault) {
  Scratch s;
  const auto ini = s.write("decnet.ini",
                           "[bus]\nqueue-size = 10\nheartbeat-seconds = 11\ntype = unix\n"
                           "[workers]\nheartbeat-seconds = 12 ; inline comment\n");
  const auto env_file = s.write(".env.local",
                                "# comment\nDECNET_BUS_QUEUE_SIZE=20\n"
                                "export DECNET_BUS_HEARTBEAT_SECONDS=\"21\"\n");
  const auto config = Config::load(sources_with({{"DECNET_BUS_QUEUE_SIZE", "30"}}, env_file, ini));
  EXPECT_EQ(config.bus_queue_size(), 30);
  EXPECT_EQ(config.value("DECNET_BUS_QUEUE_SIZE").source, SettingSource::kEnvironment);
  EXPECT_EQ(config.bus_heartbeat_seconds(), 21);
  EXPECT_EQ(config.value("DECNET_BUS_HEARTBEAT_SECONDS").source, SettingSource::kEnvFile);
  EXPECT_EQ(config.heartbeat_seconds(), 12);
  EXPECT_EQ(config.value("DECNET_HEARTBEAT_SECONDS").source, SettingSource::kIni);
  EXPECT_NE(config.value("DECNET_HEARTBEAT_SECONDS").origin.find("decnet.ini:6"),
            std::string::npos);
  EXPECT_EQ(config.bus_type(), "unix");
  EXPECT_EQ(config.value("DECNET_LOG_FORMAT").source, SettingSource::kDefault);
}

TEST(Config, IniPathComesFromDecnetConfigVariable) {
  Scratch s;
  const auto ini = s.write("other.ini", "[logging]\nformat = json\n");
  auto src = sources_with({{"DECNET_CONFIG", ini.string()}}, s.dir / "none", "");
  EXPECT_EQ(Config::load(src).log_format(), "json");
}

struct BadValue {
  std::string name;
  std::string value;
  std::string expect;  // part of the message
};

class ConfigRejects : public ::testing::TestWithParam<BadValue> {};

TEST_P(ConfigRejects, NamesVariableValueAndWhatIsAllowed) {
  const auto& p = GetParam();
  try {
    Config::with({{p.name, p.value}});
    FAIL() << "accepted " << p.name << "=" << p.value;
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(p.name), std::string::npos) << msg;
    EXPECT_NE(msg.find("'" + p.value + "'"), std::string::npos) << msg;
    EXPECT_NE(msg.find(p.expect), std::string::npos) << msg;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Values, ConfigRejects,
    ::testing::Values(BadValue{"DECNET_BUS_QUEUE_SIZE", "abc", "must be an integer"},
                      BadValue{"DECNET_BUS_QUEUE_SIZE", "0", "between 1 and 1e+06"},
                      BadValue{"DECNET_BUS_QUEUE_SIZE", "12x", "must be an integer"},
                      BadValue{"DECNET_BUS_TYPE", "mqtt", "inprocess, unix, nats"},
                      BadValue{"DECNET_BUS_ENABLED", "maybe", "true or false"},
                      BadValue{"DECNET_LOG_FORMAT", "xml", "text, json"},
                      BadValue{"DECNET_HEARTBEAT_SECONDS", "-5", "between 1 and 3600"}));

TEST(Config, EnvironmentValueErrorSaysWhereItCameFrom) {
  try {
    Config::load(sources_with({{"DECNET_BUS_TYPE", "carrier-pigeon"}}, "/nonexistent", "/none"));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("environment"), std::string::npos);
  }
}

TEST(Config, EnumsAreCaseInsensitiveAndNormalised) {
  EXPECT_EQ(Config::with({{"DECNET_BUS_TYPE", "NATS"}}).bus_type(), "nats");
  EXPECT_FALSE(Config::with({{"DECNET_BUS_ENABLED", "Off"}}).bus_enabled());
}

TEST(Config, UnknownIniKeysWarnAndUnknownOverridesFail) {
  Scratch s;
  const auto ini = s.write("decnet.ini", "[bus]\nflavour = strawberry\n");
  const auto config = Config::load(sources_with({}, s.dir / "none", ini));
  ASSERT_EQ(config.warnings().size(), 1u);
  EXPECT_NE(config.warnings()[0].find("bus.flavour"), std::string::npos);
  EXPECT_THROW(Config::with({{"DECNET_NOPE", "1"}}), ConfigError);
}

TEST(Config, MalformedFilesNameTheLine) {
  Scratch s;
  const auto ini = s.write("decnet.ini", "[bus]\nqueue-size = 5\nthis line is wrong\n");
  try {
    Config::load(sources_with({}, s.dir / "none", ini));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("decnet.ini:3"), std::string::npos) << e.what();
  }
  const auto env = s.write(".env.local", "DECNET_BUS_TYPE\n");
  EXPECT_THROW(Config::load(sources_with({}, env, s.dir / "none")), ConfigError);
}

TEST(Config, IniInlineCommentNeedsWhitespaceSoUrlsSurvive) {
  Scratch s;
  const auto entries =
      read_ini_file(s.write("x.ini", "[bus]\nnats-url = nats://h:4222/#frag\ntype = unix # c\n"));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].value, "nats://h:4222/#frag");
  EXPECT_EQ(entries[1].value, "unix");
}

TEST(Config, IniTextKeepsSectionsInOrderWithTheirNamesAsWritten) {
  const auto sections = parse_ini(
      "# fleet\n[general]\nnet = 10.0.0.0/24\n\n[Web-01.ssh]\nPassword = 'x y'\n", "deploy.ini");
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections[0].name, "general");
  EXPECT_EQ(sections[1].name, "Web-01.ssh") << "case kept: callers decide what a name may be";
  EXPECT_EQ(sections[1].line, 5);
  ASSERT_EQ(sections[1].entries.size(), 1u);
  EXPECT_EQ(sections[1].entries[0].key, "password");
  EXPECT_EQ(sections[1].entries[0].value, "x y");
  EXPECT_EQ(sections[1].entries[0].line, 6);
  try {
    parse_ini("[general]\nno equals sign\n", "deploy.ini");
    ADD_FAILURE() << "accepted a line without a value";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "deploy.ini:2: expected key = value");
  }
}

TEST(Config, SecretsAreMaskedForDisplay) {
  // A secret-typed spec is validated like a string but never shown.
  SettingSpec spec{"DECNET_TEST_SECRET", SettingType::kSecret, "", "test"};
  EXPECT_EQ(validate_setting(spec, "hunter2"), std::nullopt);
  std::map<std::string, std::string> values;
  for (const auto& s : settings_table()) {
    if (s.type == SettingType::kSecret)
      values[std::string(s.name)] = "s3cret-value-0123456789abcdef0123456789";
  }
  const auto config = Config::with(values);
  for (const auto& [name, value] : values) {
    EXPECT_EQ(config.display_value(name).find(value), std::string::npos) << name;
    EXPECT_EQ(config.display_value(name), "********") << name;
  }
  EXPECT_FALSE(values.empty()) << "the table has secrets to mask";
}

TEST(Config, MarkdownTableListsEverySetting) {
  const auto table = settings_markdown_table();
  for (const auto& spec : settings_table()) {
    EXPECT_NE(table.find("`" + std::string(spec.name) + "`"), std::string::npos) << spec.name;
  }
}

// Every setting has a typed accessor generated from settings.def; a wrong name does not compile.
TEST(ConfigTest, TypedAccessorsReadEachSettingAsItsType) {
  const auto config = Config::with({{"DECNET_API_PORT", "8123"},
                                    {"DECNET_BUS_QUEUE_SIZE", "77"},
                                    {"DECNET_SYSLOG_TCP_ENABLED", "false"},
                                    {"DECNET_LOG_FORMAT", "json"}});
  static_assert(std::is_same_v<decltype(config.api_port()), std::uint16_t>);
  static_assert(std::is_same_v<decltype(config.bus_queue_size()), std::int64_t>);
  static_assert(std::is_same_v<decltype(config.data_dir()), std::filesystem::path>);
  static_assert(std::is_same_v<decltype(config.syslog_tcp_enabled()), bool>);
  EXPECT_EQ(config.api_port(), 8123);
  EXPECT_EQ(config.bus_queue_size(), 77);
  EXPECT_FALSE(config.syslog_tcp_enabled());
  EXPECT_EQ(config.log_format(), "json");
  EXPECT_EQ(config.data_dir(), std::filesystem::path("./var"));
}

}  // namespace
}  // namespace decnet::core
