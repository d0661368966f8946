// TFTP (RFC 1350) requests as the decky reads them — opcode, file name and mode of a read or
// write request, names cut at 255 bytes — and the ERROR packet it answers with.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::decky {

inline constexpr std::uint16_t kTftpRead = 1, kTftpWrite = 2, kTftpError = 5;

struct TftpRequest {
  std::uint16_t opcode = 0;  // kTftpRead or kTftpWrite
  std::string filename;
  std::string mode;  // "octet", "netascii", ...
};

// Nullopt for anything but a well-formed read or write request.
std::optional<TftpRequest> parse_tftp_request(std::string_view packet);
std::string tftp_error(std::uint16_t code, std::string_view message);

}  // namespace decnet::decky
