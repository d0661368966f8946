// The RFB (VNC) handshake up to authentication, RFC 6143 §7.1-7.2: the 12-byte ProtocolVersion
// both sides send, and the messages a server writes around VNC authentication.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace decnet::decky {

struct RfbVersion {
  int major = 0;
  int minor = 0;
};

inline constexpr std::size_t kRfbVersionBytes = 12;

// "RFB xxx.yyy\n" with three decimal digits each; nullopt for anything else.
std::optional<RfbVersion> parse_rfb_version(std::string_view twelve_bytes);
// The version a server speaks to a client that offered `v`: 3.3, 3.7 or 3.8 (the highest the
// client and 3.8 share; unknown minors fall back to 3.3, as RFC 6143 §7.1.1 asks).
RfbVersion negotiated_rfb_version(RfbVersion v);
// SecurityResult "failed", with the reason string from 3.8 on.
std::string rfb_security_failed(RfbVersion v, std::string_view reason);

}  // namespace decnet::decky
