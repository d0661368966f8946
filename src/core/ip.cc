// Hand-written parsers rather than inet_pton(): the accepted spellings are a security contract
// (see ip.h), so they are spelled out and tested here instead of inherited from whichever libc is
// linked (glibc, musl and the BSDs differ at the edges), and a string_view needs no NUL-terminated
// copy. Classification walks small ordered tables of special ranges, most specific first, and
// falls back to the rule for the rest of the family.
#include "core/ip.h"

#include <cstring>

#include "core/text.h"

namespace decnet::core {
namespace {

// Canonical dotted quad: four parts, each "0" or 1-3 digits without a leading zero, <= 255.
std::optional<uint32_t> parse_v4(std::string_view s) {
  if (s.size() < 7 || s.size() > 15) return std::nullopt;
  uint32_t value = 0;
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= s.size() || s[i] != '.') return std::nullopt;
      ++i;
    }
    const size_t start = i;
    uint32_t octet = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) {
      octet = octet * 10 + static_cast<uint32_t>(s[i] - '0');
      ++i;
    }
    const size_t n = i - start;
    if (n == 0 || octet > 255 || (n > 1 && s[start] == '0')) return std::nullopt;
    value = (value << 8) | octet;
  }
  if (i != s.size()) return std::nullopt;
  return value;
}

std::optional<std::array<uint8_t, 16>> parse_v6(std::string_view s) {
  // The longest valid text is "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" (45 characters),
  // allowing leading zeros in groups makes it 8 * 5 - 1 = 39 for pure hex; 45 bounds both.
  if (s.size() < 2 || s.size() > 45) return std::nullopt;
  uint16_t groups[8] = {};
  int n = 0;
  int gap = -1;  // index in groups where "::" sits
  size_t i = 0;
  if (s[0] == ':') {
    if (s[1] != ':') return std::nullopt;
    gap = 0;
    i = 2;
  }
  while (i < s.size()) {
    const size_t start = i;
    uint32_t v = 0;
    while (i < s.size() && i - start < 4) {
      const int h = hex_digit_value(s[i]);
      if (h < 0) break;
      v = (v << 4) | static_cast<uint32_t>(h);
      ++i;
    }
    if (i < s.size() && s[i] == '.') {
      // Dotted-quad tail: must be the last 32 bits.
      if (n > 6) return std::nullopt;
      const auto v4 = parse_v4(s.substr(start));
      if (!v4) return std::nullopt;
      groups[n++] = static_cast<uint16_t>(*v4 >> 16);
      groups[n++] = static_cast<uint16_t>(*v4 & 0xffff);
      break;
    }
    if (i == start || n == 8) return std::nullopt;
    groups[n++] = static_cast<uint16_t>(v);
    if (i == s.size()) break;
    if (s[i] != ':') return std::nullopt;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (gap >= 0) return std::nullopt;
      gap = n;
      ++i;
    } else if (i == s.size()) {
      return std::nullopt;  // a single trailing colon
    }
  }
  if (gap < 0 ? n != 8 : n > 7) return std::nullopt;

  std::array<uint8_t, 16> out{};
  const size_t zeros = static_cast<size_t>(8 - n);
  size_t o = 0;
  for (int k = 0; k < n; ++k) {
    if (k == gap) o += zeros;
    out[2 * o] = static_cast<uint8_t>(groups[k] >> 8);
    out[2 * o + 1] = static_cast<uint8_t>(groups[k] & 0xff);
    ++o;
  }
  return out;
}

// Digits only, no sign, no leading zero unless the value is 0, at most max.
std::optional<uint32_t> parse_decimal(std::string_view s, uint32_t max) {
  if (s.empty() || s.size() > 5 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

void append_v4(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    const unsigned octet = (v >> shift) & 0xff;
    if (octet >= 100) out.push_back(static_cast<char>('0' + octet / 100));
    if (octet >= 10) out.push_back(static_cast<char>('0' + octet / 10 % 10));
    out.push_back(static_cast<char>('0' + octet % 10));
    if (shift > 0) out.push_back('.');
  }
}

void append_group(std::string& out, unsigned g) {
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    const unsigned nibble = (g >> shift) & 0xf;
    if (nibble != 0 || started || shift == 0) {
      out.push_back(kHexDigits[nibble]);
      started = true;
    }
  }
}

