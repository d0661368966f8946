// The order of checks matters: size, shape and the header come first (cheap, and they decide
// which algorithm to use); then the signature, compared in constant time over the exact bytes
// received; only an authentic payload is parsed for claims. Segments must be unpadded
// base64url in their single canonical spelling, so one token has exactly one accepted text.
#include "api/auth/jwt.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/hash.h"
#include "core/json_text.h"

namespace decnet::api {
namespace {

constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

std::optional<std::string> decode_segment(std::string_view segment) {
  if (segment.empty() || segment.find('=') != std::string_view::npos) return std::nullopt;
  return core::base64url_decode(segment);
}

std::optional<nlohmann::json> parse_object(const std::string& text) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  return value;
}

std::optional<std::int64_t> integer_claim(const nlohmann::json& payload, const char* name) {
  const auto it = payload.find(name);
  if (it == payload.end() || !it->is_number_integer()) return std::nullopt;
  if (it->is_number_unsigned()) {
    const auto v = it->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(v);
  }
  return it->get<std::int64_t>();
}

std::optional<std::string> string_claim(const nlohmann::json& payload, const char* name) {
  const auto it = payload.find(name);
  if (it == payload.end() || !it->is_string()) return std::nullopt;
  auto value = it->get<std::string>();
  if (value.empty()) return std::nullopt;
  return value;
}

std::string sign(std::string_view signing_input, std::string_view secret) {
  const auto mac = core::hmac_sha256(secret, signing_input);
  return std::string(reinterpret_cast<const char*>(mac.data()), mac.size());
}

std::optional<JwtClaims> fail(JwtError* out, JwtError error) {
  if (out != nullptr) *out = error;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(JwtError error) {
  switch (error) {
    case JwtError::kTooLarge:
      return "token too large";
    case JwtError::kMalformed:
      return "malformed token";
    case JwtError::kBadEncoding:
      return "malformed token encoding";
    case JwtError::kBadHeader:
      return "unsupported token header";
    case JwtError::kUnsupportedAlgorithm:
      return "unsupported algorithm";
    case JwtError::kBadSignature:
      return "bad signature";
    case JwtError::kMissingClaim:
      return "missing or invalid claim";
    case JwtError::kWrongIssuer:
      return "wrong issuer";
    case JwtError::kWrongAudience:
      return "wrong audience";
    case JwtError::kWrongType:
      return "wrong token type";
    case JwtError::kExpired:
      return "expired";
    case JwtError::kNotYetValid:
      return "token not yet valid";
  }
  return "invalid token";
}

std::string encode_jwt(const JwtClaims& claims, std::string_view secret) {
  nlohmann::json payload = {
      {"uuid", claims.uuid}, {"jti", claims.jti},   {"iat", claims.iat},     {"exp", claims.exp},
      {"iss", kJwtIssuer},   {"aud", kJwtAudience}, {"typ", kJwtAccessType},
  };
  if (claims.iat_us != 0) payload["iat_us"] = claims.iat_us;
  std::string token = core::base64url_encode(kHeader);
  token += '.';
  token += core::base64url_encode(core::json_text(payload));
  const std::string signature = sign(token, secret);
  token += '.';
  token += core::base64url_encode(signature);
  return token;
}

std::optional<JwtClaims> verify_jwt(std::string_view token, std::string_view secret,
                                    std::int64_t now, JwtError* error) {
  if (token.size() > kMaxJwtBytes) return fail(error, JwtError::kTooLarge);
  const auto first = token.find('.');
  if (first == std::string_view::npos) return fail(error, JwtError::kMalformed);
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return fail(error, JwtError::kMalformed);
  }
  const auto header_b64 = token.substr(0, first);
  const auto payload_b64 = token.substr(first + 1, second - first - 1);
  const auto signature_b64 = token.substr(second + 1);
  if (header_b64.empty() || payload_b64.empty()) return fail(error, JwtError::kMalformed);

  const auto header_text = decode_segment(header_b64);
  if (!header_text) return fail(error, JwtError::kBadEncoding);
  const auto header = parse_object(*header_text);
  if (!header) return fail(error, JwtError::kMalformed);
  const auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string() || alg->get<std::string>() != "HS256") {
    return fail(error, JwtError::kUnsupportedAlgorithm);
  }
  if (header->contains("crit")) return fail(error, JwtError::kBadHeader);
  if (const auto typ = header->find("typ"); typ != header->end()) {
    if (!typ->is_string() || typ->get<std::string>() != "JWT") {
      return fail(error, JwtError::kBadHeader);
    }
  }

  // Checked after the header so that an "alg":"none" token (empty signature) reports its alg.
  if (signature_b64.empty()) return fail(error, JwtError::kBadSignature);
  const auto signature = decode_segment(signature_b64);
  if (!signature) return fail(error, JwtError::kBadEncoding);
  const std::string expected = sign(token.substr(0, second), secret);
  if (!core::constant_time_equal(*signature, expected)) {
    return fail(error, JwtError::kBadSignature);
  }

  const auto payload_text = decode_segment(payload_b64);
  if (!payload_text) return fail(error, JwtError::kBadEncoding);
  const auto payload = parse_object(*payload_text);
  if (!payload) return fail(error, JwtError::kMalformed);

  JwtClaims claims;
  const auto uuid = string_claim(*payload, "uuid");
  const auto jti = string_claim(*payload, "jti");
  const auto iat = integer_claim(*payload, "iat");
  const auto exp = integer_claim(*payload, "exp");
  const auto iss = string_claim(*payload, "iss");
  const auto aud = string_claim(*payload, "aud");
  const auto typ = string_claim(*payload, "typ");
  if (!uuid || !jti || !iat || !exp || !iss || !aud || !typ) {
    return fail(error, JwtError::kMissingClaim);
  }
  if (*iss != kJwtIssuer) return fail(error, JwtError::kWrongIssuer);
  if (*aud != kJwtAudience) return fail(error, JwtError::kWrongAudience);
  if (*typ != kJwtAccessType) return fail(error, JwtError::kWrongType);
  if (*exp <= now) return fail(error, JwtError::kExpired);
  if (*iat > now + kJwtIatSkewSeconds || *iat >= *exp) return fail(error, JwtError::kNotYetValid);
  if (payload->contains("nbf")) {
    const auto nbf = integer_claim(*payload, "nbf");
    if (!nbf) return fail(error, JwtError::kMissingClaim);
    if (*nbf > now) return fail(error, JwtError::kNotYetValid);
  }

  claims.uuid = *uuid;
  claims.jti = *jti;
  claims.iat = *iat;
  claims.exp = *exp;
  if (*iat < 0) return fail(error, JwtError::kMissingClaim);
  claims.iat_us = *iat * 1'000'000;
  if (payload->contains("iat_us")) {
    const auto iat_us = integer_claim(*payload, "iat_us");
    if (!iat_us || *iat_us / 1'000'000 != *iat || *iat_us < 0) {
      return fail(error, JwtError::kMissingClaim);
    }
    claims.iat_us = *iat_us;
  }
  return claims;
}

}  // namespace decnet::api
