// Dashboard access tokens: JSON Web Tokens signed with HMAC-SHA256 (RFC 7519 / RFC 7515 compact
// form), written by hand because the subset we need is small and every library's flexibility
// (algorithm lists, key callbacks, "none") is attack surface here. Exactly one header is ever
// produced and exactly one algorithm is ever accepted; the signature is checked in constant time
// before the claims are read, and every claim DECNET relies on is required. Failures come back as
// a typed reason so the HTTP layer can answer 401 with it and tests can tell them apart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::api {

inline constexpr std::string_view kJwtIssuer = "decnet";
inline constexpr std::string_view kJwtAudience = "decnet-dashboard";
inline constexpr std::string_view kJwtAccessType = "access";
inline constexpr std::size_t kMaxJwtBytes = 4096;
// iat may lie this far in the future (clocks of cooperating API processes differ a little).
inline constexpr std::int64_t kJwtIatSkewSeconds = 60;

struct JwtClaims {
  std::string uuid;         // the user's uuid (the identity claim; not "sub", as in the reference)
  std::string jti;          // this token's id, for the logout denylist
  std::int64_t iat = 0;     // epoch seconds
  std::int64_t exp = 0;     // epoch seconds
  std::int64_t iat_us = 0;  // epoch microseconds, within iat's second (the "iat_us" claim)
};

enum class JwtError {
  kTooLarge,              // more than kMaxJwtBytes
  kMalformed,             // not three dot-separated parts, or header/payload not JSON objects
  kBadEncoding,           // a part is not unpadded, canonical base64url
  kBadHeader,             // typ other than "JWT", or a "crit" extension we cannot honour
  kUnsupportedAlgorithm,  // alg other than HS256, including "none"
  kBadSignature,
  kMissingClaim,  // uuid, jti, iat, exp, iss, aud or typ absent, empty or of the wrong type;
                  // or iat_us present but not inside iat's second
  kWrongIssuer,
  kWrongAudience,
  kWrongType,
  kExpired,      // exp <= now (no leeway)
  kNotYetValid,  // iat more than kJwtIatSkewSeconds ahead, or nbf in the future
};

// Short, stable text for logs and 401 bodies ("bad signature", "expired", ...).
std::string_view to_string(JwtError error);

// header.payload.signature with header {"alg":"HS256","typ":"JWT"} and the claims plus
// iss, aud and typ="access". iat_us is written when set: account changes are compared with the
// issue time at full precision, and iat alone would let a token issued in the same second as
// a password change outlive it. A token without it (issued by an older version) counts as
// issued at the start of its iat second.
std::string encode_jwt(const JwtClaims& claims, std::string_view secret);

// The claims of a token that passes every check at `now` (epoch seconds), else nullopt and
// *error (when given) says why.
std::optional<JwtClaims> verify_jwt(std::string_view token, std::string_view secret,
                                    std::int64_t now, JwtError* error = nullptr);

}  // namespace decnet::api
