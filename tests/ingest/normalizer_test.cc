// normalize(): every test vector of the reference spec (§1.4) with its decky, service,
// event_type, attacker, fields and msg; each reference defect that is fixed here pinned by a test
// named after it (QUIRK-SD1, QUIRK-IP6, the "Unknown" address, the poison timestamp); the
// attacker-address search order; the double-wrapped rsyslog shape; and bash CMD fields, which
// the reference collector left empty and the correlation parser filled (we keep the richer form).
#include "ingest/normalizer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "ingest/syslog_parser.h"

namespace decnet::ingest {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr std::int64_t kReceived = 1'777'777'777'000'000;

std::int64_t micros(std::string_view rfc3339) {
  return core::parse_rfc3339(rfc3339).value().micros_utc;
}

const std::int64_t kVectorTime = micros("2026-05-02T06:22:48.089309Z");

NormalizedEvent normalized(std::string_view line, std::int64_t received_at = kReceived) {
  SyslogMessage m;
  std::string error;
  EXPECT_TRUE(parse_syslog(line, m, &error)) << error << ": " << line;
  NormalizedEvent e;
  normalize(m, line, received_at, e);
  return e;
}

std::optional<std::string> ip_of(std::string_view line) {
  return normalized(line).attacker_ip;
}

struct Vector {
  std::string_view line;
  std::string_view decky;
  std::string_view service;
  std::string_view event_type;
  std::optional<std::string> attacker_ip;
  Fields fields;
  std::string_view msg;
};

void expect_vector(const Vector& v) {
  SCOPED_TRACE(v.line);
  const NormalizedEvent e = normalized(v.line);
  EXPECT_EQ(e.decky, v.decky);
  EXPECT_EQ(e.service, v.service);
  EXPECT_EQ(e.event_type, v.event_type);
  EXPECT_EQ(e.attacker_ip, v.attacker_ip);
  EXPECT_EQ(e.fields, v.fields);
  EXPECT_EQ(e.msg, v.msg);
  EXPECT_FALSE(e.timestamp_estimated);
}

TEST(NormalizerVectorTest, AuthHelperSsh) {
  expect_vector(
      {"<134>1 2026-05-02T06:22:48.089309+00:00 omega-decky auth-helper - auth_attempt "
       "[relay@55555 username=\"root\" principal=\"root\" secret_printable=\"admin123\" "
       "secret_b64=\"YWRtaW4xMjM=\" src_ip=\"198.51.100.7\"]",
       "omega-decky",
       "auth-helper",
       "auth_attempt",
       "198.51.100.7",
       {{"username", "root"},
        {"principal", "root"},
        {"secret_printable", "admin123"},
        {"secret_b64", "YWRtaW4xMjM="},
        {"src_ip", "198.51.100.7"}},
       ""});
  const auto e = normalized(
      "<134>1 2026-05-02T06:22:48.089309+00:00 omega-decky auth-helper - auth_attempt "
      "[relay@55555 src_ip=\"198.51.100.7\"]");
  EXPECT_EQ(e.timestamp, kVectorTime);
  EXPECT_EQ(e.attacker_port, std::nullopt);
  EXPECT_EQ(e.sd_other, std::nullopt);
}

TEST(NormalizerVectorTest, FtpAuthCarriesNoAddress) {
  expect_vector(
      {"<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 ftp - auth_attempt "
       "[relay@55555 username=\"admin\" principal=\"admin\" secret_printable=\"hunter2\" "
       "secret_b64=\"aHVudGVyMg==\"]",
       "decky-01",
       "ftp",
       "auth_attempt",
       std::nullopt,
       {{"username", "admin"},
        {"principal", "admin"},
        {"secret_printable", "hunter2"},
        {"secret_b64", "aHVudGVyMg=="}},
       ""});
}

// A decky's start-up line names the address it listens on, 0.0.0.0: that is no peer, so no
// attacker (the master once filed every decky start under an attacker "0.0.0.0").
TEST(NormalizerTest, TheUnspecifiedAddressIsNeverAnAttacker) {
  EXPECT_EQ(ip_of("<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 ftp - startup - listening on "
                  "0.0.0.0:21"),
            std::nullopt);
  EXPECT_EQ(ip_of("<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 ftp - connection "
                  "[relay@55555 src_ip=\"0.0.0.0\" src=\"198.51.100.7\"]"),
            "198.51.100.7");
  EXPECT_EQ(ip_of("<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 ftp - connection "
                  "[relay@55555 src_ip=\"::\"]"),
            std::nullopt);
}

TEST(NormalizerVectorTest, FtpConnection) {
  expect_vector(
      {"<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 ftp - connection "
       "[relay@55555 src_ip=\"203.0.113.9\" src_port=\"51234\"]",
       "decky-01",
       "ftp",
       "connection",
       "203.0.113.9",
       {{"src_ip", "203.0.113.9"}, {"src_port", "51234"}},
       ""});
}

TEST(NormalizerVectorTest, SmtpRcptDenied) {
  expect_vector(
      {"<132>1 2026-05-02T06:22:48.089309+00:00 mail-01 smtp - rcpt_denied "
       "[relay@55555 src=\"203.0.113.9\" value=\"<ceo@victim.com>\"]",
       "mail-01",
       "smtp",
       "rcpt_denied",
       "203.0.113.9",
       {{"src", "203.0.113.9"}, {"value", "<ceo@victim.com>"}},
       ""});
}

TEST(NormalizerVectorTest, SmtpAuthAttempt) {
  expect_vector(
      {"<132>1 2026-05-02T06:22:48.089309+00:00 mail-01 smtp - auth_attempt "
       "[relay@55555 src=\"203.0.113.9\" username=\"postmaster@acme.com\" "
       "principal=\"postmaster@acme.com\" secret_printable=\"abc123\" "
       "secret_b64=\"YWJjMTIz\"]",
       "mail-01",
       "smtp",
       "auth_attempt",
       "203.0.113.9",
       {{"src", "203.0.113.9"},
        {"username", "postmaster@acme.com"},
        {"principal", "postmaster@acme.com"},
        {"secret_printable", "abc123"},
        {"secret_b64", "YWJjMTIz"}},
       ""});
}

TEST(NormalizerVectorTest, PostgresAuth) {
  expect_vector(
      {"<134>1 2026-05-02T06:22:48.089309+00:00 db-01 postgres - auth "
       "[relay@55555 src=\"203.0.113.9\" username=\"postgres\" principal=\"postgres\" "
       "database=\"prod\" pw_hash=\"md5abababababababababababababababab\" "
       "secret_kind=\"postgres_md5_challenge\" "
       "secret_printable=\"md5abababababababababababababababab\" "
       "secret_b64=\"q6urq6urq6urq6urq6urqw==\"]",
       "db-01",
       "postgres",
       "auth",
       "203.0.113.9",
       {{"src", "203.0.113.9"},
        {"username", "postgres"},
        {"principal", "postgres"},
        {"database", "prod"},
        {"pw_hash", "md5abababababababababababababababab"},
        {"secret_kind", "postgres_md5_challenge"},
        {"secret_printable", "md5abababababababababababababababab"},
        {"secret_b64", "q6urq6urq6urq6urq6urqw=="}},
       ""});
}

TEST(NormalizerVectorTest, VncAuthResponse) {
  expect_vector(
      {"<134>1 2026-05-02T06:22:48.089309+00:00 ws-01 vnc - auth_response "
       "[relay@55555 src=\"203.0.113.9\" response=\"000102030405060708090a0b0c0d0e0f\" "
       "secret_kind=\"vnc_des_response\" "
       "secret_printable=\"000102030405060708090a0b0c0d0e0f\" "
       "secret_b64=\"AAECAwQFBgcICQoLDA0ODw==\"]",
       "ws-01",
       "vnc",
       "auth_response",
       "203.0.113.9",
       {{"src", "203.0.113.9"},
        {"response", "000102030405060708090a0b0c0d0e0f"},
        {"secret_kind", "vnc_des_response"},
        {"secret_printable", "000102030405060708090a0b0c0d0e0f"},
        {"secret_b64", "AAECAwQFBgcICQoLDA0ODw=="}},
       ""});
}

TEST(NormalizerVectorTest, MqttAuthCarriesNoAddress) {
  expect_vector(
      {"<134>1 2026-05-02T06:22:48.089309+00:00 iot-01 mqtt - auth "
       "[relay@55555 username=\"iotuser\" principal=\"iotuser\" "
       "secret_printable=\"iotpass\" secret_b64=\"aW90cGFzcw==\" client_id=\"c1\" "
       "proto=\"MQTT\"]",
       "iot-01",
       "mqtt",
       "auth",
       std::nullopt,
       {{"username", "iotuser"},
        {"principal", "iotuser"},
        {"secret_printable", "iotpass"},
        {"secret_b64", "aW90cGFzcw=="},
        {"client_id", "c1"},
        {"proto", "MQTT"}},
       ""});
}

TEST(NormalizerVectorTest, HttpRequestWithEscapedJsonHeaders) {
  expect_vector(
      {R"(<134>1 2026-05-02T06:22:48.089309+00:00 web-01 http - request [relay@55555 method="GET" path="/admin" remote_addr="203.0.113.9" headers="{\"Host\": \"web-01\", \"User-Agent\": \"curl/8.0\", \"Authorization\": \"Basic YWRtaW46aHVudGVyMg==\"}" body="" principal="admin" secret_kind="plaintext" secret_printable="hunter2" secret_b64="aHVudGVyMg=="])",
       "web-01",
       "http",
       "request",
       "203.0.113.9",
       {{"method", "GET"},
        {"path", "/admin"},
        {"remote_addr", "203.0.113.9"},
        {"headers",
         R"({"Host": "web-01", "User-Agent": "curl/8.0", "Authorization": "Basic YWRtaW46aHVudGVyMg=="})"},
        {"body", ""},
        {"principal", "admin"},
        {"secret_kind", "plaintext"},
        {"secret_printable", "hunter2"},
        {"secret_b64", "aHVudGVyMg=="}},
       ""});
}

