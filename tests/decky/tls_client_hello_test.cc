// ClientHello records built field by field (RFC 8446 4.1.2): the JA3 string lists version,
// suites, extensions, groups and point formats in the order sent, without GREASE values; the
// server name and ALPN protocols are read; a record that is not a whole handshake gives nothing.
#include "decky/protocol/tls_client_hello.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "core/hash.h"

namespace decnet::decky {
namespace {

std::string u16(std::uint32_t v) {
  return {static_cast<char>(v >> 8), static_cast<char>(v)};
}
std::string u24(std::uint32_t v) {
  return {static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
std::string vec16(const std::string& body) {
  return u16(static_cast<std::uint32_t>(body.size())) + body;
}
std::string vec8(const std::string& body) {
  return std::string(1, static_cast<char>(body.size())) + body;
}
std::string extension(std::uint32_t type, const std::string& body) {
  return u16(type) + vec16(body);
}

std::string record(const std::string& extensions, const std::string& suites) {
  std::string hello = u16(0x0303) + std::string(32, 'r') + vec8(std::string(32, 's')) +
                      vec16(suites) + vec8(std::string(1, '\0')) + vec16(extensions);
  const std::string handshake = std::string(1, '\x01') + u24(hello.size()) + hello;
  return std::string("\x16\x03\x01", 3) + u16(handshake.size()) + handshake;
}

TEST(TlsClientHello, Ja3SkipsGreaseAndKeepsOrder) {
  const std::string suites = u16(0x2a2a) + u16(0x1301) + u16(0x1302) + u16(0xc02b);
  const std::string extensions =
      extension(0x1a1a, "") +
      extension(0, vec16(std::string(1, '\0') + vec16("shop.example.com"))) +
      extension(10, vec16(u16(0x3a3a) + u16(29) + u16(23))) +
      extension(11, vec8(std::string(1, '\0'))) +
      extension(16, vec16(vec8("h2") + vec8("http/1.1"))) + extension(65281, vec8(""));
  const auto hello = parse_tls_client_hello(record(extensions, suites));
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->ja3_string, "771,4865-4866-49195,0-10-11-16-65281,29-23,0");
  EXPECT_EQ(hello->ja3, core::md5_hex(hello->ja3_string));
  EXPECT_EQ(hello->server_name, "shop.example.com");
  EXPECT_EQ(hello->alpn, (std::vector<std::string>{"h2", "http/1.1"}));
}

TEST(TlsClientHello, NoExtensionsIsAnOldClient) {
  std::string h = u16(0x0301) + std::string(32, 'r') + vec8("") + vec16(u16(0x002f)) +
                  vec8(std::string(1, '\0'));
  const std::string handshake = std::string(1, '\x01') + u24(h.size()) + h;
  const auto old =
      parse_tls_client_hello(std::string("\x16\x03\x01", 3) + u16(handshake.size()) + handshake);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->ja3_string, "769,47,,,");
}

TEST(TlsClientHello, RecordSizeNeedsAHandshakeHeader) {
  EXPECT_EQ(tls_record_size(std::string("\x16\x03\x01\x01\x00", 5)), 5u + 256u);
  EXPECT_FALSE(tls_record_size("GET /"));
  EXPECT_FALSE(tls_record_size(std::string("\x16\x03\x01\x00", 4)));
  EXPECT_FALSE(tls_record_size(std::string("\x16\x03\x01\xff\xff", 5)));  // over the bound
}

TEST(TlsClientHello, TruncatedOrMalformedGivesNothing) {
  const auto whole = record(extension(0, vec16(std::string(1, '\0') + vec16("a"))), u16(0x1301));
  for (std::size_t n = 0; n < whole.size(); ++n) {
    EXPECT_FALSE(parse_tls_client_hello(whole.substr(0, n))) << n;
  }
  auto not_hello = whole;
  not_hello[5] = '\x02';  // ServerHello
  EXPECT_FALSE(parse_tls_client_hello(not_hello));
  // An extension claiming more bytes than the list holds.
  auto bad = record(u16(0) + u16(500) + "x", u16(0x1301));
  EXPECT_FALSE(parse_tls_client_hello(bad));
}

}  // namespace
}  // namespace decnet::decky
