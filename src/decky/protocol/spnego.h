// SPNEGO (RFC 4178), the wrapper SMB and HTTP Negotiate put around NTLMSSP: the server's
// opening offer (NTLMSSP only), the client's NegTokenInit or NegTokenResp with the mechanism
// token inside, and the server's NegTokenResp carrying the CHALLENGE. A bare NTLMSSP token is
// taken as it is, as Windows servers do.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace decnet::decky {

struct SpnegoClientToken {
  bool offers_ntlm = false;     // NTLMSSP among the mechanisms (always true for a NegTokenResp)
  std::string_view mech_token;  // empty when the client sent none
};

// The token a client sent; nullopt when it is neither SPNEGO nor NTLMSSP, or malformed.
std::optional<SpnegoClientToken> parse_spnego_client_token(std::string_view token);

// The server's NegTokenInit offering NTLMSSP, as SMB2 NEGOTIATE responses carry it.
std::string spnego_server_offer();
// NegTokenResp accept-incomplete with NTLMSSP and `ntlm_token` (none when empty).
std::string spnego_continue(std::string_view ntlm_token);
// NegTokenResp reject.
std::string spnego_reject();

}  // namespace decnet::decky