TEST(NormalizerVectorTest, RedisAuthKeepsNonePrincipalAsAField) {
  expect_vector(
      {"<134>1 2026-05-02T06:22:48.089309+00:00 cache-01 redis - auth "
       "[relay@55555 src=\"203.0.113.9\" principal=\"None\" "
       "secret_printable=\"foobared\" secret_b64=\"Zm9vYmFyZWQ=\"]",
       "cache-01",
       "redis",
       "auth",
       "203.0.113.9",
       {{"src", "203.0.113.9"},
        {"principal", "None"},
        {"secret_printable", "foobared"},
        {"secret_b64", "Zm9vYmFyZWQ="}},
       ""});
}

TEST(NormalizerVectorTest, SessrecSessionRecorded) {
  expect_vector(
      {"<134>1 2026-05-02T06:25:01.000123+00:00 omega-decky sessrec - session_recorded "
       "[relay@55555 sid=\"3f2a9c\" service=\"ssh\" src_ip=\"198.51.100.7\" "
       "duration_s=\"132.417\" bytes=\"20480\" truncated=\"false\"]",
       "omega-decky",
       "sessrec",
       "session_recorded",
       "198.51.100.7",
       {{"sid", "3f2a9c"},
        {"service", "ssh"},
        {"src_ip", "198.51.100.7"},
        {"duration_s", "132.417"},
        {"bytes", "20480"},
        {"truncated", "false"}},
       ""});
  EXPECT_EQ(normalized("<134>1 2026-05-02T06:25:01.000123+00:00 omega-decky sessrec - "
                       "session_recorded -")
                .timestamp,
            micros("2026-05-02T06:25:01.000123Z"));
}

