#include "decky/protocol/tftp_packet.h"

#include <algorithm>

#include "decky/protocol/byte_order.h"

namespace decnet::decky {

std::optional<TftpRequest> parse_tftp_request(std::string_view p) {
  constexpr std::size_t kMaxName = 255, kMaxMode = 16;
  if (p.size() < 4) return std::nullopt;
  TftpRequest r;
  r.opcode = read_be16(p, 0);
  if (r.opcode != kTftpRead && r.opcode != kTftpWrite) return std::nullopt;
  auto rest = p.substr(2);
  const auto name_end = rest.find('\0');
  if (name_end == std::string_view::npos || name_end == 0) return std::nullopt;
  r.filename = std::string(rest.substr(0, std::min(name_end, kMaxName)));
  rest.remove_prefix(name_end + 1);
  const auto mode_end = rest.find('\0');
  if (mode_end == std::string_view::npos) return std::nullopt;
  r.mode = std::string(rest.substr(0, std::min(mode_end, kMaxMode)));
  return r;
}

std::string tftp_error(std::uint16_t code, std::string_view message) {
  std::string out{'\0', static_cast<char>(kTftpError), static_cast<char>(code >> 8),
                  static_cast<char>(code & 0xff)};
  out += message;
  out += '\0';
  return out;
}

}  // namespace decnet::decky
