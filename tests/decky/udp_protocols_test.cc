// The DNS question and TFTP request readers on queries as dig and curl send them, built byte by
// byte: names lowercased and bounded, pointers and responses refused; the answers echo the
// question with the chosen rcode, and a TFTP refusal is the ERROR packet RFC 1350 lays out.
#include <gtest/gtest.h>

#include "decky/protocol/dns_message.h"
#include "decky/protocol/tftp_packet.h"

namespace decnet::decky {
namespace {

std::string query(const std::string& name, std::uint16_t type, std::uint16_t klass,
                  std::uint16_t flags = 0x0100) {
  std::string m{'\x12',
                '\x34',
                static_cast<char>(flags >> 8),
                static_cast<char>(flags & 0xff),
                '\0',
                '\x01',
                '\0',
                '\0',
                '\0',
                '\0',
                '\0',
                '\0'};
  std::size_t start = 0;
  while (start < name.size()) {
    const auto dot = name.find('.', start);
    const auto label =
        name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    m += static_cast<char>(label.size());
    m += label;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  m += '\0';
  m += {static_cast<char>(type >> 8), static_cast<char>(type & 0xff), static_cast<char>(klass >> 8),
        static_cast<char>(klass & 0xff)};
  return m;
}

TEST(DnsMessage, ReadsTheQuestion) {
  const auto m = query("WWW.Example.COM", 28, 1);
  const auto q = parse_dns_query(m);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->name, "www.example.com");
  EXPECT_EQ(dns_type_name(q->type), "AAAA");
  EXPECT_EQ(q->klass, kDnsClassIn);
  EXPECT_TRUE(q->recursion_desired());
  EXPECT_EQ(q->opcode(), 0);
  EXPECT_EQ(q->question_end, m.size());
}

TEST(DnsMessage, RefusesResponsesPointersAndOverlongNames) {
  EXPECT_FALSE(parse_dns_query(query("a.example", 1, 1, 0x8100)));  // a response
  auto pointer = query("a.example", 1, 1);
  pointer[12] = static_cast<char>(0xc0);
  EXPECT_FALSE(parse_dns_query(pointer));
  std::string long_name;
  for (int i = 0; i < 10; ++i) long_name += std::string(40, 'a') + ".";
  EXPECT_FALSE(parse_dns_query(query(long_name + "com", 1, 1)));
  const auto whole = query("a.example", 1, 1);
  for (std::size_t n = 0; n < whole.size(); ++n) EXPECT_FALSE(parse_dns_query(whole.substr(0, n)));
}

TEST(DnsMessage, ResponsesEchoTheQuestion) {
  const auto m = query("x.example", 1, 1);
  const auto q = *parse_dns_query(m);
  const auto refused = dns_response(m, q, kDnsRefused, false);
  EXPECT_EQ(refused.size(), m.size());
  EXPECT_EQ(refused.substr(0, 2), "\x12\x34");
  EXPECT_EQ(static_cast<unsigned char>(refused[2]), 0x81);  // QR, RD kept
  EXPECT_EQ(static_cast<unsigned char>(refused[3]), 0x05);  // RA clear, REFUSED
  EXPECT_EQ(refused.substr(12), m.substr(12));
  const auto v = query("version.bind", kDnsTxt, kDnsClassChaos);
  const auto txt = dns_response(v, *parse_dns_query(v), kDnsNoError, true, "9.18");
  EXPECT_EQ(static_cast<unsigned char>(txt[2]) & 0x04, 0x04);  // authoritative
  EXPECT_EQ(txt[7], 1);                                        // one answer
  EXPECT_EQ(txt.substr(txt.size() - 5), std::string("\x04", 1) + "9.18");
}

TEST(TftpPacket, ReadsRequestsAndRefusesTheRest) {
  const auto r = parse_tftp_request(std::string("\0\x01router-confg\0octet\0", 21));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->opcode, kTftpRead);
  EXPECT_EQ(r->filename, "router-confg");
  EXPECT_EQ(r->mode, "octet");
  const auto w = parse_tftp_request(std::string("\0\x02x.bin\0netascii\0", 17));
  ASSERT_TRUE(w);
  EXPECT_EQ(w->opcode, kTftpWrite);
  EXPECT_FALSE(parse_tftp_request(std::string("\0\x03\0\x01", 4) + "data"));  // DATA
  EXPECT_FALSE(parse_tftp_request(std::string("\0\x01name-without-end", 19)));
  EXPECT_FALSE(parse_tftp_request(std::string("\0\x01\0octet\0", 9)));  // empty name
  EXPECT_EQ(parse_tftp_request(std::string("\0\x01", 2) + std::string(400, 'a') +
                               std::string("\0octet\0", 7))
                ->filename.size(),
            255u);
  EXPECT_EQ(tftp_error(1, "File not found"),
            std::string("\0\x05\0\x01", 4) + "File not found" + std::string(1, '\0'));
}

}  // namespace
}  // namespace decnet::decky
