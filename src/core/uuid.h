// RFC 4122 / RFC 9562 UUIDs. Every bus event, attacker, identity and webhook subscription carries
// one, and the bus mints an id per published message, so v4 generation has to be cheap: each thread
// keeps a ChaCha20 stream (libsodium) seeded once from the OS and refilled with fast key erasure,
// so a call costs a memcpy, not a syscall. v5 (SHA-1, name based) gives stable ids for things that
// are identified by content, such as a fleet host's decky. Parsing never throws: malformed text
// yields std::nullopt.
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

struct Uuid {
  std::array<uint8_t, 16> bytes{};

  // Random (version 4, RFC 4122 variant). Unpredictable; safe to call from any thread and after
  // fork() (the child reseeds).
  static Uuid v4();
  // Time ordered (version 7, RFC 9562): 48 bits of Unix milliseconds, then 74 random bits.
  // Keys minted one after another sort together, so an index on them grows at its end instead
  // of dirtying a random page per insert; the creation time it reveals is public anyway.
  static Uuid v7();
  // Name based, SHA-1 (version 5): the first 16 bytes of SHA-1(ns.bytes || name).
  static Uuid v5(const Uuid& ns, std::string_view name);
  // Accepts "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" and 32 bare hex digits, either case. No
  // braces, no "urn:uuid:" prefix, no surrounding whitespace.
  static std::optional<Uuid> parse(std::string_view text);

  std::string str() const;  // lowercase, 8-4-4-4-12
  std::string hex() const;  // 32 lowercase hex digits
  int version() const { return bytes[6] >> 4; }
  bool is_nil() const;

  friend bool operator==(const Uuid&, const Uuid&) = default;
  friend std::strong_ordering operator<=>(const Uuid&, const Uuid&) = default;
};

inline constexpr Uuid kNamespaceDns{{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4,
                                     0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}};
inline constexpr Uuid kNamespaceUrl{{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4,
                                     0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}};
inline constexpr Uuid kNamespaceOid{{0x6b, 0xa7, 0xb8, 0x12, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4,
                                     0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}};
inline constexpr Uuid kNamespaceX500{{0x6b, 0xa7, 0xb8, 0x14, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4,
                                      0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}};

// Uuid::v4().hex(): the bus event id format (32 lowercase hex digits, no dashes).
std::string random_hex_id();

}  // namespace decnet::core

template <>
struct std::hash<decnet::core::Uuid> {
  size_t operator()(const decnet::core::Uuid& u) const noexcept;
};