TEST(NormalizerVectorTest, SshFileCaptured) {
  expect_vector(
      {"<134>1 2026-05-02T06:22:48.089309+00:00 omega-decky ssh - file_captured "
       "[relay@55555 stored_as=\"2026-05-02T06:22:48Z_abc123def456_evil.sh\" "
       "sha256=\"dede\xE2\x80\xA6"
       "de\" size=\"1234\" orig_path=\"/tmp/evil.sh\" src_ip=\"198.51.100.7\" "
       "src_port=\"51515\" ssh_user=\"root\" attribution=\"pty-session\" writer_comm=\"curl\" "
       "meta_json_b64=\"e30=\"]",
       "omega-decky",
       "ssh",
       "file_captured",
       "198.51.100.7",
       {{"stored_as", "2026-05-02T06:22:48Z_abc123def456_evil.sh"},
        {"sha256",
         "dede\xE2\x80\xA6"
         "de"},
        {"size", "1234"},
        {"orig_path", "/tmp/evil.sh"},
        {"src_ip", "198.51.100.7"},
        {"src_port", "51515"},
        {"ssh_user", "root"},
        {"attribution", "pty-session"},
        {"writer_comm", "curl"},
        {"meta_json_b64", "e30="}},
       ""});
}

// The reference collector gave bash lines empty fields; its correlation parser (and we) extract
// uid/user/src/pwd and the command with its spaces and quotes intact.
TEST(NormalizerVectorTest, BashCommandSingleWrapped) {
  expect_vector(
      {"<14>1 2026-04-28T22:35:58.021674+00:00 dmz-gateway bash - - -  CMD uid=0 "
       "user=root src=31.56.209.39 pwd=/root cmd=echo \"rm -rf *.sh\" | sh",
       "dmz-gateway",
       "bash",
       "command",
       "31.56.209.39",
       {{"uid", "0"},
        {"user", "root"},
        {"src", "31.56.209.39"},
        {"pwd", "/root"},
        {"command", "echo \"rm -rf *.sh\" | sh"}},
       "CMD uid=0 user=root src=31.56.209.39 pwd=/root cmd=echo \"rm -rf *.sh\" | sh"});
}

