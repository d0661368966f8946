// Turns an event's emitter parameters into a credential attempt. The decoy services emit one
// native shape for every protocol — principal, secret_kind, secret_printable and secret_b64 —
// so one function covers SSH, FTP, SMTP, Postgres challenges, VNC and NTLM responses alike.
// The hash is always taken over the full decoded secret bytes; the stored text columns are
// capped afterwards and flagged when shortened.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ingest/normalized_event.h"
#include "store/credential_repository.h"

namespace decnet::ingest {

inline constexpr std::size_t kMaxPrincipal = 256;
inline constexpr std::size_t kMaxSecretB64 = 2048;
inline constexpr std::size_t kMaxSecretPrintable = 512;
inline constexpr std::size_t kMaxSecretKind = 32;
inline constexpr std::size_t kMaxOutcome = 16;

enum class CredentialOutcome {
  kCredential,     // a secret was captured
  kNoCredential,   // the event carries no secret at all
  kUsernameOnly,   // a principal without a secret (MySQL/MSSQL without an auth response,
                   // FTP USER, ...): reconnaissance, not a credential
  kInvalidSecret,  // secret_b64 is not strict base64: the event is kept, no credential
};

struct ExtractedCredential {
  CredentialOutcome outcome = CredentialOutcome::kNoCredential;
  store::CredentialAttempt attempt;  // valid for kCredential
  std::string reason;                // for kInvalidSecret
};

ExtractedCredential extract_credential(const NormalizedEvent& event);

// Bytes in [0x20, 0x7f) kept, anything else becomes '?': what an operator can read safely.
std::string printable_secret(std::string_view raw);

// The emitters' literal "None" (Python's str(None)) and empty values mean "no principal".
std::optional<std::string> principal_of(const NormalizedEvent& event);

// JSON object text of the event's fields, as stored in credentials.fields and logs.fields.
std::string fields_json(const NormalizedEvent& event);

}  // namespace decnet::ingest
