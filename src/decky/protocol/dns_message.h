// A DNS query (RFC 1035) as the decky's DNS service reads it: the header's flags and the first
// question, its name lowercased; names are read without compression pointers (a query has no
// earlier name to point to) and bounded to 255 bytes. And the response to it: the question
// echoed under a response header with the chosen rcode, with a TXT answer when one is given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::decky {

struct DnsQuery {
  std::uint16_t flags = 0;
  std::string name;  // dotted, lowercased, without the root's dot
  std::uint16_t type = 0, klass = 0;
  std::size_t question_end = 0;  // offset just past the first question
  bool recursion_desired() const { return (flags & 0x0100) != 0; }
  int opcode() const { return (flags >> 11) & 0xf; }
};

inline constexpr std::uint16_t kDnsTxt = 16, kDnsClassIn = 1, kDnsClassChaos = 3;
inline constexpr int kDnsNoError = 0, kDnsNxDomain = 3, kDnsNotImplemented = 4, kDnsRefused = 5;

// Nullopt for a response, a message with no question, or a malformed one.
std::optional<DnsQuery> parse_dns_query(std::string_view message);

std::string dns_type_name(std::uint16_t type);  // "A", "AAAA", ..., else the number

// The response to `message` (whose parse is `q`): `rcode`, the AA bit, and a TXT answer in the
// question's class when `txt` is given (at most 255 bytes of it).
std::string dns_response(std::string_view message, const DnsQuery& q, int rcode, bool authoritative,
                         std::optional<std::string_view> txt = std::nullopt);

}  // namespace decnet::decky
