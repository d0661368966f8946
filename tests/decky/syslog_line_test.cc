// The decky's line is the reference's line: the spec's emitter test vectors come out byte for
// byte from the same fields, and attacker bytes cannot end a line or forge a field.
#include "decky/protocol/syslog_line.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace decnet::decky {
namespace {

std::int64_t at(const char* text) {
  const auto ts = core::parse_rfc3339(text);
  EXPECT_TRUE(ts);
  return ts ? ts->micros_utc : 0;
}

SyslogRecord record(const char* host, const char* app, const char* msgid,
                    std::vector<std::pair<std::string, std::string>> fields,
                    Severity severity = Severity::kInfo) {
  SyslogRecord r;
  r.time_micros = at("2026-05-02T06:22:48.089309+00:00");
  r.severity = severity;
  r.hostname = host;
  r.app = app;
  r.msgid = msgid;
  r.fields = std::move(fields);
  return r;
}

TEST(SyslogLine, TheSpecsEmitterVectorsByteForByte) {
  EXPECT_EQ(format_syslog_line(record("omega-decky", "auth-helper", "auth_attempt",
                                      {{"username", "root"},
                                       {"principal", "root"},
                                       {"secret_printable", "admin123"},
                                       {"secret_b64", "YWRtaW4xMjM="},
                                       {"src_ip", "198.51.100.7"}})),
            "<134>1 2026-05-02T06:22:48.089309+00:00 omega-decky auth-helper - auth_attempt "
            "[relay@55555 username=\"root\" principal=\"root\" secret_printable=\"admin123\" "
            "secret_b64=\"YWRtaW4xMjM=\" src_ip=\"198.51.100.7\"]");
  EXPECT_EQ(format_syslog_line(record("decky-01", "ftp", "connection",
                                      {{"src_ip", "203.0.113.9"}, {"src_port", "51234"}})),
            "<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 ftp - connection [relay@55555 "
            "src_ip=\"203.0.113.9\" src_port=\"51234\"]");
  EXPECT_EQ(format_syslog_line(record("mail-01", "smtp", "rcpt_denied",
                                      {{"src", "203.0.113.9"}, {"value", "<ceo@victim.com>"}},
                                      Severity::kWarning)),
            "<132>1 2026-05-02T06:22:48.089309+00:00 mail-01 smtp - rcpt_denied [relay@55555 "
            "src=\"203.0.113.9\" value=\"<ceo@victim.com>\"]");
  EXPECT_EQ(
      format_syslog_line(
          record("web-01", "http", "request",
                 {{"method", "GET"},
                  {"path", "/admin"},
                  {"remote_addr", "203.0.113.9"},
                  {"headers",
                   "{\"Host\": \"web-01\", \"User-Agent\": \"curl/8.0\", \"Authorization\": "
                   "\"Basic YWRtaW46aHVudGVyMg==\"}"},
                  {"body", ""},
                  {"principal", "admin"},
                  {"secret_kind", "plaintext"},
                  {"secret_printable", "hunter2"},
                  {"secret_b64", "aHVudGVyMg=="}})),
      "<134>1 2026-05-02T06:22:48.089309+00:00 web-01 http - request [relay@55555 method=\"GET\" "
      "path=\"/admin\" remote_addr=\"203.0.113.9\" headers=\"{\\\"Host\\\": \\\"web-01\\\", "
      "\\\"User-Agent\\\": \\\"curl/8.0\\\", \\\"Authorization\\\": \\\"Basic "
      "YWRtaW46aHVudGVyMg==\\\"}\" body=\"\" principal=\"admin\" secret_kind=\"plaintext\" "
      "secret_printable=\"hunter2\" secret_b64=\"aHVudGVyMg==\"]");
  auto sessrec = record("omega-decky", "sessrec", "session_recorded",
                        {{"sid", "3f2a9c"},
                         {"service", "ssh"},
                         {"src_ip", "198.51.100.7"},
                         {"duration_s", "132.417"},
                         {"bytes", "20480"},
                         {"truncated", "false"}});
  sessrec.time_micros = at("2026-05-02T06:25:01.000123+00:00");
  EXPECT_EQ(format_syslog_line(sessrec),
            "<134>1 2026-05-02T06:25:01.000123+00:00 omega-decky sessrec - session_recorded "
            "[relay@55555 sid=\"3f2a9c\" service=\"ssh\" src_ip=\"198.51.100.7\" "
            "duration_s=\"132.417\" bytes=\"20480\" truncated=\"false\"]");
  auto mutated =
      record("decky-01", "mutator", "decky_mutated",
             {{"old_services", "ssh,http"}, {"new_services", "ssh,ftp"}, {"trigger", "scheduled"}});
  EXPECT_EQ(format_syslog_line(mutated),
            "<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 mutator - decky_mutated "
            "[relay@55555 old_services=\"ssh,http\" new_services=\"ssh,ftp\" "
            "trigger=\"scheduled\"]");
}

TEST(SyslogLine, NoFieldsIsTheNilValueAndAMessageFollows) {
  auto r = record("decky-01", "ftp", "startup", {});
  r.msg = "listening on 0.0.0.0:21";
  EXPECT_EQ(format_syslog_line(r),
            "<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 ftp - startup - listening on "
            "0.0.0.0:21");
  r.msg.clear();
  r.msgid.clear();
  EXPECT_EQ(format_syslog_line(r), "<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 ftp - - -");
}

TEST(SyslogLine, AttackerBytesCannotEndTheLineOrForgeAField) {
  const auto line = format_syslog_line(record("decky-01", "ftp", "auth_attempt",
                                              {{"username", "a\"] x=\"y\\"},
                                               {"secret_printable", "line\nbreak\r\x7f\x01"},
                                               {"evil name=\"x\"", "v"}}));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_NE(line.find("username=\"a\\\"\\] x=\\\"y\\\\\""), std::string::npos) << line;
  EXPECT_NE(line.find("secret_printable=\"line?break???\""), std::string::npos) << line;
  EXPECT_NE(line.find(" evilnamex=\"v\""), std::string::npos) << line;
  // Bytes of 0x80 and above pass (UTF-8 user names stay readable).
  EXPECT_EQ(escape_sd_value("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(SyslogLine, HeaderFieldsAreCutAndCannotShiftTheOthers) {
  auto r = record(std::string(300, 'h').c_str(), "a service", std::string(40, 'm').c_str(), {});
  const auto line = format_syslog_line(r);
  EXPECT_NE(line.find(" " + std::string(255, 'h') + " a_service - " + std::string(32, 'm') + " -"),
            std::string::npos)
      << line;
}

TEST(SyslogLine, SecretsAreEncodedAsTheMasterReadsThem) {
  const auto e = encode_secret("caf\xc3\xa9");
  EXPECT_EQ(e.printable, "caf??");
  EXPECT_EQ(e.b64, "Y2Fmw6k=");
  const auto empty = encode_secret("");
  EXPECT_EQ(empty.printable, "");
  EXPECT_EQ(empty.b64, "");
}

}  // namespace
}  // namespace decnet::decky