TEST(NormalizerVectorTest, BashCommandDoubleWrappedKeepsOuterTimestamp) {
  constexpr std::string_view line =
      "<14>1 2026-05-02T06:22:48.089309+00:00 omega-decky 1 - - -  "
      "2026-05-02T06:22:48.089286+00:00 SRV-DELTA-77 bash - command [timeQuality tzKnown=\"1\" "
      "isSynced=\"1\" syncAccuracy=\"326228\"] CMD uid=0 user=root src=192.168.1.5 pwd=/root "
      "cmd=ls /var/www/html";
  expect_vector({line,
                 "SRV-DELTA-77",
                 "bash",
                 "command",
                 "192.168.1.5",
                 {{"uid", "0"},
                  {"user", "root"},
                  {"src", "192.168.1.5"},
                  {"pwd", "/root"},
                  {"command", "ls /var/www/html"}},
                 "CMD uid=0 user=root src=192.168.1.5 pwd=/root cmd=ls /var/www/html"});
  const auto e = normalized(line);
  EXPECT_EQ(e.timestamp, kVectorTime);
  EXPECT_EQ(e.sd_other,
            R"({"timeQuality":{"isSynced":"1","syncAccuracy":"326228","tzKnown":"1"}})");
}

TEST(NormalizerVectorTest, SshdProseWithRealProcid) {
  expect_vector(
      {"<38>1 2026-04-27T03:08:45+00:00 dmz-gateway sshd 940 - - Connection from "
       "157.66.144.16 port 42772 on 10.0.0.2 port 22",
       "dmz-gateway",
       "sshd",
       "-",
       "157.66.144.16",
       {},
       "Connection from 157.66.144.16 port 42772 on 10.0.0.2 port 22"});
}

TEST(NormalizerVectorTest, ProberFingerprintRotated) {
  expect_vector(
      {"<134>1 2026-05-02T06:30:00.000000+00:00 decnet-prober prober - "
       "fingerprint_rotated [relay@55555 target_ip=\"198.51.100.7\" target_port=\"22\" "
       "probe_type=\"hassh\" old_hash=\"aaaa\" new_hash=\"bbbb\" rotation_count=\"1\"] "
       "FP rotation 198.51.100.7:22 hassh aaaa \xE2\x86\x92 bbbb",
       "decnet-prober",
       "prober",
       "fingerprint_rotated",
       "198.51.100.7",
       {{"target_ip", "198.51.100.7"},
        {"target_port", "22"},
        {"probe_type", "hassh"},
        {"old_hash", "aaaa"},
        {"new_hash", "bbbb"},
        {"rotation_count", "1"}},
       "FP rotation 198.51.100.7:22 hassh aaaa \xE2\x86\x92 bbbb"});
}

TEST(NormalizerVectorTest, MutatorDeckyMutated) {
  expect_vector(
      {"<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 mutator - decky_mutated "
       "[relay@55555 old_services=\"ssh,http\" new_services=\"ssh,ftp\" "
       "trigger=\"scheduled\"]",
       "decky-01",
       "mutator",
       "decky_mutated",
       std::nullopt,
       {{"old_services", "ssh,http"}, {"new_services", "ssh,ftp"}, {"trigger", "scheduled"}},
       ""});
}

// QUIRK-SD1: with an escaped `]` in the password the reference kept only username and
// principal, so the credential (secret_b64) was never captured.
TEST(NormalizerDefectTest, QuirkSd1EscapedBracketKeepsSecretB64) {
  expect_vector(
      {R"(<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 ftp - auth_attempt [relay@55555 username="ro\"ot" principal="ro\"ot" secret_printable="p\\a\]s?s??" secret_b64="cFxhXXMAc8Op"])",
       "decky-01",
       "ftp",
       "auth_attempt",
       std::nullopt,
       {{"username", "ro\"ot"},
        {"principal", "ro\"ot"},
        {"secret_printable", "p\\a]s?s??"},
        {"secret_b64", "cFxhXXMAc8Op"}},
       ""});
}

TEST(NormalizerDefectTest, QuirkSd1AuthHelperSrcIpAfterBracketPasswordSurvives) {
  const auto e = normalized(
      R"(<134>1 - omega-decky auth-helper - auth_attempt [relay@55555 username="root" secret_printable="a\]b" secret_b64="YV1i" src_ip="198.51.100.7"] tail)");
  EXPECT_EQ(e.attacker_ip, "198.51.100.7");
  ASSERT_NE(e.field("secret_b64"), nullptr);
  EXPECT_EQ(*e.field("secret_printable"), "a]b");
  EXPECT_EQ(e.msg, "tail");
}

