// IP addresses, prefixes and endpoints with strict parsing and special-range classification.
// Attacker addresses key the whole intelligence model, and the webhook SSRF guard decides from
// classify() whether an address may be contacted, so two rules hold: parse() accepts exactly one
// spelling family per address (canonical dotted-quad IPv4, RFC 4291 IPv6 text) and rejects the
// inet_aton() legacy forms ("127.1", "0x7f.1", "0177.0.0.1", "2130706433") that let a URL name
// 127.0.0.1 without saying so; and classification covers the IANA special-purpose registries.
//
// Storage: an IpAddress always holds 16 bytes plus a family. An IPv4 address is stored in its
// IPv4-mapped form (::ffff:a.b.c.d) with family kV4, so bytes() is uniform across families. The
// family is part of the value: parse("1.2.3.4") != parse("::ffff:1.2.3.4"), the latter being an
// IPv6 address for which is_v4_mapped() is true. Dual-stack sockets report IPv4 peers in the
// mapped form; call unmapped() before using a peer address as a key.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::core {

enum class IpFamily : uint8_t { kV4, kV6 };

class IpAddress {
 public:
  IpAddress() = default;  // "::"

  // Dotted-quad IPv4 (each part 0-255 in decimal, no leading zeros) or IPv6 text (hex groups,
  // one "::", an optional dotted-quad tail). No brackets, no zone ("%eth0"), no whitespace.
  static std::optional<IpAddress> parse(std::string_view text);
  static IpAddress from_v4(uint32_t host_order);
  static IpAddress from_v4_bytes(const std::array<uint8_t, 4>& network_order);
  static IpAddress from_v6_bytes(const std::array<uint8_t, 16>& network_order);

  IpFamily family() const { return family_; }
  bool is_v4() const { return family_ == IpFamily::kV4; }
  bool is_v6() const { return family_ == IpFamily::kV6; }
  // An IPv6 address in ::ffff:0:0/96.
  bool is_v4_mapped() const;
  // The IPv4 address inside an IPv4-mapped IPv6 address; nullopt for anything else.
  std::optional<IpAddress> embedded_v4() const;
  // The embedded IPv4 address for a mapped address, otherwise *this.
  IpAddress unmapped() const;

  // 16 bytes, network order; IPv4 addresses are returned in the mapped form.
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  // The last four bytes as a host-order integer (the address itself when is_v4()).
  uint32_t v4_value() const;
  int max_prefix_length() const { return is_v4() ? 32 : 128; }

  // IPv4 dotted quad; IPv6 per RFC 5952 (lowercase, longest run of two or more zero groups
  // compressed, the first on a tie), mapped addresses as "::ffff:1.2.3.4".
  std::string str() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  // All IPv4 addresses order before all IPv6 addresses; within a family, numerically.
  // (clang-tidy 14 misreads the defaulted comparison as comparing with a literal 0.)
  friend std::strong_ordering operator<=>(const IpAddress&,
                                          const IpAddress&) =
      default;  // NOLINT(modernize-use-nullptr)

 private:
  IpFamily family_ = IpFamily::kV6;
  std::array<uint8_t, 16> bytes_{};
};

// Most specific range wins. Choices where the registries leave room:
// - ::ffff:0:0/96 takes the class of the embedded IPv4 address.
// - NAT64 (64:ff9b::/96, 64:ff9b:1::/48), 6to4 (2002::/16 and its relay anycast 192.88.99.0/24)
//   and Teredo (2001::/32) get their own classes and are never unwrapped: the IPv4 address behind
//   them is reached through a translator or relay, not directly, and is not public in our sense.
// - 2001::/23 (IETF protocol assignments) is kIetfProtocol as a whole, except Teredo and
//   2001:2::/48 (kBenchmark); the few anycast services inside it are not treated as public.
// - 100::/64 is kDiscard. Everything outside 2000::/3 not listed is kReserved, including the
//   deprecated IPv4-compatible ::a.b.c.d form. Within 2000::/3, unlisted space is kPublic.
// - 0.0.0.0/8 is kUnspecified (the "this network" block), 255.255.255.255 kBroadcast, the rest
//   of 240.0.0.0/4 kReserved.
enum class IpClass : uint8_t {
  kPublic,
  kPrivate,        // 10/8, 172.16/12, 192.168/16
  kLoopback,       // 127/8, ::1
  kLinkLocal,      // 169.254/16, fe80::/10
  kCgnat,          // 100.64/10
  kMulticast,      // 224/4, ff00::/8
  kUnspecified,    // 0/8, ::
  kBroadcast,      // 255.255.255.255
  kDocumentation,  // 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20
  kReserved,       // 240/4, IPv6 outside 2000::/3 not otherwise listed
  kBenchmark,      // 198.18/15, 2001:2::/48
  kSiteLocal,      // fec0::/10 (deprecated)
  kUniqueLocal,    // fc00::/7
  kIetfProtocol,   // 192.0.0.0/24, 2001::/23
  kNat64,          // 64:ff9b::/96, 64:ff9b:1::/48
  kTeredo,         // 2001::/32
  kSixToFour,      // 2002::/16, 192.88.99.0/24
  kDiscard,        // 100::/64
};

IpClass classify(const IpAddress& ip);
// True only for kPublic.
bool is_public(const IpAddress& ip);
// "public", "private", "loopback", "link-local", "cgnat", "multicast", "unspecified",
// "broadcast", "documentation", "reserved", "benchmark", "site-local", "unique-local",
// "ietf-protocol", "nat64", "teredo", "6to4", "discard".
std::string_view to_string(IpClass c);

struct IpEndpoint {
  IpAddress ip;
  uint16_t port = 0;

  // "1.2.3.4:22" or "[2001:db8::1]:22".
  std::string str() const;
  friend bool operator==(const IpEndpoint&, const IpEndpoint&) = default;
};

// "1.2.3.4:22" or "[2001:db8::1]:22"; the port is 0-65535 in plain decimal (no sign, no leading
// zeros). IPv4 inside brackets and unbracketed IPv6 are rejected.
std::optional<IpEndpoint> parse_endpoint(std::string_view text);

struct IpPrefix {
  IpAddress base;  // host bits always zero
  int length = 0;  // 0-32 for IPv4, 0-128 for IPv6

  // Same family only: an IPv4 prefix does not contain ::ffff:a.b.c.d (use unmapped() first).
  bool contains(const IpAddress& ip) const;
  // "10.0.0.0/8", "2001:db8::/32". The length is required, decimal, without leading zeros. When
  // strict, host bits set in the address ("10.1.0.0/8") are an error; otherwise they are cleared.
  static std::optional<IpPrefix> parse(std::string_view text, bool strict = true);
  // The prefix of the given length that contains ip; nullopt if the length is out of range.
  static std::optional<IpPrefix> of(const IpAddress& ip, int length);
  std::string str() const;

  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
};

}  // namespace decnet::core

template <>
struct std::hash<decnet::core::IpAddress> {
  size_t operator()(const decnet::core::IpAddress& ip) const noexcept;
};
