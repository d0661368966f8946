// Fuzzes the decky's SMB login path: the SMB1 dialect list, the SMB2 header, NEGOTIATE and
// SESSION_SETUP, the SPNEGO token in the security buffer and the NTLMSSP message inside it —
// every field read lies within the message, and what is taken from it stays bounded by it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/ntlmssp.h"
#include "decky/protocol/smb_message.h"
#include "decky/protocol/spnego.h"
#include "fuzz_support.h"

using decnet::fuzz::check;
namespace d = decnet::decky;

namespace {

void ntlm(std::string_view token) {
  if (const auto flags = d::parse_ntlm_negotiate(token)) {
    const auto challenge = d::ntlm_challenge(*flags, {"WORKGROUP", "SRV", "", "srv", 0}, {});
    check(d::ntlm_message_type(challenge) == d::kNtlmChallenge);
  }
  if (const auto a = d::parse_ntlm_authenticate(token)) {
    check(a->nt_response.size() <= token.size() && a->lm_response.size() <= token.size());
    // UTF-16 to UTF-8: at most 3 bytes per 2; OEM text sanitised: at most 3 per byte.
    for (const auto* s : {&a->user, &a->domain, &a->workstation})
      check(s->size() <= 3 * token.size());
  }
}

void spnego(std::string_view blob) {
  if (const auto t = d::parse_spnego_client_token(blob)) {
    check(t->mech_token.size() <= blob.size());
    ntlm(t->mech_token);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (const auto dialects = d::parse_smb1_negotiate(input)) {
    check(dialects->size() <= 32);
    d::smb2_dialect_for_smb1(*dialects);
  }
  if (const auto header = d::parse_smb2_header(input)) {
    if (const auto n = d::parse_smb2_negotiate(input)) {
      check(n->dialects.size() <= 64 && n->client_guid.size() == 16);
      d::smb2_dialect_name(d::choose_smb2_dialect(n->dialects));
    }
    if (const auto blob = d::parse_smb2_session_setup(input)) spnego(*blob);
    check(d::smb2_response(*header, 0, 1, d::smb2_error_body()).size() == 73);
  }
  spnego(input);
  return 0;
}
