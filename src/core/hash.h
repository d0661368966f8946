// SHA-256, HMAC-SHA256, hex and secure randomness in one place, so the rest of DECNET never
// touches OpenSSL or libsodium directly for them. Webhook signatures are
// "sha256=" + hmac_sha256_hex(secret, body); credential fingerprints and file hashes use sha256.
// Secrets are compared with constant_time_equal (its running time depends on the length only).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace decnet::core {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest sha256(std::string_view data);
std::string sha256_hex(std::string_view data);

// MD5, only where a published fingerprint format is defined on it (HASSH, JA3); never for
// anything that must resist collisions.
using Md5Digest = std::array<uint8_t, 16>;
Md5Digest md5(std::string_view data);
std::string md5_hex(std::string_view data);

Sha256Digest hmac_sha256(std::string_view key, std::string_view msg);
std::string hmac_sha256_hex(std::string_view key, std::string_view msg);

// Lowercase, two digits per byte.
std::string to_hex(std::span<const uint8_t> bytes);
std::string to_hex(std::string_view bytes);  // raw bytes held in a string
// Either case; the length must be even. Returns the raw bytes, or nullopt on any other character.
std::optional<std::string> from_hex(std::string_view hex);

// False when the lengths differ (the length itself is not secret); otherwise compares every byte
// regardless of where the first difference is.
bool constant_time_equal(std::string_view a, std::string_view b);

// Cryptographically secure bytes from libsodium (the OS generator). For keys, tokens, salts.
void secure_random_bytes(std::span<uint8_t> out);

// SipHash-2-4 of `data` under a 16-byte key: a 64-bit hash for tables keyed by attacker-chosen
// text, whose collisions nobody can aim without the key.
using ShortHashKey = std::array<uint8_t, 16>;
std::uint64_t keyed_hash64(const ShortHashKey& key, std::string_view data);
ShortHashKey random_short_hash_key();

}  // namespace decnet::core
