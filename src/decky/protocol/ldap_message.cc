#include "decky/protocol/ldap_message.h"

#include "core/text.h"
#include "decky/protocol/ber.h"

namespace decnet::decky {
namespace {

constexpr int kMaxFilterDepth = 8;

// RFC 4515 escaping of an assertion value: the filter metacharacters and anything unprintable.
void append_value(std::string& out, std::string_view value) {
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '*' || c == '(' || c == ')' || c == '\\' || u < 0x20 || u == 0x7f) {
      out += '\\';
      out += core::kHexDigits[u >> 4];
      out += core::kHexDigits[u & 0x0f];
    } else {
      out += c;
    }
  }
}

bool render_filter(const BerElement& f, int depth, std::string& out) {
  if (depth > kMaxFilterDepth || out.size() > kMaxFilterText) return false;
  const auto pair = [&](std::string_view op) {
    BerReader r(f.contents);
    const auto attr = r.next(kBerOctetString);
    const auto value = r.next(kBerOctetString);
    if (!attr || !value) return false;
    out += '(';
    out += *attr;
    out += op;
    append_value(out, *value);
    out += ')';
    return true;
  };
  switch (f.tag) {
    case 0xa0:    // and
    case 0xa1:    // or
    case 0xa2: {  // not
      out += f.tag == 0xa0 ? "(&" : f.tag == 0xa1 ? "(|" : "(!";
      BerReader r(f.contents);
      while (!r.empty()) {
        const auto child = r.next();
        if (!child || !render_filter(*child, depth + 1, out)) return false;
      }
      out += ')';
      return true;
    }
    case 0xa3:
      return pair("=");
    case 0xa5:
      return pair(">=");
    case 0xa6:
      return pair("<=");
    case 0xa8:
      return pair("~=");
    case 0x87:  // present
      out += '(';
      out += f.contents;
      out += "=*)";
      return true;
    case 0xa4: {  // substrings
      BerReader r(f.contents);
      const auto attr = r.next(kBerOctetString);
      const auto parts = r.next(kBerSequence);
      if (!attr || !parts) return false;
      out += '(';
      out += *attr;
      out += '=';
      BerReader p(*parts);
      bool first = true, ended = false;
      while (!p.empty()) {
        const auto part = p.next();
        if (!part || part->tag < 0x80 || part->tag > 0x82 || ended) return false;
        if (part->tag == 0x80 && !first) return false;  // an initial part comes first
        if (part->tag != 0x80) out += '*';
        append_value(out, part->contents);
        ended = part->tag == 0x82;
        first = false;
      }
      if (!ended) out += '*';
      out += ')';
      return true;
    }
    case 0xa9:  // extensible match: kept as a marker, its parts are rarely telling
      out += "(:extensible:)";
      return true;
    default:
      return false;
  }
}

std::optional<LdapBind> parse_bind(std::string_view contents) {
  BerReader r(contents);
  const auto version = r.next(kBerInteger);
  const auto name = r.next(kBerOctetString);
  if (!version || !name) return std::nullopt;
  LdapBind bind;
  const auto v = ber_integer(*version);
  if (!v) return std::nullopt;
  bind.version = *v;
  bind.name = std::string(*name);
  const auto auth = r.next();
  if (!auth) return std::nullopt;
  if (auth->tag == 0x80) {
    bind.password = std::string(auth->contents);
  } else if (auth->tag == 0xa3) {
    BerReader sasl(auth->contents);
    const auto mechanism = sasl.next(kBerOctetString);
    if (!mechanism) return std::nullopt;
    bind.sasl_mechanism = std::string(*mechanism);
  } else {
    return std::nullopt;
  }
  return bind;
}

std::optional<LdapSearch> parse_search(std::string_view contents) {
  BerReader r(contents);
  LdapSearch search;
  const auto base = r.next(kBerOctetString);
  const auto scope = r.next(kBerEnumerated);
  const auto deref = r.next(kBerEnumerated);
  const auto size_limit = r.next(kBerInteger);
  const auto time_limit = r.next(kBerInteger);
  const auto types_only = r.next(0x01);
  const auto filter = r.next();
  const auto attributes = r.next(kBerSequence);
  if (!base || !scope || !deref || !size_limit || !time_limit || !types_only || !filter ||
      !attributes) {
    return std::nullopt;
  }
  const auto s = ber_integer(*scope);
  if (!s) return std::nullopt;
  search.base = std::string(*base);
  search.scope = *s;
  if (!render_filter(*filter, 0, search.filter)) return std::nullopt;
  if (search.filter.size() > kMaxFilterText) search.filter.resize(kMaxFilterText);
  BerReader a(*attributes);
  while (!a.empty()) {
    const auto attribute = a.next(kBerOctetString);
    if (!attribute) return std::nullopt;
    if (search.attributes.size() < 32) search.attributes.emplace_back(*attribute);
  }
  return search;
}

}  // namespace

std::size_t ldap_length_octets(unsigned char first) {
  return ber_length_octets(first);
}

std::optional<std::size_t> ldap_contents_length(unsigned char first, std::string_view more) {
  return ber_contents_length(first, more, kMaxLdapMessage);
}

std::optional<LdapMessage> parse_ldap_message(std::string_view contents) {
  BerReader r(contents);
  const auto id = r.next(kBerInteger);
  const auto op = r.next();
  if (!id || !op) return std::nullopt;
  LdapMessage m;
  const auto value = ber_integer(*id);
  if (!value) return std::nullopt;
  m.id = *value;
  m.op = op->tag;
  if (m.op == kLdapBindRequest) {
    m.bind = parse_bind(op->contents);
    if (!m.bind) return std::nullopt;
  } else if (m.op == kLdapSearchRequest) {
    m.search = parse_search(op->contents);
    if (!m.search) return std::nullopt;
  } else if (m.op == kLdapExtendedRequest) {
    BerReader e(op->contents);
    const auto name = e.next(0x80);
    if (!name) return std::nullopt;
    m.extended_name = std::string(*name);
  }
  return m;
}

std::string ldap_result(std::int64_t id, unsigned char op, int result_code,
                        std::string_view diagnostic) {
  const std::string result = ber_tlv_integer(kBerEnumerated, result_code) +
                             ber_tlv(kBerOctetString, "") + ber_tlv(kBerOctetString, diagnostic);
  return ber_tlv(kBerSequence, ber_tlv_integer(kBerInteger, id) + ber_tlv(op, result));
}

std::string ldap_search_entry(
    std::int64_t id, std::string_view dn,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& attributes) {
  std::string list;
  for (const auto& [type, values] : attributes) {
    std::string set;
    for (const auto& v : values) set += ber_tlv(kBerOctetString, v);
    list += ber_tlv(kBerSequence, ber_tlv(kBerOctetString, type) + ber_tlv(0x31, set));
  }
  return ber_tlv(kBerSequence,
                 ber_tlv_integer(kBerInteger, id) +
                     ber_tlv(kLdapSearchResultEntry,
                             ber_tlv(kBerOctetString, dn) + ber_tlv(kBerSequence, list)));
}

}  // namespace decnet::decky
