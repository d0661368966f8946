// The decky's DNS and TFTP services queried with dig and curl: an open-resolver probe is
// refused, a name in the persona's domain gets an authoritative NXDOMAIN, version.bind answers
// BIND's version; a router configuration read and an upload over TFTP are refused. The master
// gets every query and request, and tags the configuration read (T1602.002). Link-local name
// queries (LLMNR, mDNS) are reported and never answered.
#include <gtest/gtest.h>

#include <fstream>

#include "decky_run.h"

namespace decnet::testing {
namespace {

TEST(UdpDeckyEndToEnd, DigAndCurlAreAnsweredAndReported) {
  const int dns = free_port(true), tftp = free_port(true), ftp = free_port();
  RelpMaster master;
  ASSERT_TRUE(master.ready()) << master.output();
  TempDir dir;
  // ftp rides along: its TCP port says when the decky is up.
  DeckyRun decky(dir, master.relp_port(), "decky-udp", "dns,tftp,ftp",
                 {"dns.ports=" + std::to_string(dns), "tftp.ports=" + std::to_string(tftp),
                  "ftp.ports=" + std::to_string(ftp), "dns.domain=corp.example"},
                 ftp);
  ASSERT_TRUE(decky.ready()) << decky.child().output();
  const auto dig = [&](std::vector<std::string> args) {
    args.insert(args.begin(),
                {"dig", "@127.0.0.1", "-p", std::to_string(dns), "+tries=1", "+time=3"});
    return run_command(args).output;
  };
  const auto open_resolver = dig({"www.example.com", "A"});
  EXPECT_NE(open_resolver.find("status: REFUSED"), std::string::npos) << open_resolver;
  const auto ours = dig({"vpn.corp.example", "A", "+norecurse"});
  EXPECT_NE(ours.find("status: NXDOMAIN"), std::string::npos) << ours;
  EXPECT_NE(ours.find("flags: qr aa;"), std::string::npos) << ours;
  const auto version = dig({"version.bind", "TXT", "CH"});
  EXPECT_NE(version.find("\"9.18.28-1~deb12u2-Debian\""), std::string::npos) << version;

  const auto base = "tftp://127.0.0.1:" + std::to_string(tftp) + "/";
  const auto read = run_command({"curl", "-s", "--max-time", "10", base + "router-confg"});
  EXPECT_EQ(read.status, 68) << read.output;  // TFTP file not found
  const auto file = dir.path() / "payload.bin";
  std::ofstream(file) << "not really a payload";
  const auto write =
      run_command({"curl", "-s", "--max-time", "10", "-T", file.string(), base + "payload.bin"});
  EXPECT_EQ(write.status, 69) << write.output;  // TFTP access violation

  const auto logged = [&](const std::string& table, const std::string& where) {
    return master.arrives(table, where);
  };
  EXPECT_TRUE(logged("logs",
                     "service = 'dns' AND event_type = 'dns_query' AND "
                     "json_extract(fields, '$.qname') = 'www.example.com' AND "
                     "json_extract(fields, '$.rd') = '1'"))
      << master.output();
  EXPECT_TRUE(logged("logs", "service = 'dns' AND json_extract(fields, '$.qclass') = 'CH'"));
  EXPECT_TRUE(logged("logs",
                     "service = 'tftp' AND event_type = 'read_request' AND "
                     "json_extract(fields, '$.filename') = 'router-confg'"));
  EXPECT_TRUE(logged("logs",
                     "service = 'tftp' AND event_type = 'write_request' AND "
                     "json_extract(fields, '$.filename') = 'payload.bin'"));
  EXPECT_TRUE(logged("ttp_tag", "technique_id = 'T1602' AND sub_technique_id = 'T1602.002'"))
      << sqlite_value(master.db(), "SELECT group_concat(technique_id) FROM ttp_tag").value_or("");
}

TEST(UdpDeckyEndToEnd, LinkLocalNameQueriesAreReportedAndNeverAnswered) {
  const int llmnr = free_port(true), mdns = free_port(true), ftp = free_port();
  RelpMaster master;
  ASSERT_TRUE(master.ready()) << master.output();
  TempDir dir;
  DeckyRun decky(dir, master.relp_port(), "decky-lan", "llmnr,ftp",
                 {"llmnr.ports=" + std::to_string(llmnr) + "," + std::to_string(mdns),
                  "ftp.ports=" + std::to_string(ftp)},
                 ftp);
  ASSERT_TRUE(decky.ready()) << decky.child().output();
  const auto wpad = run_command({"dig", "@127.0.0.1", "-p", std::to_string(llmnr), "+tries=1",
                                 "+time=2", "+norecurse", "wpad", "A"});
  EXPECT_NE(wpad.output.find("timed out"), std::string::npos) << wpad.output;
  const auto share = run_command({"dig", "@127.0.0.1", "-p", std::to_string(mdns), "+tries=1",
                                  "+time=2", "fileserv.local", "AAAA"});
  EXPECT_NE(share.output.find("timed out"), std::string::npos) << share.output;
  EXPECT_TRUE(master.arrives("logs",
                             "service = 'llmnr' AND event_type = 'name_query' AND "
                             "json_extract(fields, '$.qname') = 'wpad' AND "
                             "json_extract(fields, '$.qtype') = 'A'"))
      << master.output();
  EXPECT_TRUE(master.arrives("logs",
                             "service = 'llmnr' AND event_type = 'name_query' AND "
                             "json_extract(fields, '$.qname') = 'fileserv.local' AND "
                             "json_extract(fields, '$.qtype') = 'AAAA'"));
}

}  // namespace
}  // namespace decnet::testing
