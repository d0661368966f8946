// OpenSSL 3 only through the non-deprecated EVP interfaces. The digest and MAC algorithms are
// fetched once per process and each thread keeps one reusable context, because implicit fetches
// and context allocation dominate the cost of hashing short inputs. Failures of the library
// itself (not of input) are unrecoverable and abort with a message.
#include "core/hash.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "core/text.h"

namespace decnet::core {
namespace {

[[noreturn]] void fatal(const char* what) {
  std::fprintf(stderr, "decnet: fatal: %s\n", what);
  std::abort();
}

const EVP_MD* sha256_md() {
  static EVP_MD* md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    if (m == nullptr) fatal("OpenSSL has no SHA2-256 digest");
    return m;
  }();
  return md;
}

EVP_MAC* hmac_alg() {
  static EVP_MAC* mac = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (m == nullptr) fatal("OpenSSL has no HMAC");
    return m;
  }();
  return mac;
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

EVP_MD_CTX* thread_md_ctx() {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx) fatal("EVP_MD_CTX_new failed");
  return ctx.get();
}

EVP_MAC_CTX* thread_hmac_ctx() {
  thread_local std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx = [] {
    std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> c(EVP_MAC_CTX_new(hmac_alg()));
    if (!c) fatal("EVP_MAC_CTX_new failed");
    char digest[] = "SHA2-256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_MAC_CTX_set_params(c.get(), params) != 1) fatal("HMAC digest selection failed");
    return c;
  }();
  return ctx.get();
}

void hex_into(const uint8_t* data, size_t n, char* out) {
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHexDigits[data[i] >> 4];
    out[2 * i + 1] = kHexDigits[data[i] & 0x0f];
  }
}

}  // namespace

Sha256Digest sha256(std::string_view data) {
  EVP_MD_CTX* ctx = thread_md_ctx();
  Sha256Digest out;
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(ctx, sha256_md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 || len != out.size()) {
    fatal("SHA-256 failed");
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  return to_hex(sha256(data));
}

Md5Digest md5(std::string_view data) {
  Md5Digest digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_md5(), nullptr) != 1 ||
      length != digest.size()) {
    throw std::runtime_error("MD5 failed");
  }
  return digest;
}

std::string md5_hex(std::string_view data) {
  return to_hex(md5(data));
}

Sha256Digest hmac_sha256(std::string_view key, std::string_view msg) {
  // An empty key must still be a non-null pointer, or OpenSSL keeps the previous call's key.
  static const unsigned char kEmpty = 0;
  const auto* key_ptr = key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  EVP_MAC_CTX* ctx = thread_hmac_ctx();
  Sha256Digest out;
  size_t len = 0;
  if (EVP_MAC_init(ctx, key_ptr, key.size(), nullptr) != 1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &len, out.size()) != 1 || len != out.size()) {
    fatal("HMAC-SHA256 failed");
  }
  return out;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view msg) {
  return to_hex(hmac_sha256(key, msg));
}

std::string to_hex(std::span<const uint8_t> bytes) {
  std::string out(bytes.size() * 2, '\0');
  hex_into(bytes.data(), bytes.size(), out.data());
  return out;
}

std::string to_hex(std::string_view bytes) {
  return to_hex({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_digit_value(hex[2 * i]);
    const int lo = hex_digit_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::uint64_t keyed_hash64(const ShortHashKey& key, std::string_view data) {
  static_assert(crypto_shorthash_BYTES == 8 && crypto_shorthash_KEYBYTES == 16);
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                   key.data());
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | out[i];
  return value;
}

ShortHashKey random_short_hash_key() {
  ShortHashKey key;
  secure_random_bytes(key);
  return key;
}

void secure_random_bytes(std::span<uint8_t> out) {
  if (out.empty()) return;
  static const bool ready = [] {
    if (sodium_init() < 0) fatal("sodium_init failed");
    return true;
  }();
  (void)ready;
  randombytes_buf(out.data(), out.size());
}

}  // namespace decnet::core