// QUIRK-IP6: rpartition(':') turned 2001:db8::5 into "2001:db8:" with remote_port "5".
TEST(NormalizerDefectTest, QuirkIp6BareIpv6StaysWhole) {
  const auto e =
      normalized("<134>1 - decky-01 ssh - connection [relay@55555 src_ip=\"2001:db8::5\"]");
  EXPECT_EQ(e.attacker_ip, "2001:db8::5");
  EXPECT_EQ(e.attacker_port, std::nullopt);
  EXPECT_EQ(e.field("remote_port"), nullptr);
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src=\"2001:db8::abcd\"]"), "2001:db8::abcd");
}

TEST(NormalizerDefectTest, QuirkIp6Ipv4WithPortSplits) {
  const auto e =
      normalized("<134>1 - web-01 http - http_access [relay@55555 remote_addr=\"10.0.0.1:80\"]");
  EXPECT_EQ(e.attacker_ip, "10.0.0.1");
  EXPECT_EQ(e.attacker_port, 80);
  ASSERT_NE(e.field("remote_port"), nullptr);
  EXPECT_EQ(*e.field("remote_port"), "80");
  EXPECT_EQ(*e.field("remote_addr"), "10.0.0.1:80");
}

TEST(NormalizerDefectTest, QuirkIp6BracketedIpv6WithPortSplits) {
  const auto e =
      normalized("<134>1 - decky-01 ssh - connection [relay@55555 src_ip=\"[2001:db8::1]:2222\"]");
  EXPECT_EQ(e.attacker_ip, "2001:db8::1");
  EXPECT_EQ(e.attacker_port, 2222);
  EXPECT_EQ(*e.field("remote_port"), "2222");
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src_ip=\"[2001:db8::9]\"]"), "2001:db8::9");
}

TEST(NormalizerDefectTest, ExistingRemotePortIsNotOverwritten) {
  const auto e = normalized(
      "<134>1 - d http - e [relay@55555 remote_port=\"1\" remote_addr=\"192.168.1.5:40838\"]");
  EXPECT_EQ(e.attacker_ip, "192.168.1.5");
  EXPECT_EQ(e.attacker_port, 40838);
  EXPECT_EQ(*e.field("remote_port"), "1");
}

// The reference stored the literal string "Unknown" as attacker_ip.
TEST(NormalizerDefectTest, UnknownIpStoresNone) {
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src_ip=\"Unknown\"]"), std::nullopt);
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src_ip=\"None\"]"), std::nullopt);
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src_ip=\"-\"]"), std::nullopt);
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src_ip=\"\"]"), std::nullopt);
  EXPECT_EQ(ip_of("<134>1 - d s - e -"), std::nullopt);
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src_ip=\"Unknown\" src=\"203.0.113.4\"]"),
            "203.0.113.4");
}

// The reference handed the unparseable text to the database, which failed the whole batch.
TEST(NormalizerDefectTest, BadTimestampUsesReceiveTimeAndFlag) {
  const auto e = normalized("<134>1 not-a-date decky-01 http - request -", kReceived);
  EXPECT_EQ(e.timestamp, kReceived);
  EXPECT_TRUE(e.timestamp_estimated);
  EXPECT_EQ(e.decky, "decky-01");
  EXPECT_EQ(e.event_type, "request");
  const auto nil = normalized("<134>1 - decky-01 http - request -", kReceived);
  EXPECT_EQ(nil.timestamp, kReceived);
  EXPECT_TRUE(nil.timestamp_estimated);
}

TEST(NormalizerAttackerTest, EachSdKeyResolvesAlone) {
  for (const char* key :
       {"src_ip", "src", "client_ip", "remote_ip", "remote_addr", "target_ip", "ip"}) {
    EXPECT_EQ(ip_of(std::string("<134>1 - d s - e [relay@55555 ") + key + "=\"203.0.113.7\"]"),
              "203.0.113.7")
        << key;
  }
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 peer=\"203.0.113.7\"] x"), std::nullopt);
}

TEST(NormalizerAttackerTest, PriorityOrder) {
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src=\"2.2.2.2\" src_ip=\"1.1.1.1\"]"), "1.1.1.1");
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 ip=\"3.3.3.3\" remote_addr=\"4.4.4.4\"]"),
            "4.4.4.4");
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src_ip=\"1.1.1.1\"] src=2.2.2.2"), "1.1.1.1");
  EXPECT_EQ(ip_of("<134>1 - d s - e [other@1 src_ip=\"1.1.1.1\"] x from 5.5.5.5"), "5.5.5.5");
}

TEST(NormalizerAttackerTest, CandidatesMustBeRealAddresses) {
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src_ip=\"999.1.1.1\" src=\"203.0.113.9\"]"),
            "203.0.113.9");
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src_ip=\"127.1\"]"), std::nullopt);
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src_ip=\"0x7f.0.0.1\"]"), std::nullopt);
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src_ip=\"host.example:22\"]"), std::nullopt);
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src_ip=\"2001:db8::5:99999\"]"), std::nullopt);
}

