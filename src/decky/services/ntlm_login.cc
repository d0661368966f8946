#include "decky/services/ntlm_login.h"

#include "core/hash.h"

namespace decnet::decky {

void report_ntlm_login(Session& s, std::string_view auth_path, const NtlmAuthenticate& auth,
                       const std::array<std::uint8_t, 8>& server_challenge) {
  const std::string path(auth_path);
  if (auth.nt_response.empty()) {  // no proof of any password: a null session
    s.emit("null_session", {{"auth_path", path},
                            {"username", auth.user},
                            {"domain", auth.domain},
                            {"workstation", auth.workstation}});
    return;
  }
  s.emit("auth_attempt",
         {{"auth_path", path},
          {"username", auth.user},
          {"domain", auth.domain},
          {"principal", auth.principal()},
          {"secret_kind", std::string(auth.secret_kind())},
          {"secret_printable", core::to_hex(auth.nt_response)},
          {"secret_b64", encode_secret(auth.nt_response).b64},
          {"workstation", auth.workstation},
          {"server_challenge", core::to_hex(server_challenge)}},
         Severity::kWarning);
}

}  // namespace decnet::decky
