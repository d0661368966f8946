// Webhook signing secrets at rest. The database holds only ciphertext: a copied database file or
// backup does not let anyone forge DECNET's signatures. The key lives in
// <DECNET_DATA_DIR>/webhook.key (mode 0600, created on first use like jwt.key); the cipher is
// libsodium's secretbox (XSalsa20-Poly1305) with a random nonce per secret, stored as
// "v1" || nonce || box, so a tampered row fails to open instead of yielding a wrong secret.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace decnet::webhook {

class SecretBox {
 public:
  // From the key file (created when missing); ConfigError as core::load_or_create_key_file.
  static SecretBox from_key_file(const std::filesystem::path& path);
  // From key material of any length (hashed to the cipher's key size).
  explicit SecretBox(std::string_view key_material);
  ~SecretBox();
  SecretBox(const SecretBox&) = default;
  SecretBox& operator=(const SecretBox&) = default;

  std::string seal(std::string_view plaintext) const;
  // Throws WebhookError when the ciphertext is malformed or was made with another key.
  std::string open(std::string_view sealed) const;

 private:
  std::string key_;
};

// A new random secret: 32 bytes, base64url without padding (43 characters), as the reference
// generates one.
std::string generate_secret();

}  // namespace decnet::webhook