TEST(NormalizerAttackerTest, Ipv4MappedIsReportedAsIpv4AndTextIsCanonical) {
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src_ip=\"::ffff:198.51.100.7\"]"), "198.51.100.7");
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src_ip=\"[::ffff:198.51.100.7]:443\"]"),
            "198.51.100.7");
  EXPECT_EQ(ip_of("<134>1 - d s - e [relay@55555 src_ip=\"2001:DB8:0:0:0:0:0:1\"]"), "2001:db8::1");
  EXPECT_EQ(ip_of("<134>1 - d sshd - - - Accepted password for x from ::FFFF:10.1.2.3 port 1"),
            "10.1.2.3");
}

TEST(NormalizerAttackerTest, MsgKeyValueTokens) {
  EXPECT_EQ(ip_of("<134>1 - d s - e - user=x client_ip=203.0.113.5 other=1"), "203.0.113.5");
  EXPECT_EQ(ip_of("<134>1 - d s - e - ip=9.9.9.9 src_ip=203.0.113.5"), "203.0.113.5");
  EXPECT_EQ(ip_of("<134>1 - d s - e - remote_addr=203.0.113.5:4444"), "203.0.113.5");
  EXPECT_EQ(normalized("<134>1 - d s - e - remote_addr=203.0.113.5:4444").attacker_port, 4444);
}

TEST(NormalizerAttackerTest, SshdAndPamProse) {
  const std::string header = "<38>1 2026-04-27T03:08:45+00:00 dmz-gateway sshd 940 - - ";
  for (const char* msg :
       {"Failed password for root from 157.66.144.16 port 42772 ssh2",
        "Accepted password for root from 157.66.144.16 port 43210 ssh2",
        "Connection from 157.66.144.16 port 42772 on 10.0.0.2 port 22",
        "Connection closed by authenticating user root 157.66.144.16 port 42772 [preauth]",
        "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
        "rhost=157.66.144.16  user=root",
        "Disconnected FROM 157.66.144.16.", "client: 157.66.144.16 rejected"}) {
    EXPECT_EQ(ip_of(header + msg), "157.66.144.16") << msg;
  }
  EXPECT_EQ(ip_of(header + "Accepted password for root from 2001:db8::7 port 22 ssh2"),
            "2001:db8::7");
  EXPECT_EQ(ip_of(header + "Received disconnect from [2001:db8::8]:50022"), "2001:db8::8");
}

TEST(NormalizerAttackerTest, BareIpv4SkipsLongerDottedNumbers) {
  EXPECT_EQ(ip_of("<134>1 - d s - e - oid 1.3.6.1.2.1 from nowhere; peer 203.0.113.4 ok"),
            "203.0.113.4");
  EXPECT_EQ(ip_of("<134>1 - d s - e - version 10.20.30.40.50 only"), std::nullopt);
  EXPECT_EQ(ip_of("<134>1 - d s - e - bad 300.1.1.1 then 1.2.3.4"), "1.2.3.4");
  EXPECT_EQ(ip_of("<134>1 - d s - e - x1.2.3.4 no"), std::nullopt);
}

TEST(NormalizerFieldsTest, DuplicateRelayParamsLastWinsKeptOnce) {
  const auto e = normalized("<134>1 - d s - e [relay@55555 a=\"1\" b=\"2\" a=\"3\"]");
  EXPECT_EQ(e.fields, (Fields{{"a", "3"}, {"b", "2"}}));
}

TEST(NormalizerFieldsTest, OtherSdElementsBecomeJson) {
  const auto e = normalized(
      R"(<134>1 - d s - e [timeQuality tzKnown="1"][relay@55555 a="1"][origin ip="10.0.0.1" software="rsyslogd"][meta@1][origin x="q\"\\"])");
  EXPECT_EQ(e.fields, (Fields{{"a", "1"}}));
  EXPECT_EQ(
      e.sd_other,
      R"({"meta@1":{},"origin":{"ip":"10.0.0.1","software":"rsyslogd","x":"q\"\\"},"timeQuality":{"tzKnown":"1"}})");
  EXPECT_EQ(e.attacker_ip, std::nullopt);  // only relay@55555 parameters name the attacker
}

TEST(NormalizerFieldsTest, ManyFieldsAreDeduplicated) {
  std::string line = "<134>1 - d s - e [relay@55555";
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 50; ++i) {
      line += " k" + std::to_string(i) + "=\"" + std::to_string(round * 100 + i) + "\"";
    }
  }
  line += "]";
  const auto e = normalized(line);
  ASSERT_EQ(e.fields.size(), 50u);
  EXPECT_EQ(e.fields[0], (std::pair<std::string, std::string>{"k0", "100"}));
  EXPECT_EQ(e.fields[49], (std::pair<std::string, std::string>{"k49", "149"}));
}

