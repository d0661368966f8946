// TDS as [MS-TDS] lays it out: the packet header, the PRELOGIN answer's option table, a LOGIN7
// record built field by field (UTF-16, the password obfuscated as clients do), refusal of any
// offset outside the record, and the failed-login response's tokens.
#include "decky/protocol/tds_login.h"

#include <gtest/gtest.h>

#include "wire_bytes.h"

namespace decnet::decky {
namespace {

using namespace wire_bytes;

std::string obfuscated(const std::string& utf16_bytes) {
  std::string out;
  for (const char c : utf16_bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += static_cast<char>(((b << 4 | b >> 4) & 0xff) ^ 0xa5);
  }
  return out;
}

// A LOGIN7 record with the given fields, in the order of its offset table.
std::string login7(const std::string& host, const std::string& user, const std::string& password,
                   const std::string& database) {
  const std::vector<std::string> fields = {
      utf16(host),      utf16(user),  obfuscated(utf16(password)),
      utf16("tsql"),    utf16("SRV"), "",
      utf16("FreeTDS"), utf16(""),    utf16(database)};
  std::string fixed = std::string(4, '\0') + std::string("\x04\x00\x00\x74", 4) +
                      std::string(28, '\0');  // length, TDS 7.4, the rest zero
  std::string data;
  std::size_t offset = 94;
  for (const auto& f : fields) {
    fixed += le16(offset) + le16(f.size() / 2);
    data += f;
    offset += f.size();
  }
  fixed += std::string(6, '\0');    // client id
  fixed += le16(offset) + le16(0);  // SSPI
  fixed += le16(offset) + le16(0);  // attach file
  fixed += le16(offset) + le16(0);  // change password
  fixed += std::string(4, '\0');    // long SSPI
  return fixed + data;
}

TEST(TdsLogin, Login7FieldsAndTheDeobfuscatedPassword) {
  const auto record = login7("kali", "sa", "P@ssw0rd!", "master");
  ASSERT_EQ(record.substr(36, 2), le16(94));
  const auto login = parse_tds_login7(record);
  ASSERT_TRUE(login);
  EXPECT_EQ(login->tds_version, 0x74000004u);
  EXPECT_EQ(login->hostname, "kali");
  EXPECT_EQ(login->username, "sa");
  EXPECT_EQ(login->password, "P@ssw0rd!");
  EXPECT_EQ(login->app_name, "tsql");
  EXPECT_EQ(login->server_name, "SRV");
  EXPECT_EQ(login->library, "FreeTDS");
  EXPECT_EQ(login->database, "master");

  // A field reaching past the record, or pointing into the fixed part, is refused.
  for (std::size_t cut = 0; cut < record.size(); ++cut) {
    EXPECT_FALSE(parse_tds_login7(record.substr(0, cut))) << cut;
  }
  auto inside = record;
  inside.replace(40, 2, le16(10));
  EXPECT_FALSE(parse_tds_login7(inside));
}

TEST(TdsLogin, HeadersPreloginAndTheFailedLogin) {
  const auto packet = tds_packet(kTdsTabularResult, "abc");
  EXPECT_EQ(packet, std::string("\x04\x01\x00\x0b\x00\x00\x01\x00", 8) + "abc");
  const auto h = parse_tds_header(packet.substr(0, 8));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->type, kTdsTabularResult);
  EXPECT_TRUE(h->end_of_message);
  EXPECT_EQ(h->length, 11);
  EXPECT_FALSE(parse_tds_header(std::string("\x12\x01\x00\x07\x00\x00\x00\x00", 8)));

  // PRELOGIN: five options then the terminator; ENCRYPTION (token 1) says "not supported".
  const auto p = tds_prelogin_response();
  EXPECT_EQ(p[25], '\xff');
  ASSERT_EQ(p[5], '\x01');
  const std::size_t at = static_cast<unsigned char>(p[6]) << 8 | static_cast<unsigned char>(p[7]);
  EXPECT_EQ(p[at], '\x02');

  const auto failed = tds_login_failed("sa", "SRV01");
  EXPECT_EQ(failed[0], '\xaa');
  const std::size_t length =
      static_cast<unsigned char>(failed[1]) | static_cast<unsigned char>(failed[2]) << 8;
  EXPECT_EQ(failed.substr(3, 4), std::string("\x18\x48\x00\x00", 4));  // 18456
  EXPECT_NE(failed.find(utf16("Login failed for user 'sa'.")), std::string::npos);
  ASSERT_EQ(failed.size(), 3 + length + 13);
  EXPECT_EQ(failed[3 + length], '\xfd');  // DONE follows, with the error bit
  EXPECT_EQ(failed[3 + length + 1], '\x02');
}

}  // namespace
}  // namespace decnet::decky
