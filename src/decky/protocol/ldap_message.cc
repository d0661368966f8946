#include "decky/protocol/ldap_message.h"

#include "core/text.h"

namespace decnet::decky {
namespace {

constexpr int kMaxFilterDepth = 8;

struct Element {
  unsigned char tag = 0;
  std::string_view contents;
};

// Reads the elements of one constructed BER value in order.
class BerReader {
 public:
  explicit BerReader(std::string_view in) : in_(in) {}

  std::optional<Element> next() {
    if (in_.size() < 2) return std::nullopt;
    const auto tag = static_cast<unsigned char>(in_[0]);
    if ((tag & 0x1f) == 0x1f) return std::nullopt;  // high tag numbers: LDAP has none
    const auto first = static_cast<unsigned char>(in_[1]);
    const std::size_t extra = ldap_length_octets(first);
    if (in_.size() < 2 + extra) return std::nullopt;
    const auto length = ldap_contents_length(first, in_.substr(2, extra));
    if (!length || in_.size() - 2 - extra < *length) return std::nullopt;
    Element e{tag, in_.substr(2 + extra, *length)};
    in_.remove_prefix(2 + extra + *length);
    return e;
  }
  std::optional<std::string_view> next(unsigned char tag) {
    auto e = next();
    if (!e || e->tag != tag) return std::nullopt;
    return e->contents;
  }
  bool empty() const { return in_.empty(); }

 private:
  std::string_view in_;
};

std::optional<std::int64_t> integer(std::string_view contents) {
  if (contents.empty() || contents.size() > 8) return std::nullopt;
  std::uint64_t v = static_cast<unsigned char>(contents[0]) & 0x80 ? ~std::uint64_t{0} : 0;
  for (const char c : contents) v = (v << 8) | static_cast<unsigned char>(c);
  return static_cast<std::int64_t>(v);
}

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

bool render_filter(const Element& f, int depth, std::string& out) {
  if (depth > kMaxFilterDepth || out.size() > kMaxFilterText) return false;
  const auto pair = [&](std::string_view op) {
    BerReader r(f.contents);
    const auto attr = r.next(0x04);
    const auto value = r.next(0x04);
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
      const auto attr = r.next(0x04);
      const auto parts = r.next(0x30);
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
  const auto version = r.next(0x02);
  const auto name = r.next(0x04);
  if (!version || !name) return std::nullopt;
  LdapBind bind;
  const auto v = integer(*version);
  if (!v) return std::nullopt;
  bind.version = *v;
  bind.name = std::string(*name);
  const auto auth = r.next();
  if (!auth) return std::nullopt;
  if (auth->tag == 0x80) {
    bind.password = std::string(auth->contents);
  } else if (auth->tag == 0xa3) {
    BerReader sasl(auth->contents);
    const auto mechanism = sasl.next(0x04);
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
  const auto base = r.next(0x04);
  const auto scope = r.next(0x0a);
  const auto deref = r.next(0x0a);
  const auto size_limit = r.next(0x02);
  const auto time_limit = r.next(0x02);
  const auto types_only = r.next(0x01);
  const auto filter = r.next();
  const auto attributes = r.next(0x30);
  if (!base || !scope || !deref || !size_limit || !time_limit || !types_only || !filter ||
      !attributes) {
    return std::nullopt;
  }
  const auto s = integer(*scope);
  if (!s) return std::nullopt;
  search.base = std::string(*base);
  search.scope = *s;
  if (!render_filter(*filter, 0, search.filter)) return std::nullopt;
  if (search.filter.size() > kMaxFilterText) search.filter.resize(kMaxFilterText);
  BerReader a(*attributes);
  while (!a.empty()) {
    const auto attribute = a.next(0x04);
    if (!attribute) return std::nullopt;
    if (search.attributes.size() < 32) search.attributes.emplace_back(*attribute);
  }
  return search;
}

std::string length_octets(std::size_t n) {
  if (n < 0x80) return std::string(1, static_cast<char>(n));
  std::string out;
  for (std::size_t v = n; v > 0; v >>= 8) out.insert(out.begin(), static_cast<char>(v & 0xff));
  return static_cast<char>(0x80 | out.size()) + out;
}

std::string tlv(unsigned char tag, std::string_view contents) {
  return static_cast<char>(tag) + length_octets(contents.size()) + std::string(contents);
}

std::string tlv_integer(unsigned char tag, std::int64_t v) {
  std::string out;
  auto u = static_cast<std::uint64_t>(v);
  do {
    out.insert(out.begin(), static_cast<char>(u & 0xff));
    u = static_cast<std::uint64_t>(static_cast<std::int64_t>(u) >> 8);
  } while (!((u == 0 && !(out[0] & 0x80)) || (u == ~std::uint64_t{0} && (out[0] & 0x80))));
  return tlv(tag, out);
}

}  // namespace

std::size_t ldap_length_octets(unsigned char first) {
  return first & 0x80 ? first & 0x7f : 0;
}

std::optional<std::size_t> ldap_contents_length(unsigned char first, std::string_view more) {
  if (!(first & 0x80)) return first;
  const std::size_t n = first & 0x7f;
  if (n == 0 || n > 4 || more.size() != n) return std::nullopt;  // indefinite or too long
  std::size_t length = 0;
  for (const char c : more) length = (length << 8) | static_cast<unsigned char>(c);
  if (length > kMaxLdapMessage) return std::nullopt;
  return length;
}

std::optional<LdapMessage> parse_ldap_message(std::string_view contents) {
  BerReader r(contents);
  const auto id = r.next(0x02);
  const auto op = r.next();
  if (!id || !op) return std::nullopt;
  LdapMessage m;
  const auto value = integer(*id);
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
  const std::string result = tlv_integer(0x0a, result_code) + tlv(0x04, "") + tlv(0x04, diagnostic);
  return tlv(0x30, tlv_integer(0x02, id) + tlv(op, result));
}

std::string ldap_search_entry(
    std::int64_t id, std::string_view dn,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& attributes) {
  std::string list;
  for (const auto& [type, values] : attributes) {
    std::string set;
    for (const auto& v : values) set += tlv(0x04, v);
    list += tlv(0x30, tlv(0x04, type) + tlv(0x31, set));
  }
  return tlv(0x30,
             tlv_integer(0x02, id) + tlv(kLdapSearchResultEntry, tlv(0x04, dn) + tlv(0x30, list)));
}

}  // namespace decnet::decky
