// Byte strings the wire-format tests build messages from, written here independently of the
// decky's own readers and writers so that a test never checks the code with itself.
#pragma once

#include <cstdint>
#include <string>

namespace decnet::wire_bytes {

inline std::string le16(std::uint64_t v) {
  return {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff)};
}
inline std::string le32(std::uint64_t v) {
  return le16(v & 0xffff) + le16((v >> 16) & 0xffff);
}
inline std::string le64(std::uint64_t v) {
  return le32(v & 0xffffffff) + le32(v >> 32);
}
inline std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}
// ASCII as UTF-16LE.
inline std::string utf16(const std::string& ascii) {
  std::string out;
  for (const char c : ascii) out += std::string{c, '\0'};
  return out;
}

}  // namespace decnet::wire_bytes
