// The decky's SMB service attacked with Samba's own smbclient: a password login and a null
// session both fail as on a real server, an SMB1 opener is moved up to SMB2 and an SMB1-only
// client is reported and let go, and the master stores the NTLMv2 response under
// DOMAIN\user with the server challenge beside it — and that pair is really crackable: the
// test recomputes the client's proof from the password it typed and finds it in what was stored.
#include <gtest/gtest.h>

#include "decky_run.h"
#include "ntlm_check.h"

namespace decnet::testing {
namespace {

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

  const auto ntlm = stored_ntlm(master_.db(), "smb", "alice");
  ASSERT_TRUE(ntlm) << "no stored response and challenge";
  EXPECT_TRUE(ntlmv2_proves("Winter2026!", "alice", "CORP", ntlm->challenge, ntlm->response))
      << "the stored response does not prove the password against the stored challenge";
  EXPECT_FALSE(ntlmv2_proves("Winter2025!", "alice", "CORP", ntlm->challenge, ntlm->response));
}

}  // namespace
}  // namespace decnet::testing
