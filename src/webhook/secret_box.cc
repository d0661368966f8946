#include "webhook/secret_box.h"

#include <sodium.h>

#include <array>

#include "core/base64.h"
#include "core/hash.h"
#include "core/key_file.h"
#include "webhook/webhook_error.h"

namespace decnet::webhook {
namespace {

constexpr std::string_view kVersion = "v1";

}  // namespace

SecretBox SecretBox::from_key_file(const std::filesystem::path& path) {
  return SecretBox(core::load_or_create_key_file(path));
}

SecretBox::SecretBox(std::string_view key_material) {
  static_assert(crypto_secretbox_KEYBYTES == 32);
  if (sodium_init() < 0) throw WebhookError("libsodium could not be initialised");
  const auto digest = core::sha256(key_material);
  key_.assign(reinterpret_cast<const char*>(digest.data()), digest.size());
}

SecretBox::~SecretBox() {
  sodium_memzero(key_.data(), key_.size());
}

std::string SecretBox::seal(std::string_view plaintext) const {
  std::string out(
      kVersion.size() + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(),
      '\0');
  std::copy(kVersion.begin(), kVersion.end(), out.begin());
  auto* nonce = reinterpret_cast<unsigned char*>(out.data() + kVersion.size());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        nonce, reinterpret_cast<const unsigned char*>(key_.data()));
  return out;
}

std::string SecretBox::open(std::string_view sealed) const {
  const auto header = kVersion.size() + crypto_secretbox_NONCEBYTES;
  if (sealed.size() < header + crypto_secretbox_MACBYTES ||
      sealed.substr(0, kVersion.size()) != kVersion) {
    throw WebhookError("webhook secret is not in the sealed format");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data() + kVersion.size());
  const auto box = sealed.substr(header);
  std::string out(box.size() - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                 reinterpret_cast<const unsigned char*>(box.data()), box.size(),
                                 nonce, reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    throw WebhookError(
        "webhook secret cannot be decrypted: webhook.key differs from the one it was sealed with");
  }
  return out;
}

std::string generate_secret() {
  std::array<std::uint8_t, 32> raw{};
  core::secure_random_bytes(raw);
  auto text = core::base64url_encode(
      std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
  sodium_memzero(raw.data(), raw.size());
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

}  // namespace decnet::webhook
