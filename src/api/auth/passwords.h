// Dashboard passwords: argon2id hashes in libsodium's self-describing string form (the
// parameters travel with each hash, so raising them later only needs needs_rehash), the
// password policy, and the generator for the first admin's password. The policy counts
// characters (Unicode code points of valid UTF-8), not bytes: argon2id has no 72-byte
// truncation, so the reference's byte limit, a bcrypt artefact, is not carried over; the upper
// bound only keeps request bodies and hashing time small. The username rule lives here too, as
// the other half of a credential.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::api {

inline constexpr std::size_t kMinPasswordChars = 12;
inline constexpr std::size_t kMaxPasswordChars = 72;
// A password longer than this many bytes can never pass the policy (4 bytes per code point).
inline constexpr std::size_t kMaxPasswordBytes = 4 * kMaxPasswordChars;
inline constexpr std::size_t kGeneratedPasswordChars = 20;
inline constexpr std::size_t kMaxUsernameBytes = 64;

// nullopt when `username` is acceptable: 1 to 64 ASCII letters, digits, '.', '_', '-' or '@'
// (no spaces or look-alike characters, so names in logs and audit trails are unambiguous).
std::optional<std::string> check_username_policy(std::string_view username);

// nullopt when `password` is acceptable, else a message for the user: it must be valid UTF-8,
// 12 to 72 characters, without control characters.
std::optional<std::string> check_password_policy(std::string_view password);

// argon2id hash string ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"). Throws std::runtime_error
// only when the system cannot provide the memory.
std::string hash_password(std::string_view password);

// True when `password` matches `hash`; false for a mismatch or a hash that is not argon2id.
bool verify_password(std::string_view hash, std::string_view password);

// True when `hash` was made with other parameters than hash_password() uses now (or is not an
// argon2id hash at all), i.e. should be replaced after the next successful verify.
bool password_needs_rehash(std::string_view hash);

// kGeneratedPasswordChars characters drawn uniformly from letters and digits without the easily
// confused 0 O o 1 l I (56 symbols, about 116 bits).
std::string generate_password();

}  // namespace decnet::api
