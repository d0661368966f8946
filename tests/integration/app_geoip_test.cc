// `decnet geoip refresh|lookup` and `decnet asn refresh` on fixture files in the real formats:
// files are checked before they are installed, a bad file changes nothing, and lookups answer
// from what was installed.
#include <gtest/gtest.h>

#include <fstream>

#include "tests_support.h"

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
