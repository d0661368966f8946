#include "decky/protocol/rfb_handshake.h"

#include "core/text.h"
#include "decky/protocol/byte_order.h"

namespace decnet::decky {
namespace {

std::optional<int> three_digits(std::string_view s) {
  int v = 0;
  for (const char c : s) {
    if (!core::is_ascii_digit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::optional<RfbVersion> parse_rfb_version(std::string_view b) {
  if (b.size() != kRfbVersionBytes || b.substr(0, 4) != "RFB " || b[7] != '.' || b[11] != '\n') {
    return std::nullopt;
  }
  const auto major = three_digits(b.substr(4, 3));
  const auto minor = three_digits(b.substr(8, 3));
  if (!major || !minor) return std::nullopt;
  return RfbVersion{*major, *minor};
}

RfbVersion negotiated_rfb_version(RfbVersion v) {
  if (v.major > 3 || (v.major == 3 && v.minor >= 8)) return {3, 8};
  if (v.major == 3 && v.minor == 7) return {3, 7};
  return {3, 3};
}

std::string rfb_security_failed(RfbVersion v, std::string_view reason) {
  std::string out = be32_bytes(1);
  if (v.major == 3 && v.minor >= 8) {
    out += be32_bytes(static_cast<std::uint32_t>(reason.size()));
    out += reason;
  }
  return out;
}

}  // namespace decnet::decky
