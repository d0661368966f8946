// The LDAP reader and writer against messages built byte by byte from RFC 4511's ASN.1: what a
// bind and a search carry, filters in RFC 4515 form, and refusal of every length that does not
// fit (indefinite, too long, past the end, nested too deep).
#include "decky/protocol/ldap_message.h"

#include <gtest/gtest.h>

namespace decnet::decky {
namespace {

std::string tlv(unsigned char tag, const std::string& contents) {
  std::string length;
  if (contents.size() < 0x80) {
    length = std::string(1, static_cast<char>(contents.size()));
  } else {
    length = {static_cast<char>(0x82), static_cast<char>(contents.size() >> 8),
              static_cast<char>(contents.size() & 0xff)};
  }
  return static_cast<char>(tag) + length + contents;
}
std::string octets(const std::string& s) {
  return tlv(0x04, s);
}
std::string small_int(unsigned char tag, int v) {
  return tlv(tag, std::string(1, static_cast<char>(v)));
}

std::string search(const std::string& base, int scope, const std::string& filter) {
  return small_int(0x02, 7) +
         tlv(0x63, octets(base) + small_int(0x0a, scope) + small_int(0x0a, 0) + small_int(0x02, 0) +
                       small_int(0x02, 0) + tlv(0x01, std::string(1, '\0')) + filter +
                       tlv(0x30, octets("cn") + octets("mail")));
}

TEST(LdapMessage, ASimpleBindCarriesItsDnAndPassword) {
  const auto m = parse_ldap_message(
      small_int(0x02, 1) +
      tlv(0x60, small_int(0x02, 3) + octets("cn=admin,dc=example,dc=org") + tlv(0x80, "hunter2")));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, 1);
  EXPECT_EQ(m->op, kLdapBindRequest);
  ASSERT_TRUE(m->bind);
  EXPECT_EQ(m->bind->version, 3);
  EXPECT_EQ(m->bind->name, "cn=admin,dc=example,dc=org");
  EXPECT_EQ(m->bind->password, "hunter2");
  EXPECT_FALSE(m->bind->sasl_mechanism);

  const auto sasl =
      parse_ldap_message(small_int(0x02, 2) +
                         tlv(0x60, small_int(0x02, 3) + octets("") + tlv(0xa3, octets("GSSAPI"))));
  ASSERT_TRUE(sasl && sasl->bind);
  EXPECT_EQ(sasl->bind->sasl_mechanism, "GSSAPI");
  EXPECT_FALSE(sasl->bind->password);
}

TEST(LdapMessage, SearchFiltersRenderAsRfc4515Text) {
  const auto filter = tlv(
      0xa0,
      tlv(0xa3, octets("objectClass") + octets("person")) +
          tlv(0xa4, octets("cn") + tlv(0x30, tlv(0x80, "adm") + tlv(0x81, "i") + tlv(0x82, "n"))) +
          tlv(0xa2, tlv(0x87, "userPassword")) +
          tlv(0xa1, tlv(0xa5, octets("uidNumber") + octets("1000")) +
                        tlv(0xa4, octets("mail") + tlv(0x30, tlv(0x81, "@"))) +
                        tlv(0xa3, octets("description") + octets("a*(b)\\"))));
  const auto m = parse_ldap_message(search("dc=example,dc=org", 2, filter));
  ASSERT_TRUE(m && m->search);
  EXPECT_EQ(m->id, 7);
  EXPECT_EQ(m->search->base, "dc=example,dc=org");
  EXPECT_EQ(m->search->scope, 2);
  EXPECT_EQ(m->search->filter,
            "(&(objectClass=person)(cn=adm*i*n)(!(userPassword=*))"
            "(|(uidNumber>=1000)(mail=*@*)(description=a\\2a\\28b\\29\\5c)))");
  EXPECT_EQ(m->search->attributes, (std::vector<std::string>{"cn", "mail"}));
}

TEST(LdapMessage, LengthsThatDoNotFitAreRefused) {
  const std::string bind =
      small_int(0x02, 1) + tlv(0x60, small_int(0x02, 3) + octets("cn=x") + tlv(0x80, "pw"));
  for (std::size_t cut = 0; cut < bind.size(); ++cut) {
    EXPECT_FALSE(parse_ldap_message(bind.substr(0, cut))) << cut;
  }
  EXPECT_EQ(ldap_contents_length(0x05, ""), 5u);
  EXPECT_EQ(ldap_length_octets(0x82), 2u);
  EXPECT_EQ(ldap_contents_length(0x82, std::string("\x01\x00", 2)), 256u);
  EXPECT_FALSE(ldap_contents_length(0x80, ""));                              // indefinite
  EXPECT_FALSE(ldap_contents_length(0x85, std::string(5, '\0')));            // five length octets
  EXPECT_FALSE(ldap_contents_length(0x83, std::string("\x01\x00\x01", 3)));  // over 64 KiB
  // A length octet claiming more than the message holds.
  EXPECT_FALSE(parse_ldap_message(small_int(0x02, 1) + "\x60\x7f" + small_int(0x02, 3)));

  std::string nested = tlv(0x87, "cn");
  for (int i = 0; i < 20; ++i) nested = tlv(0xa2, nested);
  EXPECT_FALSE(parse_ldap_message(search("", 0, nested)));
  std::string shallow = tlv(0x87, "cn");
  for (int i = 0; i < 8; ++i) shallow = tlv(0xa2, shallow);
  EXPECT_TRUE(parse_ldap_message(search("", 0, shallow)));
}

TEST(LdapMessage, AnswersAreTheBerTheRfcSpells) {
  // BindResponse, message 1, invalidCredentials (49), empty matchedDN and diagnostic.
  EXPECT_EQ(ldap_result(1, kLdapBindResponse, 49),
            std::string("\x30\x0c\x02\x01\x01\x61\x07\x0a\x01\x31\x04\x00\x04\x00", 14));
  // Ids of every size read back, 128 needing a leading zero octet to stay positive.
  for (const std::int64_t id : {0LL, 127LL, 128LL, 65'535LL, 2'147'483'647LL}) {
    const auto answer = ldap_result(id, kLdapSearchResultDone, 0, "x");
    const auto m = parse_ldap_message(answer.substr(2));
    ASSERT_TRUE(m) << id;
    EXPECT_EQ(m->id, id);
    EXPECT_EQ(m->op, kLdapSearchResultDone);
  }
  const auto entry = ldap_search_entry(3, "dc=example,dc=org", {{"dc", {"example"}}});
  EXPECT_EQ(
      entry,
      tlv(0x30,
          small_int(0x02, 3) +
              tlv(0x64, octets("dc=example,dc=org") +
                            tlv(0x30, tlv(0x30, octets("dc") + tlv(0x31, octets("example")))))));
}

}  // namespace
}  // namespace decnet::decky
