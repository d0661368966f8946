// Base64 (RFC 4648 section 4) and base64url (section 5). Decoding is strict on purpose: exactly
// one byte string has exactly one accepted encoding, so values that are compared, hashed or used
// as keys (tokens, signatures, captured credentials) cannot be smuggled in a second spelling.
// Nothing here throws; invalid input yields std::nullopt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace decnet::core {

// Standard alphabet, always padded.
std::string base64_encode(std::string_view data);
// Standard alphabet; the length must be a multiple of 4 with correct "=" padding; no whitespace or
// other characters; the unused low bits of the last symbol must be zero.
std::optional<std::string> base64_decode(std::string_view text);

// URL-safe alphabet ("-" and "_"), never padded.
std::string base64url_encode(std::string_view data);
// URL-safe alphabet; padding may be omitted or present (then it must be correct); "+" and "/"
// are rejected; the unused low bits must be zero.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace decnet::core
