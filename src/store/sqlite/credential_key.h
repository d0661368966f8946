// The credential dedup key: one 64-bit integer per (address, decky, service, secret kind, secret,
// principal), so a credential attempt is found and inserted through a small integer index rather
// than a six-column text key.
//
// The high 32 bits are the first 32 bits of the secret's SHA-256 and the low 32 a hash of the
// whole tuple, so every credential of one secret sits in one key range: the same index answers
// "who else tried this password" (credential reuse, the secret filter of the API). Two different
// tuples may share a key; the upsert compares the tuple and, when it differs, moves to the next
// low half (linear probing within the secret's range). DECNET never deletes a credential, so a
// probe chain is never cut short (a row deleted by hand in the middle of one could give the tuple
// beyond it a second row).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string_view>

namespace decnet::store::sqlite {

struct CredentialKeyFields {
  std::string_view attacker_ip_key;  // "" without an address
  std::string_view decky;
  std::string_view service;
  std::string_view secret_kind;
  std::string_view secret_sha256;  // 64 lowercase hex digits
  std::string_view principal_key;  // "" without a principal
};

std::int64_t credential_key(const CredentialKeyFields& fields);

// The key after `key` within the same secret's range (the low half wraps around).
std::int64_t next_credential_key(std::int64_t key);

// The smallest key of a secret's range; the largest is this plus kSecretKeySpan. Text that does
// not start with 8 hex digits gets the range of "00000000"; lookups also compare the full digest.
std::int64_t secret_key_floor(std::string_view secret_sha256);
inline constexpr std::int64_t kSecretKeySpan = 0xffffffff;

// Makes secret_key_floor(text) callable from SQL on this connection, as
// secret_key_floor(secret_sha256), for queries that look up a secret named by another row.
void register_credential_key_functions(sqlite3* db);

}  // namespace decnet::store::sqlite
