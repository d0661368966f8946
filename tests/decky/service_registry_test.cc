// The service registry and its configuration fields, validated as the reference validates them
// (booleans in their several spellings, enums, multi-enums, b64: textareas), and a decky's
// configuration refusing what it cannot run, naming the setting.
#include "decky/service_registry.h"

#include <gtest/gtest.h>

#include <fstream>

#include "decky/decky_config.h"
#include "tests_support.h"

namespace decnet::decky {
namespace {

TEST(ServiceRegistry, ListsTheReferencesServicesWithTheirPorts) {
  for (const char* name : {"ssh", "telnet", "ftp", "smtp", "pop3", "imap", "http", "https", "redis",
                           "mqtt", "postgres", "mysql", "mssql", "vnc", "ldap", "snmp"}) {
    EXPECT_NE(find_service(name), nullptr) << name;
  }
  EXPECT_EQ(find_service("ftp")->ports, std::vector<std::uint16_t>{21});
  EXPECT_EQ(find_service("smtp")->ports, (std::vector<std::uint16_t>{25, 587}));
  EXPECT_EQ(find_service("nosuch"), nullptr);
}

TEST(ServiceRegistry, ValuesAreCheckedAndNormalised) {
  const auto& http = *find_service("http");
  const auto s = validate_service_settings(http, {{"response_code", "302"},
                                                  {"fake_app", "wordpress"},
                                                  {"http_versions", "http/2, http/1.1,http/2"},
                                                  {"custom_body", "b64:PGgxPmhpPC9oMT4="},
                                                  {"server_header", ""}});
  EXPECT_EQ(s.at("response_code"), "302");
  EXPECT_EQ(s.at("http_versions"), "http/2,http/1.1");
  EXPECT_EQ(s.at("custom_body"), "<h1>hi</h1>");
  EXPECT_EQ(s.at("server_header"), "Apache/2.4.62 (Debian)");  // empty keeps the default
  const auto fails = [&](const ServiceSpec& spec, std::map<std::string, std::string> v,
                         const std::string& named) {
    try {
      validate_service_settings(spec, v);
      ADD_FAILURE() << "accepted " << named;
    } catch (const ServiceConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(named), std::string::npos) << e.what();
    }
  };
  fails(http, {{"response_code", "abc"}}, "http.response_code: expected int");
  fails(http, {{"fake_app", "drupal"}}, "http.fake_app");
  fails(http, {{"http_versions", "http/3"}}, "http.http_versions");
  fails(http, {{"custom_body", "b64:***"}}, "http.custom_body: malformed b64");
  fails(http, {{"colour", "red"}}, "http.colour: unknown setting");
  const auto& redis = *find_service("redis");
  EXPECT_EQ(validate_service_settings(redis, {{"requirepass", "Off"}}).at("requirepass"), "false");
  fails(redis, {{"requirepass", "maybe"}}, "redis.requirepass");
}

TEST(DeckyConfig, ServicesPortsAndSettingsComeFromTheIniFileAndFlags) {
  decnet::testing::TempDir dir;
  const auto ini = dir / "decky.ini";
  std::ofstream(ini) << "[decky]\nname = mail-01\nservices = smtp, pop3\n"
                        "[service.smtp]\nports = 2525\nmta = exim\n"
                        "[service.pop3]\nports = 1110, 1995\n";
  auto config = core::Config::load(
      {.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; },
       .env_file = dir / "none.env",
       .ini_file = ini,
       .overrides = {},
       .foreign_ini_sections = {"service"}});
  EXPECT_TRUE(config.warnings().empty());
  const auto d = load_decky_config(config, ini, {{"smtp", {{"banner", "ESMTP ready"}}}});
  EXPECT_EQ(d.name, "mail-01");
  ASSERT_EQ(d.services.size(), 2u);
  EXPECT_EQ(d.services[0].name, "smtp");
  EXPECT_EQ(d.services[0].ports, std::vector<std::uint16_t>{2525});
  EXPECT_EQ(d.services[0].settings.at("mta"), "exim");
  EXPECT_EQ(d.services[0].settings.at("banner"), "ESMTP ready");
  EXPECT_EQ(d.services[1].ports, (std::vector<std::uint16_t>{1110, 1995}));
  EXPECT_EQ(d.outbox_dir, config.data_dir() / "decky" / "mail-01" / "outbox");
}

TEST(DeckyConfig, MistakesStopStartUpNamingTheSetting) {
  const auto fails = [](std::map<std::string, std::string> settings, ServiceOverrides services,
                        const std::string& named) {
    try {
      load_decky_config(core::Config::with(settings), {}, services);
      ADD_FAILURE() << "accepted " << named;
    } catch (const core::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(named), std::string::npos) << e.what();
    }
  };
  fails({{"DECNET_DECKY_SERVICES", "ftp,gopher"}}, {}, "DECNET_DECKY_SERVICES: unknown service");
  fails({{"DECNET_DECKY_SERVICES", "ftp,ftp"}}, {}, "listed twice");
  fails({{"DECNET_DECKY_NAME", "../etc"}}, {}, "DECNET_DECKY_NAME");
  fails({{"DECNET_DECKY_SERVICES", "ftp"}}, {{"ftp", {{"ports", "70000"}}}}, "ftp.ports");
  fails({{"DECNET_DECKY_SERVICES", "ftp,pop3"}},
        {{"ftp", {{"ports", "2121"}}}, {"pop3", {{"ports", "2121"}}}}, "already used");
  fails({{"DECNET_DECKY_SERVICES", "ftp"}}, {{"pop3", {{"banner", "x"}}}}, "service.pop3");
  fails({{"DECNET_DECKY_SERVICES", "ftp"}, {"DECNET_DECKY_TLS_CERT", "/c.pem"}}, {},
        "DECNET_DECKY_TLS_KEY");
}

}  // namespace
}  // namespace decnet::decky