// True when the first `bits` bits of a and b agree.
bool prefix_match(const uint8_t* a, const uint8_t* b, int bits) {
  const int full = bits / 8;
  if (std::memcmp(a, b, static_cast<size_t>(full)) != 0) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return ((a[full] ^ b[full]) & mask) == 0;
}

struct V4Range {
  uint32_t base;
  int length;
  IpClass cls;
};

constexpr uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

// Order matters where ranges nest (255.255.255.255 inside 240/4).
constexpr V4Range kV4Ranges[] = {
    {v4(0, 0, 0, 0), 8, IpClass::kUnspecified},
    {v4(10, 0, 0, 0), 8, IpClass::kPrivate},
    {v4(100, 64, 0, 0), 10, IpClass::kCgnat},
    {v4(127, 0, 0, 0), 8, IpClass::kLoopback},
    {v4(169, 254, 0, 0), 16, IpClass::kLinkLocal},
    {v4(172, 16, 0, 0), 12, IpClass::kPrivate},
    {v4(192, 0, 0, 0), 24, IpClass::kIetfProtocol},
    {v4(192, 0, 2, 0), 24, IpClass::kDocumentation},
    {v4(192, 88, 99, 0), 24, IpClass::kSixToFour},
    {v4(192, 168, 0, 0), 16, IpClass::kPrivate},
    {v4(198, 18, 0, 0), 15, IpClass::kBenchmark},
    {v4(198, 51, 100, 0), 24, IpClass::kDocumentation},
    {v4(203, 0, 113, 0), 24, IpClass::kDocumentation},
    {v4(224, 0, 0, 0), 4, IpClass::kMulticast},
    {v4(255, 255, 255, 255), 32, IpClass::kBroadcast},
    {v4(240, 0, 0, 0), 4, IpClass::kReserved},
};

IpClass classify_v4(uint32_t addr) {
  for (const V4Range& r : kV4Ranges) {
    const uint32_t mask = r.length == 0 ? 0 : ~uint32_t{0} << (32 - r.length);
    if ((addr & mask) == r.base) return r.cls;
  }
  return IpClass::kPublic;
}

struct V6Range {
  std::array<uint8_t, 16> base;
  int length;
  IpClass cls;
};

constexpr std::array<uint8_t, 16> v6(uint16_t g0, uint16_t g1 = 0, uint16_t g2 = 0,
                                     uint16_t g7 = 0) {
  std::array<uint8_t, 16> b{};
  const uint16_t g[3] = {g0, g1, g2};
  for (size_t i = 0; i < 3; ++i) {
    b[2 * i] = static_cast<uint8_t>(g[i] >> 8);
    b[2 * i + 1] = static_cast<uint8_t>(g[i] & 0xff);
  }
  b[14] = static_cast<uint8_t>(g7 >> 8);
  b[15] = static_cast<uint8_t>(g7 & 0xff);
  return b;
}

// Checked in order, so nested ranges come first. ::ffff:0:0/96 is handled before the table.
const V6Range kV6Ranges[] = {
    {v6(0), 128, IpClass::kUnspecified},        {v6(0, 0, 0, 1), 128, IpClass::kLoopback},
    {v6(0x64, 0xff9b), 96, IpClass::kNat64},  // groups 2-5 are zero in the base
    {v6(0x64, 0xff9b, 1), 48, IpClass::kNat64}, {v6(0x100), 64, IpClass::kDiscard},
    {v6(0x2001), 32, IpClass::kTeredo},         {v6(0x2001, 2), 48, IpClass::kBenchmark},
    {v6(0x2001), 23, IpClass::kIetfProtocol},   {v6(0x2001, 0xdb8), 32, IpClass::kDocumentation},
    {v6(0x3fff), 20, IpClass::kDocumentation},  {v6(0x2002), 16, IpClass::kSixToFour},
    {v6(0xfc00), 7, IpClass::kUniqueLocal},     {v6(0xfe80), 10, IpClass::kLinkLocal},
    {v6(0xfec0), 10, IpClass::kSiteLocal},      {v6(0xff00), 8, IpClass::kMulticast},
    {v6(0x2000), 3, IpClass::kPublic},
};

