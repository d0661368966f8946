#include "decky/protocol/dns_message.h"

#include "core/text.h"
#include "decky/protocol/byte_order.h"

namespace decnet::decky {
namespace {

constexpr std::size_t kHeader = 12;
constexpr std::size_t kMaxName = 255;

}  // namespace

std::optional<DnsQuery> parse_dns_query(std::string_view m) {
  if (m.size() < kHeader) return std::nullopt;
  DnsQuery q;
  q.flags = read_be16(m, 2);
  if ((q.flags & 0x8000) != 0 || read_be16(m, 4) == 0) return std::nullopt;
  std::size_t at = kHeader;
  while (true) {
    if (at >= m.size()) return std::nullopt;
    const auto length = static_cast<unsigned char>(m[at]);
    if (length == 0) break;
    if (length > 63 || at + 1 + length > m.size()) return std::nullopt;
    if (!q.name.empty()) q.name += '.';
    q.name += core::ascii_lower(m.substr(at + 1, length));
    if (q.name.size() > kMaxName) return std::nullopt;
    at += 1 + length;
  }
  if (at + 5 > m.size()) return std::nullopt;
  q.type = read_be16(m, at + 1);
  q.klass = read_be16(m, at + 3);
  q.question_end = at + 5;
  return q;
}

std::string dns_type_name(std::uint16_t type) {
  switch (type) {
    case 1:
      return "A";
    case 2:
      return "NS";
    case 5:
      return "CNAME";
    case 6:
      return "SOA";
    case 12:
      return "PTR";
    case 15:
      return "MX";
    case 16:
      return "TXT";
    case 28:
      return "AAAA";
    case 33:
      return "SRV";
    case 252:
      return "AXFR";
    case 255:
      return "ANY";
    default:
      return std::to_string(type);
  }
}

std::string dns_response(std::string_view m, const DnsQuery& q, int rcode, bool authoritative,
                         std::optional<std::string_view> txt) {
  std::string out(m.substr(0, 2));  // the query's id
  append_be16(out, 0x8000u | (q.flags & 0x7900u) | (authoritative ? 0x0400u : 0u) |
                       static_cast<unsigned>(rcode & 0xf));
  append_be16(out, 1);
  append_be16(out, txt ? 1 : 0);
  append_be16(out, 0);
  append_be16(out, 0);
  out += m.substr(kHeader, q.question_end - kHeader);
  if (txt) {
    const auto text = txt->substr(0, 255);
    out += std::string("\xc0\x0c", 2);  // the question's name
    append_be16(out, kDnsTxt);
    append_be16(out, q.klass);
    append_be16(out, 0);  // TTL
    append_be16(out, 0);
    append_be16(out, static_cast<std::uint32_t>(text.size() + 1));
    out += static_cast<char>(text.size());
    out += text;
  }
  return out;
}

}  // namespace decnet::decky
