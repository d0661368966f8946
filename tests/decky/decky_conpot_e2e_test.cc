// The decky's PLC (conpot) driven with mbpoll, a Modbus master from Debian: holding registers
// read twice give the same values, a register write is acknowledged and reported with its value,
// coils read; the PLC's web page answers curl on the same service's other port. The master
// stores each request with its function and address.
#include <gtest/gtest.h>

#include "decky_run.h"

namespace decnet::testing {
namespace {

TEST(ConpotEndToEnd, ModbusReadsAndWritesAreAnsweredAndReported) {
  const int modbus = free_port(), web = free_port();
  RelpMaster master;
  ASSERT_TRUE(master.ready()) << master.output();
  TempDir dir;
  DeckyRun decky(dir, master.relp_port(), "plc-01", "conpot",
                 {"conpot.ports=" + std::to_string(modbus) + "," + std::to_string(web)}, modbus);
  ASSERT_TRUE(decky.ready()) << decky.child().output();
  const auto mbpoll = [&](std::vector<std::string> args) {
    std::vector<std::string> argv{"mbpoll", "-m", "tcp", "-p", std::to_string(modbus),
                                  "-a",     "1",  "-1",  "-0"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, {}, std::chrono::seconds(20));
  };
  const auto first = mbpoll({"-r", "100", "-c", "4", "-t", "4", "127.0.0.1"});
  EXPECT_EQ(first.status, 0) << first.output;
  EXPECT_NE(first.output.find("[100]:"), std::string::npos) << first.output;
  const auto again = mbpoll({"-r", "100", "-c", "4", "-t", "4", "127.0.0.1"});
  const auto values = [](const std::string& out) { return out.substr(out.find("[100]:")); };
  EXPECT_EQ(values(first.output), values(again.output));
  const auto write = mbpoll({"-r", "7", "-t", "4", "127.0.0.1", "4321"});
  EXPECT_EQ(write.status, 0) << write.output;
  EXPECT_NE(write.output.find("Written 1 references"), std::string::npos) << write.output;
  const auto coils = mbpoll({"-r", "0", "-c", "8", "-t", "0", "127.0.0.1"});
  EXPECT_EQ(coils.status, 0) << coils.output;

  const auto page = run_command({"curl", "-s", "http://127.0.0.1:" + std::to_string(web) + "/"});
  EXPECT_NE(page.output.find("SIMATIC, S7-200"), std::string::npos) << page.output;

  EXPECT_TRUE(master.arrives("logs",
                             "service = 'conpot' AND event_type = 'modbus_request' AND "
                             "json_extract(fields, '$.function') = 'read_holding_registers' AND "
                             "json_extract(fields, '$.address') = '100' AND "
                             "json_extract(fields, '$.quantity') = '4'",
                             2))
      << master.output();
  EXPECT_TRUE(master.arrives("logs",
                             "service = 'conpot' AND event_type = 'modbus_write' AND "
                             "json_extract(fields, '$.address') = '7' AND "
                             "json_extract(fields, '$.values') = '10e1'"));
  EXPECT_TRUE(master.arrives("logs",
                             "service = 'conpot' AND event_type = 'request' AND "
                             "json_extract(fields, '$.path') = '/'"));
}

}  // namespace
}  // namespace decnet::testing
