// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, the zlib/PNG checksum) over the
// persistence log's records, so a torn or corrupted tail is recognised on load.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace decnet::vector {

// `seed` continues an earlier checksum: crc32(b, crc32(a)) == crc32(a + b).
std::uint32_t crc32(std::span<const std::byte> data, std::uint32_t seed = 0);

}  // namespace decnet::vector
