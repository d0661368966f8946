// The decky's https service attacked with curl and openssl s_client: the client's hello is
// reported with the JA3 of what its command line made it offer and the server name it asked
// for, the credential inside the TLS connection is captured as over http, a client that speaks
// no TLS is reported as such, and the certificate made for the host at the first start is the
// one it still presents after a restart.
#include <gtest/gtest.h>

#include "core/hash.h"
#include "decky_run.h"

namespace decnet::testing {
namespace {

class HttpsEndToEnd : public ::testing::Test {
 protected:
  RelpMaster master_;
  int https_port_ = free_port();
  TempDir dir_;

  std::unique_ptr<DeckyRun> start_decky() {
    return std::make_unique<DeckyRun>(
        dir_, master_.relp_port(), "decky-tls", "https",
        std::vector<std::string>{"https.ports=" + std::to_string(https_port_)}, https_port_);
  }
  // The certificate the decky presents, in PEM.
  std::string certificate() {
    const auto r = run_command(
        {"sh", "-c",
         "openssl s_client -connect 127.0.0.1:" + std::to_string(https_port_) +
             " </dev/null 2>/dev/null | openssl x509 -noout -subject -fingerprint -sha256"});
    return r.status == 0 ? r.output : std::string();
  }
};

TEST_F(HttpsEndToEnd, HellosCredentialsAndPlainTextAreReported) {
  ASSERT_TRUE(master_.ready()) << master_.output();
  const auto decky = start_decky();
  ASSERT_TRUE(decky->ready()) << decky->child().output();
  const auto base = "https://127.0.0.1:" + std::to_string(https_port_);

  const auto basic = run_command({"curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "-u",
                                  "admin:hunter2", base + "/manager/html"});
  EXPECT_EQ(basic.output, "401") << basic.output;
  EXPECT_TRUE(master_.arrives("credentials",
                              "service = 'https' AND principal = 'admin' AND secret_printable = "
                              "'hunter2' AND secret_kind = 'plaintext'"))
      << master_.output();

  // TLS 1.2 with one suite: the JA3 lists it (49195) and the renegotiation SCSV OpenSSL adds.
  const auto pinned =
      run_command({"sh", "-c",
                   "openssl s_client -connect 127.0.0.1:" + std::to_string(https_port_) +
                       " -servername shop.example -no_tls1_3 -cipher ECDHE-ECDSA-AES128-GCM-SHA256 "
                       "</dev/null 2>&1"});
  EXPECT_NE(pinned.output.find("ECDHE-ECDSA-AES128-GCM-SHA256"), std::string::npos)
      << pinned.output;
  EXPECT_TRUE(
      master_.arrives("logs",
                      "service = 'https' AND event_type = 'tls_client_hello' AND "
                      "json_extract(fields, '$.sni') = 'shop.example' AND json_extract(fields, "
                      "'$.ja3_string') LIKE '771,49195-255,%'"));
  const auto ja3_string = sqlite_value(
      master_.db(),
      "SELECT json_extract(fields, '$.ja3_string') FROM logs WHERE json_extract(fields, "
      "'$.sni') = 'shop.example'");
  ASSERT_TRUE(ja3_string);
  EXPECT_TRUE(master_.arrives(
      "logs", "json_extract(fields, '$.ja3') = '" + core::md5_hex(*ja3_string) + "'"));

  TcpClient plain(https_port_);
  ASSERT_TRUE(plain.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(master_.arrives("logs", "service = 'https' AND event_type = 'not_tls'"));
}

TEST_F(HttpsEndToEnd, TheCertificateNamesTheHostAndSurvivesARestart) {
  ASSERT_TRUE(master_.ready()) << master_.output();
  std::string first;
  {
    const auto decky = start_decky();
    ASSERT_TRUE(decky->ready()) << decky->child().output();
    first = certificate();
    EXPECT_NE(first.find("CN = decky-tls"), std::string::npos) << first;
    EXPECT_EQ(decky->child().stop(SIGTERM), 0) << decky->child().output();
  }
  const auto again = start_decky();
  ASSERT_TRUE(again->ready()) << again->child().output();
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(certificate(), first);
}

}  // namespace
}  // namespace decnet::testing
