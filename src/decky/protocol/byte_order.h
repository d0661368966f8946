// Byte order, read from and written to the byte strings the decky's wire formats are kept in:
// network order (big-endian) for most, little-endian for Microsoft's (TDS, SMB, NTLMSSP). Reads
// take the offset of the first byte; the caller has checked the length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace decnet::decky {

inline std::uint16_t read_be16(std::string_view s, std::size_t at) {
  return static_cast<std::uint16_t>((static_cast<unsigned char>(s[at]) << 8) |
                                    static_cast<unsigned char>(s[at + 1]));
}

inline std::uint32_t read_be32(std::string_view s, std::size_t at) {
  return (std::uint32_t{static_cast<unsigned char>(s[at])} << 24) |
         (std::uint32_t{static_cast<unsigned char>(s[at + 1])} << 16) |
         (std::uint32_t{static_cast<unsigned char>(s[at + 2])} << 8) |
         std::uint32_t{static_cast<unsigned char>(s[at + 3])};
}

inline void append_be16(std::string& out, std::uint32_t v) {
  out += static_cast<char>((v >> 8) & 0xff);
  out += static_cast<char>(v & 0xff);
}

inline std::string be32_bytes(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

inline std::uint16_t read_le16(std::string_view s, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(s[at]) |
                                    (static_cast<unsigned char>(s[at + 1]) << 8));
}

inline std::uint32_t read_le32(std::string_view s, std::size_t at) {
  return std::uint32_t{read_le16(s, at)} | (std::uint32_t{read_le16(s, at + 2)} << 16);
}

inline std::uint64_t read_le64(std::string_view s, std::size_t at) {
  return std::uint64_t{read_le32(s, at)} | (std::uint64_t{read_le32(s, at + 4)} << 32);
}

inline std::string le16_bytes(std::uint32_t v) {
  return {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff)};
}

inline std::string le32_bytes(std::uint32_t v) {
  return le16_bytes(v & 0xffff) + le16_bytes(v >> 16);
}

inline std::string le64_bytes(std::uint64_t v) {
  return le32_bytes(static_cast<std::uint32_t>(v)) +
         le32_bytes(static_cast<std::uint32_t>(v >> 32));
}

}  // namespace decnet::decky
