// LDAPv3 (RFC 4511) as a directory decky reads it: the requests an attacker's tools send first —
// a bind with its DN and password, a search with its base, scope and filter — decoded from BER
// with definite lengths only, every length checked against what is there, filters rendered in
// their RFC 4515 text form with a depth and size bound. And the few answers a decky gives, encoded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::decky {

// Tags of the protocolOp choices a decky handles ([APPLICATION n], constructed or not).
enum LdapOp : unsigned char {
  kLdapBindRequest = 0x60,
  kLdapBindResponse = 0x61,
  kLdapUnbindRequest = 0x42,
  kLdapSearchRequest = 0x63,
  kLdapSearchResultEntry = 0x64,
  kLdapSearchResultDone = 0x65,
  kLdapExtendedRequest = 0x77,
  kLdapExtendedResponse = 0x78,
};

struct LdapBind {
  std::int64_t version = 0;
  std::string name;                           // the DN, as sent
  std::optional<std::string> password;        // simple authentication
  std::optional<std::string> sasl_mechanism;  // SASL authentication
};

struct LdapSearch {
  std::string base;
  std::int64_t scope = 0;  // 0 base object, 1 one level, 2 whole subtree
  std::string filter;      // RFC 4515 text, cut at kMaxFilterText
  std::vector<std::string> attributes;
};

struct LdapMessage {
  std::int64_t id = 0;
  unsigned char op = 0;  // the protocolOp's tag
  std::optional<LdapBind> bind;
  std::optional<LdapSearch> search;
  std::string extended_name;  // an extended request's OID
};

inline constexpr std::size_t kMaxLdapMessage = 65'536;
inline constexpr std::size_t kMaxFilterText = 1024;

// The contents length a BER length's octets give: `first` is the octet after the tag and
// `more` the 1-4 octets that follow it in the long form (empty in the short form). Nullopt for
// the indefinite form, more than four octets, or more than kMaxLdapMessage.
std::size_t ldap_length_octets(unsigned char first);  // how many octets follow `first`
std::optional<std::size_t> ldap_contents_length(unsigned char first, std::string_view more);

// One LDAPMessage's contents (what follows its SEQUENCE tag and length); nullopt when malformed.
std::optional<LdapMessage> parse_ldap_message(std::string_view contents);

// Answers: an LDAPResult-shaped response (bind, search done, extended) and a search entry.
std::string ldap_result(std::int64_t id, unsigned char op, int result_code,
                        std::string_view diagnostic = {});
std::string ldap_search_entry(
    std::int64_t id, std::string_view dn,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& attributes);

}  // namespace decnet::decky
