// The decky's SMB service attacked with Samba's own smbclient: a password login and a null
// session both fail as on a real server, an SMB1 opener is moved up to SMB2 and an SMB1-only
// client is reported and let go, and the master stores the NTLMv2 response under
// DOMAIN\user with the server challenge beside it — and that pair is really crackable: the
// test recomputes the client's proof from the password it typed and finds it in what was stored.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/provider.h>

#include "core/base64.h"
#include "core/hash.h"
#include "decky_run.h"
#include "wire_bytes.h"

namespace decnet::testing {
namespace {

using namespace wire_bytes;

std::string hmac_md5(const std::string& key, const std::string& data) {
  unsigned char out[16];
  unsigned int n = 0;
  HMAC(EVP_md5(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &n);
  return {reinterpret_cast<char*>(out), n};
}

// MD4 of the UTF-16 password: the NT hash. MD4 sits in OpenSSL 3's legacy provider.
std::optional<std::string> nt_hash(const std::string& password) {
  static OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(nullptr, "legacy");
  static OSSL_PROVIDER* base = OSSL_PROVIDER_load(nullptr, "default");
  if (!legacy || !base) return std::nullopt;
  EVP_MD* md4 = EVP_MD_fetch(nullptr, "MD4", nullptr);
  if (!md4) return std::nullopt;
  const auto in = utf16(password);
  unsigned char out[16];
  unsigned int n = 0;
  const bool ok = EVP_Digest(in.data(), in.size(), out, &n, md4, nullptr) == 1;
  EVP_MD_free(md4);
  if (!ok) return std::nullopt;
  return std::string(reinterpret_cast<char*>(out), n);
}

class SmbEndToEnd : public ::testing::Test {
 protected:
  RelpMaster master_;
  int port_ = free_port();
  TempDir dir_;

  CommandResult smbclient(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"smbclient", "-L", "//127.0.0.1", "-p", std::to_string(port_)};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, {}, std::chrono::seconds(30));
  }
};

TEST_F(SmbEndToEnd, SmbclientsNtlmv2ResponseIsStoredAndCrackable) {
  ASSERT_TRUE(master_.ready()) << master_.output();
  DeckyRun decky(dir_, master_.relp_port(), "filesrv", "smb",
                 {"smb.ports=" + std::to_string(port_), "smb.workgroup=ACME"}, port_);
  ASSERT_TRUE(decky.ready()) << decky.child().output();

  const auto login = smbclient({"-U", "CORP\\alice%Winter2026!"});
  EXPECT_NE(login.status, 0);
  EXPECT_NE(login.output.find("NT_STATUS_LOGON_FAILURE"), std::string::npos) << login.output;
  const auto null_session = smbclient({"-N", "-U", "%"});
  EXPECT_NE(null_session.output.find("NT_STATUS_LOGON_FAILURE"), std::string::npos)
      << null_session.output;

  // An SMB1 opener that also offers SMB2 is moved up; an SMB1-only client is let go.
  const auto moved_up = smbclient({"--option=client min protocol=NT1", "-U", "bob%x"});
  EXPECT_NE(moved_up.output.find("NT_STATUS_LOGON_FAILURE"), std::string::npos) << moved_up.output;
  const auto smb1_only = smbclient(
      {"--option=client min protocol=NT1", "--option=client max protocol=NT1", "-U", "bob%x"});
  EXPECT_NE(smb1_only.status, 0);
  EXPECT_EQ(smb1_only.output.find("NT_STATUS_LOGON_FAILURE"), std::string::npos)
      << smb1_only.output;

  const std::string stored =
      "service = 'smb' AND principal = 'CORP\\alice' AND secret_kind = 'ntlmssp_v2'";
  ASSERT_TRUE(master_.arrives("credentials", stored)) << master_.output();
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'smb' AND event_type = 'negotiate' AND "
                              "json_extract(fields, '$.dialects') LIKE '%3.0.2%'"));
  EXPECT_TRUE(master_.arrives("logs", "service = 'smb' AND event_type = 'null_session'"));
  EXPECT_TRUE(master_.arrives("credentials", "service = 'smb' AND principal LIKE '%\\bob'"));
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'smb' AND event_type = 'negotiate' AND "
                              "json_extract(fields, '$.protocol') = 'smb1' AND "
                              "json_extract(fields, '$.dialects') = 'NT LANMAN 1.0,NT LM 0.12'"));

  const auto b64 = sqlite_value(master_.db(), "SELECT secret_b64 FROM credentials WHERE " + stored);
  const auto challenge_hex = sqlite_value(
      master_.db(),
      "SELECT json_extract(fields, '$.server_challenge') FROM logs WHERE service = 'smb' AND "
      "event_type = 'auth_attempt' AND json_extract(fields, '$.username') = 'alice'");
  ASSERT_TRUE(b64 && challenge_hex);
  const auto response = core::base64_decode(*b64);
  const auto challenge = core::from_hex(*challenge_hex);
  ASSERT_TRUE(response && challenge);
  ASSERT_GT(response->size(), 24u);
  const auto hash = nt_hash("Winter2026!");
  ASSERT_TRUE(hash) << "MD4 unavailable";
  // NTOWFv2 keys HMAC-MD5 with the upper-cased user and the domain as the client sent them.
  const auto key = hmac_md5(*hash, utf16("ALICE") + utf16("CORP"));
  const auto blob = response->substr(16);
  EXPECT_EQ(core::to_hex(hmac_md5(key, *challenge + blob)), core::to_hex(response->substr(0, 16)))
      << "the stored response does not prove the password against the stored challenge";
  const auto wrong_key = hmac_md5(*nt_hash("Winter2025!"), utf16("ALICE") + utf16("CORP"));
  EXPECT_NE(hmac_md5(wrong_key, *challenge + blob), response->substr(0, 16));
}

}  // namespace
}  // namespace decnet::testing