constexpr std::array<uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.find(':') == std::string_view::npos) {
    const auto v = parse_v4(text);
    if (!v) return std::nullopt;
    return from_v4(*v);
  }
  const auto b = parse_v6(text);
  if (!b) return std::nullopt;
  return from_v6_bytes(*b);
}

IpAddress IpAddress::from_v4(uint32_t host_order) {
  IpAddress ip;
  ip.family_ = IpFamily::kV4;
  std::memcpy(ip.bytes_.data(), kMappedPrefix.data(), kMappedPrefix.size());
  ip.bytes_[12] = static_cast<uint8_t>(host_order >> 24);
  ip.bytes_[13] = static_cast<uint8_t>(host_order >> 16);
  ip.bytes_[14] = static_cast<uint8_t>(host_order >> 8);
  ip.bytes_[15] = static_cast<uint8_t>(host_order);
  return ip;
}

IpAddress IpAddress::from_v4_bytes(const std::array<uint8_t, 4>& b) {
  return from_v4((uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3]);
}

IpAddress IpAddress::from_v6_bytes(const std::array<uint8_t, 16>& b) {
  IpAddress ip;
  ip.family_ = IpFamily::kV6;
  ip.bytes_ = b;
  return ip;
}

bool IpAddress::is_v4_mapped() const {
  return is_v6() && std::memcmp(bytes_.data(), kMappedPrefix.data(), kMappedPrefix.size()) == 0;
}

std::optional<IpAddress> IpAddress::embedded_v4() const {
  if (!is_v4_mapped()) return std::nullopt;
  return from_v4(v4_value());
}

IpAddress IpAddress::unmapped() const {
  return is_v4_mapped() ? from_v4(v4_value()) : *this;
}

uint32_t IpAddress::v4_value() const {
  return (uint32_t{bytes_[12]} << 24) | (uint32_t{bytes_[13]} << 16) | (uint32_t{bytes_[14]} << 8) |
         bytes_[15];
}

std::string IpAddress::str() const {
  std::string out;
  if (is_v4()) {
    out.reserve(15);
    append_v4(out, v4_value());
    return out;
  }
  out.reserve(39);
  if (is_v4_mapped()) {
    out = "::ffff:";
    append_v4(out, v4_value());
    return out;
  }
  unsigned g[8];
  for (size_t k = 0; k < 8; ++k) g[k] = (unsigned{bytes_[2 * k]} << 8) | bytes_[2 * k + 1];
  int best = -1;
  int best_len = 1;  // RFC 5952 4.2.2: a single zero group is not compressed
  for (int k = 0; k < 8;) {
    if (g[k] != 0) {
      ++k;
      continue;
    }
    int end = k;
    while (end < 8 && g[end] == 0) ++end;
    if (end - k > best_len) {
      best = k;
      best_len = end - k;
    }
    k = end;
  }
  for (int k = 0; k < 8; ++k) {
    if (k == best) {
      out += "::";
      k += best_len - 1;
      continue;
    }
    if (k > 0 && k != best + best_len) out.push_back(':');
    append_group(out, g[k]);
  }
  return out;
}

IpClass classify(const IpAddress& ip) {
  if (ip.is_v4() || ip.is_v4_mapped()) return classify_v4(ip.v4_value());
  const uint8_t* b = ip.bytes().data();
  for (const V6Range& r : kV6Ranges) {
    if (prefix_match(b, r.base.data(), r.length)) return r.cls;
  }
  return IpClass::kReserved;
}

bool is_public(const IpAddress& ip) {
  return classify(ip) == IpClass::kPublic;
}

