// A relay decky in front of an upstream mail server, both real: curl sends a spammer's probe
// and then its campaign through smtp_relay; the probe is delivered to the upstream (here the
// decky's own smtp service on another port, which reports it arriving byte for byte) and the
// campaign is kept. The master stores both sides and the delivery's outcome.
#include <gtest/gtest.h>

#include <fstream>

#include "core/hash.h"
#include "decky_run.h"

namespace decnet::testing {
namespace {

class SmtpRelayEndToEnd : public ::testing::Test {
 protected:
  RelpMaster master_;
  int relay_port_ = free_port();
  int upstream_port_ = free_port();
  TempDir dir_;

  CommandResult send_mail(const std::string& subject) {
    const auto path = dir_ / (subject + ".eml");
    std::ofstream(path) << "From: spammer@evil.example\r\nTo: probe@drop.example\r\nSubject: "
                        << subject << "\r\n\r\n.a line that starts with a dot\r\nbye\r\n";
    return run_command(
        {"curl", "-sS", "smtp://127.0.0.1:" + std::to_string(relay_port_), "--mail-from",
         "spammer@evil.example", "--mail-rcpt", "probe@drop.example", "-T", path.string()},
        {}, std::chrono::seconds(20));
  }
};

TEST_F(SmtpRelayEndToEnd, TheFirstMessageIsDeliveredUpstreamAndTheRestKept) {
  ASSERT_TRUE(master_.ready()) << master_.output();
  DeckyRun decky(
      dir_, master_.relp_port(), "mx-01", "smtp_relay,smtp",
      {"smtp_relay.ports=" + std::to_string(relay_port_),
       "smtp.ports=" + std::to_string(upstream_port_), "smtp_relay.upstream_host=127.0.0.1",
       "smtp_relay.upstream_port=" + std::to_string(upstream_port_)},
      relay_port_);
  ASSERT_TRUE(decky.ready()) << decky.child().output();

  const auto probe = send_mail("probe");
  EXPECT_EQ(probe.status, 0) << probe.output;
  ASSERT_TRUE(master_.arrives("logs",
                              "service = 'smtp_relay' AND event_type = 'probe_relayed' AND "
                              "json_extract(fields, '$.outcome') = 'delivered'"))
      << master_.output();
  const auto campaign = send_mail("campaign");
  EXPECT_EQ(campaign.status, 0) << campaign.output;
  ASSERT_TRUE(master_.arrives("logs",
                              "service = 'smtp_relay' AND event_type = 'message_stored' AND "
                              "json_extract(fields, '$.subject') = 'campaign'"));

  // The upstream got the probe exactly as the spammer sent it, and only the probe.
  const auto sha_of = [&](const std::string& service, const std::string& subject) {
    return sqlite_value(master_.db(),
                        "SELECT json_extract(fields, '$.sha256') FROM logs WHERE service = '" +
                            service +
                            "' AND event_type = 'message_stored' AND json_extract(fields, "
                            "'$.subject') = '" +
                            subject + "'");
  };
  ASSERT_TRUE(master_.arrives("logs", "service = 'smtp' AND event_type = 'message_stored'"));
  const auto sent = sha_of("smtp_relay", "probe");
  const auto arrived = sha_of("smtp", "probe");
  ASSERT_TRUE(sent && arrived);
  EXPECT_EQ(*sent, *arrived);
  EXPECT_EQ(master_.count("logs", "service = 'smtp' AND event_type = 'message_stored'"), 1);
  EXPECT_EQ(master_.count("logs", "service = 'smtp_relay' AND event_type = 'probe_relayed'"), 1);
}

}  // namespace
}  // namespace decnet::testing
