// IP addresses as integer keys for the range tables: IPv4 as its 32-bit value, IPv6 as a 128-bit
// value, and the CIDR block of a range that contains an address (the "covering prefix" reported
// with an AS).
#pragma once

#include <cstdint>
#include <string>

#include "core/ip.h"
#include "enrich/ip_range_table.h"

namespace decnet::enrich {

inline Uint128 v6_key(const core::IpAddress& ip) {
  Uint128 v = 0;
  for (auto b : ip.bytes()) v = (v << 8) | b;
  return v;
}

inline core::IpAddress v6_address(Uint128 key) {
  std::array<std::uint8_t, 16> bytes{};
  for (int i = 15; i >= 0; --i) {
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(key & 0xff);
    key >>= 8;
  }
  return core::IpAddress::from_v6_bytes(bytes);
}

// The block of the minimal CIDR cover of [start, end] that contains `key`, as "a.b.c.d/len" or
// "x::/len". `bits` is 32 or 128.
template <typename Key>
std::string covering_prefix(Key start, Key end, Key key, int bits) {
  Key cur = start;
  while (true) {
    int len = bits;  // grow the block while it stays aligned and inside the range
    while (len > 0) {
      const int size_bits = bits - (len - 1);
      const Key size = size_bits >= bits ? Key(0) : Key(Key(1) << size_bits);
      const Key mask = size == 0 ? Key(~Key(0)) : Key(size - 1);
      if ((cur & mask) != 0) break;
      const Key last = cur | mask;
      if (last > end || last < cur) break;
      --len;
    }
    const int size_bits = bits - len;
    const Key last = size_bits >= bits ? Key(~Key(0)) : Key(cur | Key((Key(1) << size_bits) - 1));
    if (key >= cur && key <= last) {
      const auto ip = bits == 32 ? core::IpAddress::from_v4(static_cast<std::uint32_t>(cur))
                                 : v6_address(static_cast<Uint128>(cur));
      return ip.str() + "/" + std::to_string(len);
    }
    if (last >= end) return {};
    cur = last + 1;
  }
}

}  // namespace decnet::enrich