TEST(NormalizerFieldsTest, ReusedEventIsFullyOverwritten) {
  SyslogMessage m;
  NormalizedEvent e;
  constexpr std::string_view first =
      "<134>1 2026-05-02T06:22:48Z d1 s1 - e1 [relay@55555 a=\"1\" b=\"2\" src_ip=\"1.2.3.4:5\"]"
      "[x@1 y=\"z\"] hello";
  constexpr std::string_view second = "<134>1 - d2 s2 - e2 [relay@55555 c=\"3\"]";
  ASSERT_TRUE(parse_syslog(first, m, nullptr));
  normalize(m, first, kReceived, e);
  ASSERT_TRUE(parse_syslog(second, m, nullptr));
  normalize(m, second, kReceived, e);
  EXPECT_EQ(e.decky, "d2");
  EXPECT_EQ(e.service, "s2");
  EXPECT_EQ(e.event_type, "e2");
  EXPECT_EQ(e.fields, (Fields{{"c", "3"}}));
  EXPECT_EQ(e.attacker_ip, std::nullopt);
  EXPECT_EQ(e.attacker_port, std::nullopt);
  EXPECT_EQ(e.sd_other, std::nullopt);
  EXPECT_EQ(e.msg, "");
  EXPECT_EQ(e.timestamp, kReceived);
  EXPECT_TRUE(e.timestamp_estimated);
}