std::string_view to_string(IpClass c) {
  switch (c) {
    case IpClass::kPublic:
      return "public";
    case IpClass::kPrivate:
      return "private";
    case IpClass::kLoopback:
      return "loopback";
    case IpClass::kLinkLocal:
      return "link-local";
    case IpClass::kCgnat:
      return "cgnat";
    case IpClass::kMulticast:
      return "multicast";
    case IpClass::kUnspecified:
      return "unspecified";
    case IpClass::kBroadcast:
      return "broadcast";
    case IpClass::kDocumentation:
      return "documentation";
    case IpClass::kReserved:
      return "reserved";
    case IpClass::kBenchmark:
      return "benchmark";
    case IpClass::kSiteLocal:
      return "site-local";
    case IpClass::kUniqueLocal:
      return "unique-local";
    case IpClass::kIetfProtocol:
      return "ietf-protocol";
    case IpClass::kNat64:
      return "nat64";
    case IpClass::kTeredo:
      return "teredo";
    case IpClass::kSixToFour:
      return "6to4";
    case IpClass::kDiscard:
      return "discard";
  }
  return "unknown";
}

std::string IpEndpoint::str() const {
  std::string out = ip.is_v6() ? "[" + ip.str() + "]:" : ip.str() + ":";
  out += std::to_string(port);
  return out;
}

std::optional<IpEndpoint> parse_endpoint(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text[0] == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    const auto ip = IpAddress::parse(host);
    if (!ip || !ip->is_v6()) return std::nullopt;
    const auto p = parse_decimal(port, 65535);
    if (!p) return std::nullopt;
    return IpEndpoint{*ip, static_cast<uint16_t>(*p)};
  }
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  host = text.substr(0, colon);
  port = text.substr(colon + 1);
  const auto ip = IpAddress::parse(host);  // contains no ':', so only IPv4 can parse
  if (!ip) return std::nullopt;
  const auto p = parse_decimal(port, 65535);
  if (!p) return std::nullopt;
  return IpEndpoint{*ip, static_cast<uint16_t>(*p)};
}

bool IpPrefix::contains(const IpAddress& ip) const {
  if (ip.family() != base.family()) return false;
  const int bits = base.is_v4() ? 96 + length : length;
  return prefix_match(ip.bytes().data(), base.bytes().data(), bits);
}

std::optional<IpPrefix> IpPrefix::of(const IpAddress& ip, int length) {
  if (length < 0 || length > ip.max_prefix_length()) return std::nullopt;
  std::array<uint8_t, 16> b = ip.bytes();
  const int bits = ip.is_v4() ? 96 + length : length;
  for (int i = 0; i < 16; ++i) {
    const int keep = bits - 8 * i;
    if (keep >= 8) continue;
    b[i] = keep <= 0 ? 0 : static_cast<uint8_t>(b[i] & (0xff << (8 - keep)));
  }
  IpPrefix p;
  p.base = ip.is_v4() ? IpAddress::from_v4((uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) |
                                           (uint32_t{b[14]} << 8) | b[15])
                      : IpAddress::from_v6_bytes(b);
  p.length = length;
  return p;
}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text, bool strict) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto ip = IpAddress::parse(text.substr(0, slash));
  if (!ip) return std::nullopt;
  const auto len =
      parse_decimal(text.substr(slash + 1), static_cast<uint32_t>(ip->max_prefix_length()));
  if (!len) return std::nullopt;
  auto p = of(*ip, static_cast<int>(*len));
  if (!p || (strict && p->base != *ip)) return std::nullopt;
  return p;
}

std::string IpPrefix::str() const {
  return base.str() + "/" + std::to_string(length);
}

}  // namespace decnet::core

size_t std::hash<decnet::core::IpAddress>::operator()(
    const decnet::core::IpAddress& ip) const noexcept {
  uint64_t a = 0;
  uint64_t b = 0;
  std::memcpy(&a, ip.bytes().data(), 8);
  std::memcpy(&b, ip.bytes().data() + 8, 8);
  uint64_t h = (a * 0x9e3779b97f4a7c15ULL) ^ b ^ (ip.is_v4() ? 0x5bd1e995ULL : 0);
  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 29;
  return static_cast<size_t>(h);
}
