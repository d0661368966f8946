// Checks an NTLMv2 response the way an offline cracker does ([MS-NLMP] 3.3.2): from a candidate
// password, the user and domain, and the server challenge the decky emitted beside it. The SMB
// and RDP end-to-end tests use it to show that what the master stored is really crackable.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/provider.h>

#include <optional>
#include <string>

#include "core/base64.h"
#include "core/hash.h"
#include "core/text.h"
#include "serve_support.h"
#include "wire_bytes.h"

namespace decnet::testing {

inline std::string hmac_md5(const std::string& key, const std::string& data) {
  unsigned char out[16];
  unsigned int n = 0;
  HMAC(EVP_md5(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &n);
  return {reinterpret_cast<char*>(out), n};
}

// MD4 of the UTF-16 password: the NT hash. MD4 sits in OpenSSL 3's legacy provider.
inline std::optional<std::string> nt_hash(const std::string& password) {
  static OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(nullptr, "legacy");
  static OSSL_PROVIDER* base = OSSL_PROVIDER_load(nullptr, "default");
  if (!legacy || !base) return std::nullopt;
  EVP_MD* md4 = EVP_MD_fetch(nullptr, "MD4", nullptr);
  if (!md4) return std::nullopt;
  const auto in = wire_bytes::utf16(password);
  unsigned char out[16];
  unsigned int n = 0;
  const bool ok = EVP_Digest(in.data(), in.size(), out, &n, md4, nullptr) == 1;
  EVP_MD_free(md4);
  if (!ok) return std::nullopt;
  return std::string(reinterpret_cast<char*>(out), n);
}

// True when `response` (the NTProofStr, then the client's blob) proves `password` for `user`
// and `domain` (as the client sent them) against `challenge`.
inline bool ntlmv2_proves(const std::string& password, const std::string& user,
                          const std::string& domain, const std::string& challenge,
                          const std::string& response) {
  const auto hash = nt_hash(password);
  if (!hash || response.size() <= 16) return false;
  // NTOWFv2 keys HMAC-MD5 with the upper-cased user and the domain.
  const auto key =
      hmac_md5(*hash, wire_bytes::utf16(core::ascii_upper(user)) + wire_bytes::utf16(domain));
  return hmac_md5(key, challenge + response.substr(16)) == response.substr(0, 16);
}

struct StoredNtlm {
  std::string response, challenge;  // raw bytes
};

// The NT response the master stored for `user` on `service`, from its credential row, and the
// server challenge from the line that carried it.
inline std::optional<StoredNtlm> stored_ntlm(const std::filesystem::path& db,
                                             const std::string& service, const std::string& user) {
  const auto where = "service = '" + service +
                     "' AND event_type = 'auth_attempt' AND "
                     "json_extract(fields, '$.username') = '" +
                     user + "'";
  const auto b64 =
      sqlite_value(db, "SELECT json_extract(fields, '$.secret_b64') FROM logs WHERE " + where);
  const auto challenge = sqlite_value(
      db, "SELECT json_extract(fields, '$.server_challenge') FROM logs WHERE " + where);
  const auto stored =
      sqlite_value(db, "SELECT secret_b64 FROM credentials WHERE service = '" + service +
                           "' AND secret_b64 = '" + b64.value_or("") + "'");
  if (!b64 || !challenge || !stored) return std::nullopt;
  const auto response = core::base64_decode(*stored);
  const auto raw_challenge = core::from_hex(*challenge);
  if (!response || !raw_challenge) return std::nullopt;
  return StoredNtlm{*response, *raw_challenge};
}

}  // namespace decnet::testing
