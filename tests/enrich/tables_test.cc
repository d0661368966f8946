// The offline lookup tables: RIR delegated files (IPv4 counts that are not CIDR-aligned, IPv6
// prefix lengths, the rows that must be ignored), iptoasn TSV (plain and gzipped, ASN 0
// skipped, covering prefixes), and overlapping ranges resolved to the most specific one.
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>

#include "enrich/asn_table.h"
#include "enrich/geoip.h"
#include "enrich/ip_range_table.h"
#include "tests_support.h"

namespace decnet::enrich {
namespace {

using namespace decnet::testing;

core::IpAddress table_ip(const char* text) {
  return *core::IpAddress::parse(text);
}

constexpr const char* kRipe =
    "2|ripencc|20260420|230000|19830101|20260419|+0000\n"
    "ripencc|*|ipv4|*|150000|summary\n"
    "# a comment\n"
    "ripencc|DE|ipv4|2.16.0.0|768|20100712|allocated|abc\n"
    "ripencc|FR|ipv4|2.16.3.0|256|20100712|assigned\n"
    "ripencc|ZZ|ipv4|5.0.0.0|256|20100712|available\n"
    "ripencc|NL|ipv4|5.1.0.0|256|20100712|reserved\n"
    "ripencc|GB|ipv4|05.2.0.0|256|20100712|allocated\n"
    "ripencc|IT|ipv6|2a00:1000::|24|20100712|allocated\n"
    "ripencc|ES|ipv6|2a00:1000:ff00::|40|20100712|assigned\n"
    "ripencc|SE|asn|3301|1|19930901|allocated\n";

TEST(GeoIp, ParsesDelegationsIncludingIpv6) {
  GeoIpTable table;
  EXPECT_EQ(table.add_delegations(kRipe), 4u);
  table.finish();
  EXPECT_EQ(table.country(table_ip("2.16.0.1")), "DE");
  EXPECT_EQ(table.country(table_ip("2.16.2.255")), "DE");  // 768 addresses: three /24s
  EXPECT_EQ(table.country(table_ip("2.16.3.7")), "FR");
  EXPECT_EQ(table.country(table_ip("2.16.4.0")), std::nullopt);
  EXPECT_EQ(table.country(table_ip("5.0.0.1")), std::nullopt);  // ZZ / available
  EXPECT_EQ(table.country(table_ip("5.1.0.1")), std::nullopt);  // reserved
  EXPECT_EQ(table.country(table_ip("5.2.0.1")), std::nullopt);  // non-canonical start skipped
  EXPECT_EQ(table.country(table_ip("2a00:1000:1::1")), "IT");
  EXPECT_EQ(table.country(table_ip("2a00:1000:ff00::5")), "ES");  // the more specific prefix wins
  EXPECT_EQ(table.country(table_ip("2a00:1001::5")), "IT");       // and the outer one resumes after
  EXPECT_EQ(table.country(table_ip("::ffff:2.16.3.7")), "FR");    // mapped form, same answer
}

TEST(GeoIp, NonPublicAddressesNeverGetACountry) {
  GeoIpTable table;
  table.add_delegations(
      "arin|US|ipv4|10.0.0.0|16777216|1|allocated\n"
      "arin|US|ipv4|100.64.0.0|4194304|1|allocated\n"
      "arin|US|ipv6|fc00::|7|1|allocated\n");
  table.finish();
  for (const char* a : {"10.1.2.3", "100.64.0.1", "fd00::1"}) {
    EXPECT_EQ(table.country(table_ip(a)), std::nullopt) << a;
  }
}

TEST(GeoIp, LoadsEveryFileOfADirectory) {
  TempDir dir;
  std::ofstream(dir / "ripe.txt") << kRipe;
  std::ofstream(dir / "arin.txt") << "arin|US|ipv4|8.8.8.0|256|1|allocated\n";
  std::ofstream(dir / "notes.md") << "arin|CA|ipv4|9.9.9.0|256|1|allocated\n";
  const auto table = GeoIpTable::load_dir(dir.path());
  EXPECT_EQ(table.country(table_ip("8.8.8.8")), "US");
  EXPECT_EQ(table.country(table_ip("9.9.9.9")), std::nullopt);
  EXPECT_EQ(GeoIpTable::load_dir(dir / "missing").v4_ranges(), 0u);
}

TEST(IpRangeTable, MostSpecificRangeWinsAndOuterResumes) {
  using Table = IpRangeTable<std::uint32_t, int>;
  const Table t({{100, 199, 1}, {120, 129, 2}, {125, 125, 3}, {300, 300, 4}, {150, 250, 5}});
  const auto at = [&](std::uint32_t k) {
    const int* v = t.find(k);
    return v ? *v : 0;
  };
  EXPECT_EQ(at(99), 0);
  EXPECT_EQ(at(100), 1);
  EXPECT_EQ(at(119), 1);
  EXPECT_EQ(at(120), 2);
  EXPECT_EQ(at(125), 3);
  EXPECT_EQ(at(126), 2);
  EXPECT_EQ(at(130), 1);
  EXPECT_EQ(at(150), 1);  // 100-199 (span 99) beats 150-250 (span 100)
  EXPECT_EQ(at(200), 5);
  EXPECT_EQ(at(250), 5);
  EXPECT_EQ(at(251), 0);
  EXPECT_EQ(at(300), 4);
  EXPECT_EQ(at(0xffffffff), 0);
  const Table top({{0xfffffff0u, 0xffffffffu, 7}});
  EXPECT_EQ(*top.find(0xffffffffu), 7);
}

std::string gzip(const std::string& text) {
  TempDir dir;
  const auto path = (dir / "x.gz").string();
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(AsnTable, ReadsIptoasnWithCoveringPrefixes) {
  TempDir dir;
  const std::string v4 =
      "1.0.0.0\t1.0.0.191\t13335\tUS\tCLOUDFLARENET\n"
      "8.8.8.0\t8.8.8.255\t15169\tUS\tGOOGLE\n"
      "9.9.9.9\t9.9.9.9\t19281\tUS\tQUAD9-AS-1\n"
      "1.0.4.0\t1.0.7.255\t0\tNone\tNot routed\n"
      "bad\t1.0.0.1\t1\tUS\tX\n"
      "2.0.0.9\t2.0.0.1\t3215\tFR\tBACKWARDS\n";
  std::ofstream(dir / "ip2asn-v4.tsv.gz", std::ios::binary) << gzip(v4);
  std::ofstream(dir / "ip2asn-v6.tsv") << "2001:4860::\t2001:4860:ffff:ffff:ffff:ffff:ffff:ffff\t"
                                          "15169\tUS\tGOOGLE\n";
  const auto table = AsnTable::load_dir(dir.path());
  EXPECT_EQ(table.ranges(), 4u);
  auto hit = table.lookup(table_ip("8.8.8.8"));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->asn, 15169);
  EXPECT_EQ(hit->name, "GOOGLE");
  EXPECT_EQ(hit->prefix, "8.8.8.0/24");
  EXPECT_EQ(table.lookup(table_ip("1.0.0.5"))->prefix, "1.0.0.0/25");
  EXPECT_EQ(table.lookup(table_ip("1.0.0.130"))->prefix, "1.0.0.128/26");
  EXPECT_EQ(table.lookup(table_ip("9.9.9.9"))->prefix, "9.9.9.9/32");
  EXPECT_FALSE(table.lookup(table_ip("1.0.5.1")));   // not routed
  EXPECT_FALSE(table.lookup(table_ip("10.0.0.1")));  // private
  hit = table.lookup(table_ip("2001:4860:4860::8888"));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->asn, 15169);
  EXPECT_EQ(hit->prefix, "2001:4860::/32");
}

}  // namespace
}  // namespace decnet::enrich
