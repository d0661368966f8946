// The decky's VNC server met by vncsnapshot, a TightVNC client from Debian: the client's VNC
// authentication fails as on a wrong password, and the DES answer the master stores is the
// client's own, testable offline: the test derives the password from the client's password
// file (VNC's fixed-key obfuscation) and recomputes the answer to the stored challenge.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include <fstream>

#include "core/hash.h"
#include "decky_run.h"

namespace decnet::testing {
namespace {

// VNC's DES keys are used with each byte's bits reversed (its DES code orders them so).
std::string reversed_bits(std::string key) {
  for (auto& c : key) {
    auto b = static_cast<unsigned char>(c);
    unsigned char r = 0;
    for (int i = 0; i < 8; ++i) r = static_cast<unsigned char>(r | (((b >> i) & 1) << (7 - i)));
    c = static_cast<char>(r);
  }
  return key;
}

// One DES-ECB block; DES sits in OpenSSL 3's legacy provider.
std::optional<std::string> des(const std::string& key, const std::string& block, bool encrypt) {
  static OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(nullptr, "legacy");
  static OSSL_PROVIDER* base = OSSL_PROVIDER_load(nullptr, "default");
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "DES-ECB", nullptr);
  if (!legacy || !base || !cipher) return std::nullopt;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  std::string out(16, '\0');
  int n = 0, tail = 0;
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  bool ok = EVP_CipherInit_ex2(ctx, cipher, k, nullptr, encrypt ? 1 : 0, nullptr) == 1 &&
            EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
            EVP_CipherUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &n,
                             reinterpret_cast<const unsigned char*>(block.data()),
                             static_cast<int>(block.size())) == 1 &&
            EVP_CipherFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + n, &tail) == 1;
  EVP_CIPHER_CTX_free(ctx);
  EVP_CIPHER_free(cipher);
  if (!ok) return std::nullopt;
  out.resize(static_cast<std::size_t>(n + tail));
  return out;
}

TEST(VncEndToEnd, VncsnapshotsAnswerIsStoredAndTestableOffline) {
  const int port = free_port();
  RelpMaster master;
  ASSERT_TRUE(master.ready()) << master.output();
  TempDir dir;
  DeckyRun decky(dir, master.relp_port(), "vnc-01", "vnc", {"vnc.ports=" + std::to_string(port)},
                 port);
  ASSERT_TRUE(decky.ready()) << decky.child().output();
  const std::string file_bytes = "Passw0rd";  // a password file: the password, obfuscated
  std::ofstream(dir / "passwd", std::ios::binary) << file_bytes;
  const auto shot = run_command({"vncsnapshot", "-passwd", (dir / "passwd").string(),
                                 "127.0.0.1::" + std::to_string(port), (dir / "x.jpg").string()},
                                {}, std::chrono::seconds(20));
  EXPECT_NE(shot.output.find("VNC authentication failed"), std::string::npos) << shot.output;

  ASSERT_TRUE(master.arrives("credentials", "service = 'vnc' AND secret_kind = 'vnc_des_response'"))
      << master.output();
  const auto response = sqlite_value(
      master.db(), "SELECT secret_printable FROM credentials WHERE service = 'vnc'");
  const auto challenge = sqlite_value(master.db(),
                                      "SELECT json_extract(fields, '$.challenge') FROM logs WHERE "
                                      "service = 'vnc' AND event_type = 'auth_response'");
  ASSERT_TRUE(response && challenge);
  const std::string fixed_key("\x17\x52\x6b\x06\x23\x4e\x58\x07", 8);
  const auto password = des(reversed_bits(fixed_key), file_bytes, false);
  ASSERT_TRUE(password) << "DES unavailable";
  const auto expected = des(reversed_bits(*password), *core::from_hex(*challenge), true);
  ASSERT_TRUE(expected);
  EXPECT_EQ(core::to_hex(*expected), *response);
}

}  // namespace
}  // namespace decnet::testing
