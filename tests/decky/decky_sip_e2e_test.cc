// The decky's SIP registrar attacked with sipsak: OPTIONS is answered as Asterisk answers it,
// a REGISTER is challenged and its Digest answer refused with 403, and the master stores the
// answer as an http_digest_md5 credential — testable offline: the test recomputes sipsak's
// response from the password it was given and the realm, nonce, method and URI stored beside
// it (sipsak could only answer with the nonce of the decky's 401).
#include <gtest/gtest.h>

#include "core/hash.h"
#include "decky_run.h"

namespace decnet::testing {
namespace {

using core::md5_hex;

class SipEndToEnd : public ::testing::Test {
 protected:
  RelpMaster master_;
  int sip_port_ = free_port(true);
  int ftp_port_ = free_port();
  TempDir dir_;

  std::string field(const std::string& name) {
    return sqlite_value(master_.db(),
                        "SELECT json_extract(fields, '$." + name +
                            "') FROM logs WHERE service = 'sip' AND event_type = 'auth'")
        .value_or("");
  }
};

TEST_F(SipEndToEnd, SipsaksDigestAnswerIsStoredAndTestableOffline) {
  ASSERT_TRUE(master_.ready()) << master_.output();
  // ftp rides along: its TCP port says when the decky is up.
  DeckyRun decky(dir_, master_.relp_port(), "pbx-01", "sip,ftp",
                 {"sip.ports=" + std::to_string(sip_port_),
                  "ftp.ports=" + std::to_string(ftp_port_), "sip.realm=pbx.example"},
                 ftp_port_);
  ASSERT_TRUE(decky.ready()) << decky.child().output();
  const auto target = "sip:100@127.0.0.1:" + std::to_string(sip_port_);

  const auto options = run_command({"sipsak", "-vv", "-s", target}, {}, std::chrono::seconds(20));
  EXPECT_EQ(options.status, 0) << options.output;
  EXPECT_NE(options.output.find("SIP/2.0 200 OK"), std::string::npos) << options.output;
  EXPECT_NE(options.output.find("Server: Asterisk PBX"), std::string::npos) << options.output;

  const auto reg = run_command(
      {"sipsak", "-vv", "-U", "-C", "sip:alice@127.0.0.1", "-s",
       "sip:alice@127.0.0.1:" + std::to_string(sip_port_), "-u", "alice", "-a", "Secret99"},
      {}, std::chrono::seconds(20));
  EXPECT_NE(reg.output.find("SIP/2.0 403 Forbidden"), std::string::npos) << reg.output;

  ASSERT_TRUE(master_.arrives("credentials",
                              "service = 'sip' AND principal = 'alice' AND secret_kind = "
                              "'http_digest_md5'"))
      << master_.output();
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'sip' AND event_type = 'request' AND "
                              "json_extract(fields, '$.method') = 'OPTIONS' AND "
                              "json_extract(fields, '$.user_agent') LIKE 'sipsak%'"));
  const auto realm = field("realm"), nonce = field("nonce"), uri = field("uri"),
             method = field("method"), response = field("secret_printable");
  EXPECT_EQ(realm, "pbx.example");
  ASSERT_FALSE(nonce.empty() || uri.empty() || response.empty());
  const auto ha1 = md5_hex("alice:" + realm + ":Secret99");
  const auto ha2 = md5_hex(method + ":" + uri);
  EXPECT_EQ(md5_hex(ha1 + ":" + nonce + ":" + ha2), response);
  EXPECT_NE(md5_hex(md5_hex("alice:" + realm + ":Secret98") + ":" + nonce + ":" + ha2), response);
}

}  // namespace
}  // namespace decnet::testing
