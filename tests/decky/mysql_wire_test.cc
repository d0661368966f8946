// The MySQL greeting and login as the protocol documentation lays them out: the greeting's
// fields where a client looks for them, a HandshakeResponse41 read with each way of sending the
// auth-response, the SSLRequest told apart, and every truncation refused.
#include "decky/protocol/mysql_wire.h"

#include <gtest/gtest.h>

#include "wire_bytes.h"

namespace decnet::decky {
namespace {

using namespace wire_bytes;

std::string login(std::uint32_t caps, const std::string& auth_part) {
  return le32(caps) + le32(16'777'216) + '\x2d' + std::string(23, '\0') + "root" + '\0' +
         auth_part + "prod" + '\0' + "mysql_native_password" + '\0';
}

constexpr std::uint32_t kCaps = kMysqlClientProtocol41 | kMysqlClientSecureConnection |
                                kMysqlClientPluginAuth | kMysqlClientConnectWithDb;

TEST(MysqlWire, TheGreetingCarriesVersionIdScrambleAndPlugin) {
  const std::string scramble = "abcdefghijklmnopqrst";
  const auto g = mysql_handshake_v10("8.0.36", 0x01020304, scramble);
  EXPECT_EQ(g[0], '\x0a');
  EXPECT_EQ(g.substr(1, 7), std::string("8.0.36\0", 7));
  EXPECT_EQ(g.substr(8, 4), le32(0x01020304));
  EXPECT_EQ(g.substr(12, 8), "abcdefgh");
  EXPECT_EQ(g[20], '\0');
  // After capabilities (2), charset, status (2), capabilities (2), length and 10 reserved bytes.
  EXPECT_EQ(g[28], 21);
  EXPECT_EQ(g.substr(39, 13), std::string("ijklmnopqrst\0", 13));
  EXPECT_EQ(g.substr(52), std::string("mysql_native_password\0", 22));
  const auto caps = static_cast<std::uint32_t>(static_cast<unsigned char>(g[21])) |
                    static_cast<std::uint32_t>(static_cast<unsigned char>(g[22])) << 8;
  EXPECT_TRUE(caps & kMysqlClientProtocol41);
  EXPECT_FALSE(caps & kMysqlClientSsl);  // no TLS offered: the login comes in clear

  const auto packet = mysql_packet(2, "xyz");
  EXPECT_EQ(packet, std::string("\x03\x00\x00\x02xyz", 7));
  const auto h = parse_mysql_header(packet.substr(0, 4));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->length, 3u);
  EXPECT_EQ(h->sequence, 2);
  EXPECT_FALSE(parse_mysql_header(std::string("\xff\xff\xff\x00", 4)));  // over the bound
}

TEST(MysqlWire, LoginsWithEachAuthResponseEncoding) {
  const std::string answer(20, '\x9c');
  const auto secure = parse_mysql_handshake_response(login(kCaps, '\x14' + answer));
  ASSERT_TRUE(secure);
  EXPECT_EQ(secure->username, "root");
  EXPECT_EQ(secure->auth_response, answer);
  EXPECT_EQ(secure->database, "prod");
  EXPECT_EQ(secure->plugin, "mysql_native_password");

  const auto lenenc =
      parse_mysql_handshake_response(login(kCaps | kMysqlClientLenencAuthData, '\x14' + answer));
  ASSERT_TRUE(lenenc);
  EXPECT_EQ(lenenc->auth_response, answer);

  const auto empty = parse_mysql_handshake_response(login(kCaps, std::string(1, '\0')));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->auth_response.empty());

  const auto ssl = parse_mysql_handshake_response(le32(kCaps | kMysqlClientSsl) + le32(16'777'216) +
                                                  '\x2d' + std::string(23, '\0'));
  ASSERT_TRUE(ssl);
  EXPECT_TRUE(ssl->ssl_request);

  const auto whole = login(kCaps, '\x14' + answer);
  // Cut anywhere before the database ends, a login does not parse; a 3.x login never does.
  for (std::size_t cut = 0; cut < whole.size() - 27; ++cut) {
    EXPECT_FALSE(parse_mysql_handshake_response(whole.substr(0, cut))) << cut;
  }
  EXPECT_FALSE(
      parse_mysql_handshake_response(login(kMysqlClientSecureConnection, '\x14' + answer)));
  // An auth-response longer than the packet.
  EXPECT_FALSE(parse_mysql_handshake_response(login(kCaps, '\x7f' + answer)));
}

}  // namespace
}  // namespace decnet::decky