// Hostile lines of 64 KiB must not make the message scans or the field bookkeeping quadratic.
TEST(NormalizerFieldsTest, PathologicalLinesStayFast) {
  std::string repeated_keys = "<134>1 - d s - e - ";
  while (repeated_keys.size() < 65536) repeated_keys += "src=src=from:";
  std::string many_params = "<134>1 - d s - e [x@1";
  for (int i = 0; many_params.size() < 65536; ++i)
    many_params += " k" + std::to_string(i) + "=\"\"";
  many_params += "][relay@55555";
  for (int i = 0; many_params.size() < 2 * 65536; ++i) {
    many_params += " r" + std::to_string(i % 3000) + "=\"v\"";
  }
  many_params += "]";
  std::string long_from = "<134>1 - d s - e - from ";
  long_from += std::string(65536, 'a');
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < 5; ++round) {
    EXPECT_EQ(normalized(repeated_keys).attacker_ip, std::nullopt);
    EXPECT_EQ(normalized(many_params).fields.size(), 3000u);
    EXPECT_EQ(normalized(long_from).attacker_ip, std::nullopt);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(NormalizerShapeTest, NilSdWithMsgAndSdThenMsg) {
  auto e = normalized("<134>1 - decky-01 http - request - login attempt ");
  EXPECT_EQ(e.msg, "login attempt");
  EXPECT_TRUE(e.fields.empty());
  e = normalized(
      "<134>1 - decky-01 http - request [relay@55555 path=\"/foo\\\"bar\"] login attempt");
  EXPECT_EQ(e.msg, "login attempt");
  EXPECT_EQ(*e.field("path"), "/foo\"bar");
  e = normalized("<134>1 - decky-01 http - request free text message");
  EXPECT_EQ(e.msg, "free text message");
}

TEST(NormalizerShapeTest, OuterNonNilMsgidIsNeverUnwrapped) {
  const auto e = normalized(
      "<14>1 2026-05-02T06:22:48Z omega-decky 1 - evt -  2026-05-02T06:22:48Z SRV bash - command "
      "- CMD uid=0 user=root src=1.2.3.4 pwd=/ cmd=id");
  EXPECT_EQ(e.decky, "omega-decky");
  EXPECT_EQ(e.service, "1");
  EXPECT_EQ(e.event_type, "evt");
  EXPECT_EQ(e.attacker_ip, "1.2.3.4");
}

TEST(NormalizerShapeTest, NilMsgidWithProseStaysNil) {
  const auto e = normalized("<134>1 - decky-01 svc - - - something happened");
  EXPECT_EQ(e.event_type, "-");
  EXPECT_EQ(e.msg, "something happened");
}

TEST(NormalizerShapeTest, BrokenInnerLineFallsBackToOuter) {
  const auto e = normalized(
      "<14>1 - omega-decky 1 - - -  2026-05-02T06:22:48Z SRV bash - command "
      "[broken CMD x");
  EXPECT_EQ(e.decky, "omega-decky");
  EXPECT_EQ(e.event_type, "-");
  EXPECT_EQ(e.msg, "2026-05-02T06:22:48Z SRV bash - command [broken CMD x");
}

TEST(NormalizerShapeTest, DoubleWrappedWithNilOuterTimeUsesInnerTime) {
  const auto e = normalized(
      "<14>1 - omega-decky 1 - - - 2026-05-02T06:22:48.089309Z SRV bash - command - CMD cmd=id");
  EXPECT_EQ(e.timestamp, kVectorTime);
  EXPECT_FALSE(e.timestamp_estimated);
  EXPECT_EQ(e.fields, (Fields{{"command", "id"}}));
}

TEST(NormalizerShapeTest, RsyslogForwardedBashWithPid) {
  const auto e = normalized(
      "<14>1 2026-05-02T06:22:48Z SRV bash 4711 command [timeQuality tzKnown=\"1\"] CMD uid=1000 "
      "user=bob src= pwd=/home/bob cmd=cat /etc/passwd  | grep root");
  EXPECT_EQ(e.event_type, "command");
  EXPECT_EQ(e.attacker_ip, std::nullopt);
  EXPECT_EQ(e.fields, (Fields{{"uid", "1000"},
                              {"user", "bob"},
                              {"src", ""},
                              {"pwd", "/home/bob"},
                              {"command", "cat /etc/passwd  | grep root"}}));
}

TEST(NormalizerShapeTest, CmdDoesNotOverrideRelayFieldsOrOtherEvents) {
  auto e = normalized(
      "<134>1 - d bash - command [relay@55555 command=\"whoami\" user=\"alice\"] CMD user=root "
      "cmd=id");
  EXPECT_EQ(e.fields, (Fields{{"command", "whoami"}, {"user", "alice"}}));
  e = normalized("<134>1 - d bash - login - CMD user=root cmd=id");
  EXPECT_EQ(e.event_type, "login");
  EXPECT_TRUE(e.fields.empty());
  e = normalized("<134>1 - d bash - - - CMD user=root pwd=/tmp/cmd=x cmd=ls");
  EXPECT_EQ(*e.field("pwd"), "/tmp/cmd=x");
  EXPECT_EQ(*e.field("command"), "ls");
}

TEST(NormalizerShapeTest, Rfc3164LineGetsEstimatedTimeInNearestYear) {
  const auto received = micros("2026-05-02T06:30:00Z");
  const auto e = normalized(
      "<38>May  2 06:22:48 dmz-gateway sshd[940]: Failed password for root from 157.66.144.16 "
      "port 42772 ssh2",
      received);
  EXPECT_EQ(e.decky, "dmz-gateway");
  EXPECT_EQ(e.service, "sshd");
  EXPECT_EQ(e.event_type, "-");
  EXPECT_EQ(e.attacker_ip, "157.66.144.16");
  EXPECT_EQ(e.timestamp, micros("2026-05-02T06:22:48Z"));
  EXPECT_TRUE(e.timestamp_estimated);
}

TEST(NormalizerShapeTest, TimeWithoutOffsetIsReadAsUtcNotReplacedByReceiveTime) {
  const auto e = normalized(
      "<134>1 2026-05-02T06:22:48.089309 decky-01 ssh - connect [relay@55555 src_ip=\"1.2.3.4\"]");
  EXPECT_EQ(e.timestamp, kVectorTime);
  EXPECT_FALSE(e.timestamp_estimated);
  EXPECT_TRUE(e.timestamp_offset_missing);
  const auto zoned = normalized(
      "<134>1 2026-05-02T06:22:48.089309Z decky-01 ssh - connect [relay@55555 src_ip=\"1.2.3.4\"]");
  EXPECT_FALSE(zoned.timestamp_offset_missing);
}

// These names travel in every event about the line; RFC 5424's limits keep them small.
TEST(NormalizerShapeTest, HeaderNamesAreCutAtTheRfc5424Limits) {
  const std::string host(70000, 'h'), app(500, 'a'), msgid(300, 'm');
  const auto e = normalized("<134>1 2026-05-02T06:22:48Z " + host + " " + app + " - " + msgid +
                            " [relay@55555 src_ip=\"1.2.3.4\"]");
  EXPECT_EQ(e.decky, host.substr(0, 255));
  EXPECT_EQ(e.service, app.substr(0, 48));
  EXPECT_EQ(e.event_type, msgid.substr(0, 32));
}

TEST(NormalizerShapeTest, BomIsNotPartOfMsg) {
  const auto e = normalized(
      "<134>1 - d s - e - \xEF\xBB\xBF"
      "from 203.0.113.1");
  EXPECT_EQ(e.msg, "from 203.0.113.1");
  EXPECT_EQ(e.attacker_ip, "203.0.113.1");
}

}  // namespace
}  // namespace decnet::ingest
