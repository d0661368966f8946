#include "ingest/credential_extractor.h"

#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/hash.h"
#include "core/json_text.h"
#include "core/utf8.h"

namespace decnet::ingest {
namespace {

bool absent(const std::string* value) {
  return value == nullptr || value->empty() || *value == "None" || *value == "-";
}

// At most `limit` bytes, never ending inside a UTF-8 sequence.
std::string capped(std::string_view text, std::size_t limit, bool& truncated) {
  const auto kept = core::truncate_utf8_bytes(text, limit);
  if (kept.size() < text.size()) truncated = true;
  return std::string(kept);
}

// secret_kind is an identifier chosen by the emitter; anything else is not trusted as a key.
std::string secret_kind_of(const NormalizedEvent& event) {
  const auto* kind = event.field("secret_kind");
  if (absent(kind)) return "plaintext";
  std::string out;
  for (char c : *kind) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '_' || c == '-') out += static_cast<char>(std::tolower(u));
    if (out.size() == kMaxSecretKind) break;
  }
  return out.empty() ? "plaintext" : out;
}

std::optional<std::string> outcome_of(const NormalizedEvent& event) {
  const auto* outcome = event.field("outcome");
  if (absent(outcome)) return std::nullopt;
  if (*outcome == "success" || *outcome == "failure" || *outcome == "observed") return *outcome;
  return std::nullopt;
}

}  // namespace

std::string printable_secret(std::string_view raw) {
  std::string out(raw);
  for (auto& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) c = '?';
  }
  return out;
}

std::optional<std::string> principal_of(const NormalizedEvent& event) {
  const auto* principal = event.field("principal");
  if (!absent(principal)) return *principal;
  const auto* username = event.field("username");
  if (!absent(username)) return *username;
  return std::nullopt;
}

std::string fields_json(const NormalizedEvent& event) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [k, v] : event.fields) object[k] = v;
  return core::json_text(object);
}

ExtractedCredential extract_credential(const NormalizedEvent& event) {
  ExtractedCredential result;
  const auto* b64 = event.field("secret_b64");
  if (b64 == nullptr) {
    if (principal_of(event)) result.outcome = CredentialOutcome::kUsernameOnly;
    return result;
  }
  auto secret = core::base64_decode(*b64);
  if (!secret) {
    result.outcome = CredentialOutcome::kInvalidSecret;
    result.reason = "secret_b64 is not valid base64";
    return result;
  }
  result.outcome = CredentialOutcome::kCredential;
  auto& a = result.attempt;
  a.attacker_ip = event.attacker_ip;
  a.decky_name = event.decky;
  a.service = event.service;
  a.secret_kind = secret_kind_of(event);
  a.secret_sha256 = core::sha256_hex(*secret);
  if (auto principal = principal_of(event)) {
    a.principal = capped(*principal, kMaxPrincipal, a.truncated);
  }
  a.secret_b64 = capped(*b64, kMaxSecretB64, a.truncated);
  const auto* printable = event.field("secret_printable");
  a.secret_printable =
      capped(printable_secret(printable ? std::string_view(*printable) : std::string_view(*secret)),
             kMaxSecretPrintable, a.truncated);
  a.outcome = outcome_of(event);
  a.fields = fields_json(event);
  a.seen_at = event.timestamp;
  return result;
}

}  // namespace decnet::ingest
