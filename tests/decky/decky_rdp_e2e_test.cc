// The decky's RDP service attacked with FreeRDP (xfreerdp /auth-only, under Xvfb): an NLA login
// goes through CredSSP inside TLS and fails as a wrong password does, and the master stores the
// NTLMv2 response, which the test proves crackable from the password FreeRDP was given; a
// client that refuses NLA gets TLS and its machine name, build and keyboard are reported; with
// `nla` on, such a client is refused.
#include <gtest/gtest.h>

#include "decky_run.h"
#include "ntlm_check.h"

namespace decnet::testing {
namespace {

class RdpEndToEnd : public ::testing::Test {
 protected:
  RelpMaster master_;
  int port_ = free_port();
  TempDir dir_;

  CommandResult freerdp(const std::vector<std::string>& args) {
    std::vector<std::string> argv{
        "xvfb-run",     "-a",         "xfreerdp",      "/v:127.0.0.1:" + std::to_string(port_),
        "/cert:ignore", "/auth-only", "/timeout:10000"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, {{"HOME", dir_.path().string()}}, std::chrono::seconds(60));
  }
};

TEST_F(RdpEndToEnd, AnNlaLoginIsStoredCrackableAndAClientWithoutNlaIsDescribed) {
  ASSERT_TRUE(master_.ready()) << master_.output();
  DeckyRun decky(dir_, master_.relp_port(), "win-01", "rdp", {"rdp.ports=" + std::to_string(port_)},
                 port_);
  ASSERT_TRUE(decky.ready()) << decky.child().output();

  const auto nla = freerdp({"/u:alice", "/p:Winter2026", "/d:CORP"});
  EXPECT_NE(nla.output.find("ERRCONNECT_LOGON_FAILURE"), std::string::npos) << nla.output;
  const auto tls = freerdp({"/u:bob", "/p:x", "/sec:tls"});
  EXPECT_NE(tls.status, 0);

  const std::string stored =
      "service = 'rdp' AND principal = 'CORP\\alice' AND secret_kind = 'ntlmssp_v2'";
  ASSERT_TRUE(master_.arrives("credentials", stored)) << master_.output();
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'rdp' AND event_type = 'connection_request' AND "
                              "json_extract(fields, '$.cookie') = 'alice' AND "
                              "json_extract(fields, '$.requested_protocols') = 'rdp,tls,hybrid'"));
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'rdp' AND event_type = 'client_data' AND "
                              "json_extract(fields, '$.client_build') > 0 AND "
                              "json_extract(fields, '$.keyboard_layout') LIKE '0x%'"));

  const auto ntlm = stored_ntlm(master_.db(), "rdp", "alice");
  ASSERT_TRUE(ntlm) << "no stored response and challenge";
  EXPECT_TRUE(ntlmv2_proves("Winter2026", "alice", "CORP", ntlm->challenge, ntlm->response));
  EXPECT_FALSE(ntlmv2_proves("Winter2025", "alice", "CORP", ntlm->challenge, ntlm->response));
}

TEST_F(RdpEndToEnd, WithNlaRequiredAClientWithoutItIsRefused) {
  ASSERT_TRUE(master_.ready()) << master_.output();
  DeckyRun decky(dir_, master_.relp_port(), "win-02", "rdp",
                 {"rdp.ports=" + std::to_string(port_), "rdp.nla=true"}, port_);
  ASSERT_TRUE(decky.ready()) << decky.child().output();
  const auto tls = freerdp({"/u:bob", "/p:x", "/sec:tls"});
  EXPECT_NE(tls.output.find("HYBRID_REQUIRED_BY_SERVER"), std::string::npos) << tls.output;
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'rdp' AND event_type = 'connection_request' AND "
                              "json_extract(fields, '$.cookie') = 'bob'"));
  EXPECT_EQ(master_.count("logs", "service = 'rdp' AND event_type = 'client_data'"), 0);
}

}  // namespace
}  // namespace decnet::testing
