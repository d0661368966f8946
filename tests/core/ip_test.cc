// IpAddress / IpEndpoint / IpPrefix: canonical parsing and RFC 5952 output, rejection of the
// inet_aton() legacy spellings used for SSRF bypasses, and every classification range checked at
// its first and last address and at the neighbours on both sides.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <unordered_set>

#include "core/ip.h"

namespace decnet::core {
namespace {

IpAddress ip(std::string_view s) {
  const auto a = IpAddress::parse(s);
  EXPECT_TRUE(a.has_value()) << s;
  return a.value_or(IpAddress());
}

TEST(IpParseTest, CanonicalRoundTrips) {
  struct Case {
    std::string_view in;
    std::string_view out;
    bool v4;
  };
  const Case cases[] = {
      {"0.0.0.0", "0.0.0.0", true},
      {"1.2.3.4", "1.2.3.4", true},
      {"10.0.0.1", "10.0.0.1", true},
      {"192.168.100.200", "192.168.100.200", true},
      {"255.255.255.255", "255.255.255.255", true},
      {"::", "::", false},
      {"::1", "::1", false},
      {"1::", "1::", false},
      {"2001:db8::1", "2001:db8::1", false},
      {"2001:DB8::1", "2001:db8::1", false},
      {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1", false},
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", false},     // first of equal runs
      {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1", false},           // longest run
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", false},  // one zero group stays
      {"1:0:0:2:0:0:0:3", "1:0:0:2::3", false},
      {"0:0:1:0:0:1:0:0", "::1:0:0:1:0:0", false},
      {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", false},
      {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0", false},
      {"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8", false},
      {"0:0:0:0:0:0:0:0", "::", false},
      {"0:0:0:0:0:0:0:1", "::1", false},
      {"FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false},
      {"fe80::1", "fe80::1", false},
      {"ff02::1", "ff02::1", false},
      {"2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", false},
      {"::ffff:1.2.3.4", "::ffff:1.2.3.4", false},
      {"::FFFF:1.2.3.4", "::ffff:1.2.3.4", false},
      {"::ffff:0102:0304", "::ffff:1.2.3.4", false},
      {"0:0:0:0:0:ffff:7f00:1", "::ffff:127.0.0.1", false},
      {"::ffff:0:0", "::ffff:0.0.0.0", false},
      {"64:ff9b::192.0.2.33", "64:ff9b::c000:221", false},
      {"::1.2.3.4", "::102:304", false},
      {"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304", false},
      {"0000:0000:0000:0000:0000:ffff:255.255.255.255", "::ffff:255.255.255.255", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.in));
    const auto a = IpAddress::parse(c.in);
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->str(), c.out);
    EXPECT_EQ(a->is_v4(), c.v4);
    EXPECT_EQ(a->is_v6(), !c.v4);
    EXPECT_EQ(IpAddress::parse(a->str()), a);  // output parses back to the same value
  }
}

TEST(IpParseTest, SsrfSpellingsRejected) {
  const std::string_view cases[] = {
      "2130706433",    // decimal 127.0.0.1
      "017700000001",  // octal
      "0x7f000001",    // hex
      "0177.0.0.1",    // octal octet
      "0x7f.0.0.1",    // hex octet
      "0X7F.0.0.1",
      "0x7f.1",
      "127.1",  // short forms
      "127.0.1",
      "10.1",
      "010.1.1.1",  // leading zeros
      "127.0.0.01",
      "127.000.000.001",
      "00.0.0.0",
      "1e2.0.0.1",
      "127.0.0.1.",
      ".127.0.0.1",
      "127..0.1",
      "127.0.0.1 ",
      " 127.0.0.1",
      "127.0.0.1\n",
      "+127.0.0.1",
      "127.0.0.-1",
      "127.0.0.256",
      "256.0.0.1",
      "1.2.3.4.5",
      "1.2.3",
      "1.2.3.",
      "1234.1.1.1",
      "127.0.0.1/8",
      "127.0.0.1:80",
      "localhost",
      "",
      ".",
      "...",
  };
  for (std::string_view c : cases) {
    SCOPED_TRACE(std::string(c));
    EXPECT_FALSE(IpAddress::parse(c).has_value());
  }
  EXPECT_FALSE(IpAddress::parse(std::string("127.0.0.1\0", 10)).has_value());
  EXPECT_FALSE(IpAddress::parse(std::string("127.0\0.0.1", 10)).has_value());
}

TEST(IpParseTest, InvalidV6Rejected) {
  const std::string_view cases[] = {
      ":",
      ":::",
      "1:::2",
      "1::2::3",
      "::1::",
      ":1::2",
      "1::2:",
      ":1:2:3:4:5:6:7:8",
      "1:2:3:4:5:6:7:8:",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8::",
      "::1:2:3:4:5:6:7:8",
      "1:2:3:4::5:6:7:8",
      "12345::",
      "::12345",
      "g::1",
      "::1%eth0",
      "fe80::1%1",
      "fe80::1%",
      "[::1]",
      "[::1",
      "::1]",
      "::ffff:1.2.3",
      "::ffff:01.2.3.4",
      "::ffff:1.2.3.04",
      "::ffff:1.2.3.256",
      "::ffff:0x7f.0.0.1",
      "::ffff:127.1",
      "::1.2.3.4:5",
      "::1.2.3.4::",
      "1.2.3.4::",
      "1.2.3.4::1",
      "::ffff:1.2.3.4.5",
      "1:2:3:4:5:6:7:1.2.3.4",
      "1:2:3:4:5:6:7:8:1.2.3.4",
      "::ffff:1.2.3.4/96",
      " ::1",
      "::1 ",
      "0:0:0:0:0:0:0:0:0",
      "-1::",
      "+1::",
      "1 ::",
      "::ffff:1.2.3.4%eth0",
      "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255:0",
  };
  for (std::string_view c : cases) {
    SCOPED_TRACE(std::string(c));
    EXPECT_FALSE(IpAddress::parse(c).has_value());
  }
  EXPECT_FALSE(IpAddress::parse(std::string("::1\0", 4)).has_value());
}

TEST(IpAddressTest, FamiliesAndMapping) {
  const IpAddress v4 = ip("127.0.0.1");
  const IpAddress mapped = ip("::ffff:127.0.0.1");
  EXPECT_TRUE(v4.is_v4());
  EXPECT_FALSE(v4.is_v4_mapped());
  EXPECT_FALSE(v4.embedded_v4().has_value());
  EXPECT_EQ(v4.unmapped(), v4);
  EXPECT_TRUE(mapped.is_v6());
  EXPECT_TRUE(mapped.is_v4_mapped());
  EXPECT_EQ(mapped.embedded_v4(), v4);
  EXPECT_EQ(mapped.unmapped(), v4);
  EXPECT_NE(v4, mapped);                  // family is part of the value
  EXPECT_EQ(v4.bytes(), mapped.bytes());  // documented storage: v4 kept in mapped form
  EXPECT_EQ(v4.v4_value(), 0x7f000001u);
  EXPECT_EQ(v4.max_prefix_length(), 32);
  EXPECT_EQ(mapped.max_prefix_length(), 128);
  EXPECT_FALSE(ip("::1").is_v4_mapped());
  EXPECT_FALSE(ip("::fffe:1.2.3.4").is_v4_mapped());
  EXPECT_FALSE(ip("::1:ffff:1.2.3.4").is_v4_mapped());
  EXPECT_FALSE(ip("::1.2.3.4").embedded_v4().has_value());  // v4-compatible is not unwrapped
  EXPECT_EQ(IpAddress().str(), "::");
}

TEST(IpAddressTest, Constructors) {
  EXPECT_EQ(IpAddress::from_v4(0x01020304).str(), "1.2.3.4");
  EXPECT_EQ(IpAddress::from_v4_bytes({192, 0, 2, 1}), ip("192.0.2.1"));
  std::array<uint8_t, 16> b{};
  b[0] = 0x20;
  b[1] = 0x01;
  b[2] = 0x0d;
  b[3] = 0xb8;
  b[15] = 1;
  EXPECT_EQ(IpAddress::from_v6_bytes(b), ip("2001:db8::1"));
}

TEST(IpAddressTest, OrderingAndHash) {
  EXPECT_LT(ip("255.255.255.255"), ip("::"));  // every v4 before every v6
  EXPECT_LT(ip("1.2.3.4"), ip("1.2.3.5"));
  EXPECT_LT(ip("9.255.255.255"), ip("10.0.0.0"));
  EXPECT_LT(ip("::1"), ip("::2"));
  EXPECT_LT(ip("::ffff"), ip("1::"));
  std::unordered_set<IpAddress> set;
  set.insert(ip("1.2.3.4"));
  set.insert(ip("::ffff:1.2.3.4"));
  set.insert(ip("1.2.3.4"));
  EXPECT_EQ(set.size(), 2u);
  std::set<IpAddress> ordered = {ip("::1"), ip("10.0.0.1"), ip("2.0.0.1")};
  EXPECT_EQ(ordered.begin()->str(), "2.0.0.1");
}

struct ClassCase {
  std::string_view addr;
  IpClass cls;
};

const ClassCase kV4Classes[] = {
    {"0.0.0.0", IpClass::kUnspecified},
    {"0.255.255.255", IpClass::kUnspecified},
    {"1.0.0.0", IpClass::kPublic},
    {"1.1.1.1", IpClass::kPublic},
    {"8.8.8.8", IpClass::kPublic},
    {"9.255.255.255", IpClass::kPublic},
    {"10.0.0.0", IpClass::kPrivate},
    {"10.255.255.255", IpClass::kPrivate},
    {"11.0.0.0", IpClass::kPublic},
    {"100.63.255.255", IpClass::kPublic},
    {"100.64.0.0", IpClass::kCgnat},
    {"100.127.255.255", IpClass::kCgnat},
    {"100.128.0.0", IpClass::kPublic},
    {"126.255.255.255", IpClass::kPublic},
    {"127.0.0.0", IpClass::kLoopback},
    {"127.0.0.1", IpClass::kLoopback},
    {"127.255.255.255", IpClass::kLoopback},
    {"128.0.0.0", IpClass::kPublic},
    {"169.253.255.255", IpClass::kPublic},
    {"169.254.0.0", IpClass::kLinkLocal},
    {"169.254.169.254", IpClass::kLinkLocal},
    {"169.254.255.255", IpClass::kLinkLocal},
    {"169.255.0.0", IpClass::kPublic},
    {"172.15.255.255", IpClass::kPublic},
    {"172.16.0.0", IpClass::kPrivate},
    {"172.31.255.255", IpClass::kPrivate},
    {"172.32.0.0", IpClass::kPublic},
    {"191.255.255.255", IpClass::kPublic},
    {"192.0.0.0", IpClass::kIetfProtocol},
    {"192.0.0.255", IpClass::kIetfProtocol},
    {"192.0.1.0", IpClass::kPublic},
    {"192.0.1.255", IpClass::kPublic},
    {"192.0.2.0", IpClass::kDocumentation},
    {"192.0.2.255", IpClass::kDocumentation},
    {"192.0.3.0", IpClass::kPublic},
    {"192.88.98.255", IpClass::kPublic},
    {"192.88.99.0", IpClass::kSixToFour},
    {"192.88.99.255", IpClass::kSixToFour},
    {"192.88.100.0", IpClass::kPublic},
    {"192.167.255.255", IpClass::kPublic},
    {"192.168.0.0", IpClass::kPrivate},
    {"192.168.255.255", IpClass::kPrivate},
    {"192.169.0.0", IpClass::kPublic},
    {"198.17.255.255", IpClass::kPublic},
    {"198.18.0.0", IpClass::kBenchmark},
    {"198.19.255.255", IpClass::kBenchmark},
    {"198.20.0.0", IpClass::kPublic},
    {"198.51.99.255", IpClass::kPublic},
    {"198.51.100.0", IpClass::kDocumentation},
    {"198.51.100.255", IpClass::kDocumentation},
    {"198.51.101.0", IpClass::kPublic},
    {"203.0.112.255", IpClass::kPublic},
    {"203.0.113.0", IpClass::kDocumentation},
    {"203.0.113.255", IpClass::kDocumentation},
    {"203.0.114.0", IpClass::kPublic},
    {"223.255.255.255", IpClass::kPublic},
    {"224.0.0.0", IpClass::kMulticast},
    {"239.255.255.255", IpClass::kMulticast},
    {"240.0.0.0", IpClass::kReserved},
    {"255.255.255.254", IpClass::kReserved},
    {"255.255.255.255", IpClass::kBroadcast},
};

const ClassCase kV6Classes[] = {
    {"::", IpClass::kUnspecified},
    {"::1", IpClass::kLoopback},
    {"::2", IpClass::kReserved},
    {"::127.0.0.1", IpClass::kReserved},  // deprecated v4-compatible form
    {"::fffe:ffff:ffff", IpClass::kReserved},
    {"::ffff:0.0.0.0", IpClass::kUnspecified},
    {"::ffff:127.0.0.1", IpClass::kLoopback},
    {"::ffff:10.1.2.3", IpClass::kPrivate},
    {"::ffff:169.254.169.254", IpClass::kLinkLocal},
    {"::ffff:100.64.0.1", IpClass::kCgnat},
    {"::ffff:255.255.255.255", IpClass::kBroadcast},
    {"::ffff:8.8.8.8", IpClass::kPublic},
    {"::1:0:0:0", IpClass::kReserved},
    {"::ffff:0:0:0", IpClass::kReserved},  // SIIT translated, not mapped
    {"64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kReserved},
    {"64:ff9b::", IpClass::kNat64},
    {"64:ff9b::8.8.8.8", IpClass::kNat64},
    {"64:ff9b::ffff:ffff", IpClass::kNat64},
    {"64:ff9b::1:0:0", IpClass::kReserved},
    {"64:ff9b:0:1::", IpClass::kReserved},
    {"64:ff9b:0:ffff:ffff:ffff:ffff:ffff", IpClass::kReserved},
    {"64:ff9b:1::", IpClass::kNat64},
    {"64:ff9b:1:ffff:ffff:ffff:ffff:ffff", IpClass::kNat64},
    {"64:ff9b:2::", IpClass::kReserved},
    {"ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kReserved},
    {"100::", IpClass::kDiscard},
    {"100::ffff:ffff:ffff:ffff", IpClass::kDiscard},
    {"100:0:0:1::", IpClass::kReserved},
    {"1000::", IpClass::kReserved},
    {"1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kReserved},
    {"2000::", IpClass::kPublic},
    {"2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kPublic},
    {"2001::", IpClass::kTeredo},
    {"2001:0:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kTeredo},
    {"2001:1::", IpClass::kIetfProtocol},
    {"2001:1::1", IpClass::kIetfProtocol},
    {"2001:1:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kIetfProtocol},
    {"2001:2::", IpClass::kBenchmark},
    {"2001:2:0:ffff:ffff:ffff:ffff:ffff", IpClass::kBenchmark},
    {"2001:2:1::", IpClass::kIetfProtocol},
    {"2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kIetfProtocol},
    {"2001:200::", IpClass::kPublic},
    {"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kPublic},
    {"2001:db8::", IpClass::kDocumentation},
    {"2001:db8::1", IpClass::kDocumentation},
    {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kDocumentation},
    {"2001:db9::", IpClass::kPublic},
    {"2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kPublic},
    {"2002::", IpClass::kSixToFour},
    {"2002:7f00:1::", IpClass::kSixToFour},
    {"2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kSixToFour},
    {"2003::", IpClass::kPublic},
    {"2606:4700:4700::1111", IpClass::kPublic},
    {"2a00:1450:4001:81b::200e", IpClass::kPublic},
    {"3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kPublic},
    {"3fff::", IpClass::kDocumentation},
    {"3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kDocumentation},
    {"3fff:1000::", IpClass::kPublic},
    {"3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kPublic},
    {"4000::", IpClass::kReserved},
    {"5f00::1", IpClass::kReserved},
    {"8000::", IpClass::kReserved},
    {"e000::", IpClass::kReserved},
    {"fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kReserved},
    {"fc00::", IpClass::kUniqueLocal},
    {"fd12:3456:789a::1", IpClass::kUniqueLocal},
    {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kUniqueLocal},
    {"fe00::", IpClass::kReserved},
    {"fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kReserved},
    {"fe80::", IpClass::kLinkLocal},
    {"fe80::1", IpClass::kLinkLocal},
    {"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kLinkLocal},
    {"fec0::", IpClass::kSiteLocal},
    {"feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kSiteLocal},
    {"ff00::", IpClass::kMulticast},
    {"ff02::1", IpClass::kMulticast},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpClass::kMulticast},
};

TEST(IpClassifyTest, V4Ranges) {
  for (const ClassCase& c : kV4Classes) {
    SCOPED_TRACE(std::string(c.addr));
    const IpAddress a = ip(c.addr);
    EXPECT_EQ(to_string(classify(a)), to_string(c.cls));
    EXPECT_EQ(is_public(a), c.cls == IpClass::kPublic);
  }
}

TEST(IpClassifyTest, V6Ranges) {
  for (const ClassCase& c : kV6Classes) {
    SCOPED_TRACE(std::string(c.addr));
    const IpAddress a = ip(c.addr);
    EXPECT_EQ(to_string(classify(a)), to_string(c.cls));
    EXPECT_EQ(is_public(a), c.cls == IpClass::kPublic);
  }
}

TEST(IpClassifyTest, MappedTakesClassOfEmbeddedV4) {
  for (const ClassCase& c : kV4Classes) {
    SCOPED_TRACE(std::string(c.addr));
    const IpAddress mapped = ip("::ffff:" + std::string(c.addr));
    EXPECT_EQ(classify(mapped), c.cls);
  }
}

TEST(IpClassifyTest, NamesAreDistinct) {
  const IpClass all[] = {
      IpClass::kPublic,        IpClass::kPrivate,      IpClass::kLoopback,    IpClass::kLinkLocal,
      IpClass::kCgnat,         IpClass::kMulticast,    IpClass::kUnspecified, IpClass::kBroadcast,
      IpClass::kDocumentation, IpClass::kReserved,     IpClass::kBenchmark,   IpClass::kSiteLocal,
      IpClass::kUniqueLocal,   IpClass::kIetfProtocol, IpClass::kNat64,       IpClass::kTeredo,
      IpClass::kSixToFour,     IpClass::kDiscard,
  };
  std::set<std::string_view> names;
  for (IpClass c : all) {
    EXPECT_NE(to_string(c), "unknown");
    EXPECT_TRUE(names.insert(to_string(c)).second) << to_string(c);
  }
  EXPECT_EQ(to_string(IpClass::kPublic), "public");
  EXPECT_EQ(to_string(IpClass::kLinkLocal), "link-local");
}

TEST(IpEndpointTest, Valid) {
  struct Case {
    std::string_view in;
    std::string_view addr;
    uint16_t port;
  };
  const Case cases[] = {
      {"1.2.3.4:22", "1.2.3.4", 22},
      {"1.2.3.4:0", "1.2.3.4", 0},
      {"1.2.3.4:65535", "1.2.3.4", 65535},
      {"[2001:db8::1]:22", "2001:db8::1", 22},
      {"[::1]:8080", "::1", 8080},
      {"[::]:0", "::", 0},
      {"[::ffff:1.2.3.4]:80", "::ffff:1.2.3.4", 80},
      {"[2001:DB8:0:0:0:0:0:1]:443", "2001:db8::1", 443},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.in));
    const auto ep = parse_endpoint(c.in);
    ASSERT_TRUE(ep.has_value());
    EXPECT_EQ(ep->ip.str(), c.addr);
    EXPECT_EQ(ep->port, c.port);
    EXPECT_EQ(parse_endpoint(ep->str()), ep);
  }
  EXPECT_EQ(parse_endpoint("[2001:DB8::1]:22")->str(), "[2001:db8::1]:22");
  EXPECT_EQ(parse_endpoint("1.2.3.4:22")->str(), "1.2.3.4:22");
}

TEST(IpEndpointTest, Invalid) {
  const std::string_view cases[] = {
      "",
      "1.2.3.4",
      "1.2.3.4:",
      ":22",
      "1.2.3.4:65536",
      "1.2.3.4:99999",
      "1.2.3.4:100000",
      "1.2.3.4:+22",
      "1.2.3.4:-1",
      "1.2.3.4:022",
      "1.2.3.4:00",
      "1.2.3.4:22 ",
      "1.2.3.4: 22",
      "1.2.3.4:0x16",
      "1.2.3.4:22:33",
      "127.1:80",
      "0x7f.0.0.1:80",
      "2130706433:80",
      "[1.2.3.4]:22",
      "2001:db8::1:22",
      "::1:22",
      "[2001:db8::1]",
      "[2001:db8::1]22",
      "[2001:db8::1]:",
      "[2001:db8::1]:65536",
      "[::1%eth0]:22",
      "[::1]]:22",
      "[[::1]]:22",
      "[::1]:22]",
      "[]:22",
      "[::1:22",
      "localhost:22",
  };
  for (std::string_view c : cases) {
    SCOPED_TRACE(std::string(c));
    EXPECT_FALSE(parse_endpoint(c).has_value());
  }
}

TEST(IpPrefixTest, ParseAndContains) {
  const auto p8 = IpPrefix::parse("10.0.0.0/8");
  ASSERT_TRUE(p8.has_value());
  EXPECT_EQ(p8->length, 8);
  EXPECT_EQ(p8->str(), "10.0.0.0/8");
  EXPECT_TRUE(p8->contains(ip("10.0.0.0")));
  EXPECT_TRUE(p8->contains(ip("10.255.255.255")));
  EXPECT_FALSE(p8->contains(ip("9.255.255.255")));
  EXPECT_FALSE(p8->contains(ip("11.0.0.0")));
  EXPECT_FALSE(p8->contains(ip("::ffff:10.0.0.1")));  // family must match

  const auto p12 = IpPrefix::parse("172.16.0.0/12");
  ASSERT_TRUE(p12.has_value());
  EXPECT_TRUE(p12->contains(ip("172.31.255.255")));
  EXPECT_FALSE(p12->contains(ip("172.32.0.0")));

  const auto all4 = IpPrefix::parse("0.0.0.0/0");
  ASSERT_TRUE(all4.has_value());
  EXPECT_TRUE(all4->contains(ip("255.255.255.255")));
  EXPECT_FALSE(all4->contains(ip("::")));

  const auto all6 = IpPrefix::parse("::/0");
  ASSERT_TRUE(all6.has_value());
  EXPECT_TRUE(all6->contains(ip("ffff::")));
  EXPECT_TRUE(all6->contains(ip("::ffff:1.2.3.4")));
  EXPECT_FALSE(all6->contains(ip("1.2.3.4")));

  const auto doc = IpPrefix::parse("2001:db8::/32");
  ASSERT_TRUE(doc.has_value());
  EXPECT_TRUE(doc->contains(ip("2001:db8:ffff::1")));
  EXPECT_FALSE(doc->contains(ip("2001:db9::")));

  const auto host = IpPrefix::parse("1.2.3.4/32");
  ASSERT_TRUE(host.has_value());
  EXPECT_TRUE(host->contains(ip("1.2.3.4")));
  EXPECT_FALSE(host->contains(ip("1.2.3.5")));

  const auto odd = IpPrefix::parse("fe80::/10");
  ASSERT_TRUE(odd.has_value());
  EXPECT_TRUE(odd->contains(ip("febf::1")));
  EXPECT_FALSE(odd->contains(ip("fec0::")));

  const auto h128 = IpPrefix::parse("::1/128");
  ASSERT_TRUE(h128.has_value());
  EXPECT_TRUE(h128->contains(ip("::1")));
  EXPECT_FALSE(h128->contains(ip("::2")));
}

TEST(IpPrefixTest, StrictAndLenient) {
  EXPECT_FALSE(IpPrefix::parse("10.1.0.0/8").has_value());
  const auto lenient = IpPrefix::parse("10.1.0.0/8", false);
  ASSERT_TRUE(lenient.has_value());
  EXPECT_EQ(lenient->str(), "10.0.0.0/8");
  EXPECT_FALSE(IpPrefix::parse("2001:db8::1/32").has_value());
  EXPECT_EQ(IpPrefix::parse("2001:db8::1/32", false)->str(), "2001:db8::/32");
  EXPECT_EQ(IpPrefix::parse("192.168.1.77/26", false)->str(), "192.168.1.64/26");
}

TEST(IpPrefixTest, Invalid) {
  const std::string_view cases[] = {
      "10.0.0.0",    "10.0.0.0/",    "/8",          "10.0.0.0/33",  "10.0.0.0/08", "10.0.0.0/-1",
      "10.0.0.0/+8", "10.0.0.0/8/8", "10.0.0.0/ 8", "::/129",       "::/1280",     "10/8",
      "010.0.0.0/8", "[::]/0",       "10.0.0.0/8 ", "10.0.0.0/0x8", "::1%lo/128",
  };
  for (std::string_view c : cases) {
    SCOPED_TRACE(std::string(c));
    EXPECT_FALSE(IpPrefix::parse(c, false).has_value());
  }
}

TEST(IpPrefixTest, Of) {
  EXPECT_EQ(IpPrefix::of(ip("203.0.113.77"), 24)->str(), "203.0.113.0/24");
  EXPECT_EQ(IpPrefix::of(ip("203.0.113.77"), 0)->str(), "0.0.0.0/0");
  EXPECT_EQ(IpPrefix::of(ip("203.0.113.77"), 32)->str(), "203.0.113.77/32");
  EXPECT_EQ(IpPrefix::of(ip("2001:db8:1234:5678::1"), 48)->str(), "2001:db8:1234::/48");
  EXPECT_EQ(IpPrefix::of(ip("2001:db8:1234:5678::1"), 0)->str(), "::/0");
  EXPECT_EQ(IpPrefix::of(ip("2001:db8:1234:5678::1"), 33)->str(), "2001:db8::/33");
  EXPECT_EQ(IpPrefix::of(ip("2001:db8:ffff::"), 33)->str(), "2001:db8:8000::/33");
  EXPECT_FALSE(IpPrefix::of(ip("1.2.3.4"), 33).has_value());
  EXPECT_FALSE(IpPrefix::of(ip("1.2.3.4"), -1).has_value());
  EXPECT_FALSE(IpPrefix::of(ip("::1"), 129).has_value());
  EXPECT_TRUE(IpPrefix::of(ip("::1"), 128).has_value());
}

TEST(IpPrefixTest, ContainsAgreesWithClassifyForEveryV4Range) {
  struct Range {
    std::string_view prefix;
    IpClass cls;
  };
  const Range ranges[] = {
      {"10.0.0.0/8", IpClass::kPrivate},      {"172.16.0.0/12", IpClass::kPrivate},
      {"192.168.0.0/16", IpClass::kPrivate},  {"100.64.0.0/10", IpClass::kCgnat},
      {"127.0.0.0/8", IpClass::kLoopback},    {"169.254.0.0/16", IpClass::kLinkLocal},
      {"198.18.0.0/15", IpClass::kBenchmark}, {"192.0.2.0/24", IpClass::kDocumentation},
      {"224.0.0.0/4", IpClass::kMulticast},   {"0.0.0.0/8", IpClass::kUnspecified},
  };
  for (const Range& r : ranges) {
    SCOPED_TRACE(std::string(r.prefix));
    const IpPrefix p = *IpPrefix::parse(r.prefix);
    // Walk the range with a stride that hits both ends.
    const uint32_t first = p.base.v4_value();
    const uint64_t size = uint64_t{1} << (32 - p.length);
    for (uint64_t off = 0; off < size; off += size / 64) {
      const IpAddress a = IpAddress::from_v4(static_cast<uint32_t>(first + off));
      ASSERT_TRUE(p.contains(a));
      ASSERT_EQ(classify(a), r.cls) << a.str();
    }
    const IpAddress last = IpAddress::from_v4(static_cast<uint32_t>(first + size - 1));
    EXPECT_TRUE(p.contains(last));
    EXPECT_EQ(classify(last), r.cls);
  }
}

}  // namespace
}  // namespace decnet::core
