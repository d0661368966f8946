// The decky's SNMP agent queried with net-snmp's own tools: snmpget and snmpwalk read the
// persona's system group and interface table (so net-snmp decodes what the decky encodes), a
// wrong community gets silence, a set is refused, and the master stores every community with
// its outcome. A flood from one address gets a bounded number of answers and one rate_limited
// line, not one answer per datagram.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/hash.h"
#include "decky_run.h"

namespace decnet::testing {
namespace {

class SnmpEndToEnd : public ::testing::Test {
 protected:
  RelpMaster master_;
  int snmp_port_ = free_port(true);
  int ftp_port_ = free_port();
  TempDir dir_;

  std::unique_ptr<DeckyRun> start_decky() {
    // ftp rides along: its TCP port says when the decky is up.
    return std::make_unique<DeckyRun>(
        dir_, master_.relp_port(), "decky-snmp", "snmp,ftp",
        std::vector<std::string>{"snmp.ports=" + std::to_string(snmp_port_),
                                 "ftp.ports=" + std::to_string(ftp_port_)},
        ftp_port_);
  }
  CommandResult snmp(const std::string& tool, const std::string& community,
                     const std::vector<std::string>& args) {
    std::vector<std::string> argv{tool,  "-v2c", "-c",  community,
                                  "-On", "-r0",  "-t2", "127.0.0.1:" + std::to_string(snmp_port_)};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, {}, std::chrono::seconds(20));
  }
};

TEST_F(SnmpEndToEnd, NetSnmpReadsThePersonaAndTheMasterGetsEveryCommunity) {
  ASSERT_TRUE(master_.ready()) << master_.output();
  const auto decky = start_decky();
  ASSERT_TRUE(decky->ready()) << decky->child().output();

  const auto name = snmp("snmpget", "public", {"1.3.6.1.2.1.1.5.0"});
  EXPECT_EQ(name.status, 0) << name.output;
  EXPECT_NE(name.output.find("STRING: \"decky-snmp\""), std::string::npos) << name.output;

  const auto walk = snmp("snmpwalk", "public", {"1.3.6.1.2.1.1"});
  EXPECT_EQ(walk.status, 0) << walk.output;
  EXPECT_NE(walk.output.find(".1.3.6.1.2.1.1.1.0 = STRING: \"Linux decky-snmp"), std::string::npos)
      << walk.output;
  EXPECT_NE(walk.output.find(".1.3.6.1.2.1.1.3.0 = Timeticks:"), std::string::npos) << walk.output;
  EXPECT_NE(walk.output.find(".1.3.6.1.2.1.1.7.0 = INTEGER: 72"), std::string::npos) << walk.output;
  const auto bulk = snmp("snmpbulkwalk", "public", {"1.3.6.1.2.1.2.2.1.2"});
  EXPECT_NE(bulk.output.find("STRING: \"eth0\""), std::string::npos) << bulk.output;

  const auto wrong = snmp("snmpget", "n0t-the-one", {"1.3.6.1.2.1.1.5.0"});
  EXPECT_NE(wrong.status, 0) << wrong.output;
  EXPECT_NE(wrong.output.find("Timeout"), std::string::npos) << wrong.output;

  const auto set = snmp("snmpset", "public", {"1.3.6.1.2.1.1.6.0", "s", "pwned"});
  EXPECT_NE(set.status, 0) << set.output;
  EXPECT_NE(set.output.find("notWritable"), std::string::npos) << set.output;

  EXPECT_TRUE(
      master_.arrives("credentials",
                      "service = 'snmp' AND secret_kind = 'snmp_community' AND secret_printable "
                      "= 'public' AND outcome = 'success' AND principal IS NULL"))
      << master_.output();
  EXPECT_TRUE(master_.arrives("credentials",
                              "service = 'snmp' AND secret_printable = 'n0t-the-one' AND outcome = "
                              "'failure'"));
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'snmp' AND event_type = 'set_request' AND "
                              "json_extract(fields, '$.oids') = '1.3.6.1.2.1.1.6.0' AND "
                              "json_extract(fields, '$.values_b64') = 'cHduZWQ='"));
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'snmp' AND event_type = 'get_request' AND "
                              "json_extract(fields, '$.version') = '2c'"));
}

TEST_F(SnmpEndToEnd, AFloodFromOneAddressGetsBoundedAnswers) {
  ASSERT_TRUE(master_.ready()) << master_.output();
  const auto decky = start_decky();
  ASSERT_TRUE(decky->ready()) << decky->child().output();
  // The get snmpget sent for sysDescr.0 and sysName.0, community public.
  const auto request = *core::from_hex(
      "303702010104067075626c6963a02a02042634058a020100020100301c300c06082b06010201010100050030"
      "0c06082b060102010105000500");
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(snmp_port_));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  constexpr int kSent = 300;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kSent; ++i) {
    ::sendto(fd, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  int answers = 0;
  char buffer[2048];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 1000) <= 0) break;
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      ++answers;
      EXPECT_LE(static_cast<std::size_t>(n), std::max<std::size_t>(484, 3 * request.size()));
    }
  }
  ::close(fd);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(answers, 1);
  // A burst of 20 and 5 a second after it.
  EXPECT_LE(answers, 20 + static_cast<int>(5 * seconds) + 1) << seconds << " s";
  EXPECT_TRUE(master_.arrives("logs", "service = 'snmp' AND event_type = 'rate_limited'"));
  EXPECT_LT(sqlite_int(master_.db(),
                       "SELECT count(*) FROM logs WHERE service = 'snmp' AND event_type = "
                       "'get_request'")
                .value_or(kSent),
            kSent);
}

}  // namespace
}  // namespace decnet::testing
