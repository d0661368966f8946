// `decnet geoip refresh|lookup` and `decnet asn refresh` on fixture files in the real formats:
// files are checked before they are installed, a bad file changes nothing, and lookups answer
// from what was installed.
#include <gtest/gtest.h>

#include <fstream>

#include "tests_support.h"
#include "webhook_receiver.h"

namespace decnet::app {
namespace {

using namespace decnet::testing;

TEST(GeoipCli, RefreshInstallsCheckedFilesAndLookupUsesThem) {
  TempDir dir;
  const std::map<std::string, std::string> env = {{"DECNET_DATA_DIR", (dir / "var").string()},
                                                  {"DECNET_CONFIG", (dir / "none.ini").string()}};
  std::ofstream(dir / "delegated-ripencc-extended-latest")
      << "2|ripencc|20260420|2|19830101|20260419|+0000\n"
         "ripencc|NL|ipv4|93.184.216.0|256|20080101|allocated\n"
         "ripencc|DE|ipv6|2a01:4f8::|29|20080101|allocated\n";
  std::ofstream(dir / "ip2asn-v4.tsv") << "93.184.216.0\t93.184.216.255\t15133\tUS\tEDGECAST\n";
  std::ofstream(dir / "garbage.txt") << "<html>404 not found</html>\n";

  auto r = run_command({decnet_binary(), "geoip", "lookup", "93.184.216.34"}, env);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("93.184.216.34 unknown"), std::string::npos) << r.output;

  r = run_command({decnet_binary(), "geoip", "refresh", "--from",
                   (dir / "delegated-ripencc-extended-latest").string()},
                  env);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("2 ranges"), std::string::npos) << r.output;
  r = run_command({decnet_binary(), "asn", "refresh", "--from", (dir / "ip2asn-v4.tsv").string()},
                  env);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir / "var" / "asn" / "ip2asn-v4.tsv"));

  r = run_command(
      {decnet_binary(), "geoip", "lookup", "93.184.216.34", "2a01:4f8::1", "10.0.0.1", "not-an-ip"},
      env);
  EXPECT_EQ(r.status, 1) << r.output;  // one argument was not an address
  EXPECT_NE(r.output.find("93.184.216.34 cc=NL source=rir asn=15133 prefix=93.184.216.0/24 "
                          "as_name=\"EDGECAST\""),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("2a01:4f8::1 cc=DE"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("10.0.0.1 unknown"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("not-an-ip: not an IP address"), std::string::npos) << r.output;

  // A file that is not a delegated file is refused and the installed table stays.
  r = run_command({decnet_binary(), "geoip", "refresh", "--from", (dir / "garbage.txt").string()},
                  env);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("refresh failed"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "var" / "geoip" / "garbage.txt"));
  r = run_command({decnet_binary(), "geoip", "lookup", "93.184.216.34"}, env);
  EXPECT_NE(r.output.find("cc=NL"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace decnet::app

namespace decnet::app {
namespace {

TEST(GeoipCli, RefreshDownloadsTheSourcesAndKeepsGoingPastAFailedOne) {
  TempDir dir;
  WebhookReceiver rir({{.body = "ripencc|NL|ipv4|93.184.216.0|256|20080101|allocated\n"},
                       {.status = 404, .body = "not here"}});
  const auto base = "http://127.0.0.1:" + std::to_string(rir.port());
  const std::map<std::string, std::string> env = {
      {"DECNET_DATA_DIR", (dir / "var").string()},
      {"DECNET_CONFIG", (dir / "none.ini").string()},
      {"DECNET_GEOIP_SOURCES",
       base + "/delegated-ripencc-extended-latest," + base + "/delegated-arin-extended-latest"}};
  auto r = run_command({decnet_binary(), "geoip", "refresh"}, env);
  EXPECT_EQ(r.status, 1) << r.output;  // one source failed
  EXPECT_NE(r.output.find("INCOMPLETE 1 of 2 files"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("HTTP 404"), std::string::npos) << r.output;
  EXPECT_TRUE(
      std::filesystem::exists(dir / "var" / "geoip" / "delegated-ripencc-extended-latest.txt"));
  r = run_command({decnet_binary(), "geoip", "lookup", "93.184.216.34"}, env);
  EXPECT_NE(r.output.find("cc=NL"), std::string::npos) << r.output;
}

TEST(EnrichCli, LooksUpOneAttackerAgainstAProviderAndRefusesUnknownProviders) {
  TempDir dir;
  WebhookReceiver greynoise({{.body = R"({"classification":"malicious","name":"Mirai"})"}});
  std::map<std::string, std::string> env = {
      {"DECNET_DATA_DIR", (dir / "var").string()},
      {"DECNET_CONFIG", (dir / "none.ini").string()},
      {"DECNET_INTEL_PROVIDERS", "greynoise"},
      {"DECNET_GREYNOISE_API_KEY", "k3y-abc"},
      {"DECNET_GREYNOISE_URL", "http://127.0.0.1:" + std::to_string(greynoise.port()) + "/"}};
  std::ofstream(dir / "fleet.log")
      << "<134>1 2026-11-30T10:00:00Z decky-1 ssh - connect [relay@55555 src_ip=\"45.83.64.1\"] "
         "hello\n";
  auto r = run_command({decnet_binary(), "replay", (dir / "fleet.log").string()}, env);
  ASSERT_EQ(r.status, 0) << r.output;
  r = run_command({decnet_binary(), "enrich", "--ip", "45.83.64.1"}, env);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("45.83.64.1 verdict=malicious greynoise=malicious"), std::string::npos)
      << r.output;
  ASSERT_EQ(greynoise.count(), 1u);
  EXPECT_EQ(greynoise.requests().front().headers.at("key"), "k3y-abc");
  EXPECT_EQ(greynoise.requests().front().target, "/v3/community/45.83.64.1");
  EXPECT_EQ(r.output.find("k3y-abc"), std::string::npos);  // the key is never printed
  r = run_command({decnet_binary(), "enrich", "--ip", "198.51.100.99"}, env);
  EXPECT_EQ(r.status, 1);
  env["DECNET_INTEL_PROVIDERS"] = " greynoise ,, Shodan";
  r = run_command({decnet_binary(), "enrich"}, env);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("DECNET_INTEL_PROVIDERS: unknown provider 'shodan'"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace decnet::app
