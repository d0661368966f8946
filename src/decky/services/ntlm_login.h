// What smb and rdp report of an NTLMSSP login, in one place: `auth_attempt` with the NT
// response as the secret (ntlmssp_v1/v2, principal DOMAIN\user) and the server challenge beside
// it, which together are what an offline cracker needs; or `null_session` when the client sent
// no response at all.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "decky/net/session.h"
#include "decky/protocol/ntlmssp.h"

namespace decnet::decky {

void report_ntlm_login(Session& s, std::string_view auth_path, const NtlmAuthenticate& auth,
                       const std::array<std::uint8_t, 8>& server_challenge);

}  // namespace decnet::decky
