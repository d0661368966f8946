// The decky's protocol parsers on their own: FTP/POP3/SMTP command lines, SASL PLAIN, SMTP
// paths, IMAP commands with quoting and literals, Redis's RESP and inline commands, the RELP
// replies a decky reads from its master, and HTTP credentials of every kind the reference
// classifies.
#include <gtest/gtest.h>

#include "decky/protocol/http_credentials.h"
#include "decky/protocol/mqtt_connect.h"
#include "decky/protocol/postgres_wire.h"
#include "decky/protocol/relp_reply_parser.h"
#include "decky/protocol/resp.h"
#include "decky/protocol/rfb_handshake.h"
#include "decky/protocol/text_protocol.h"

namespace decnet::decky {
namespace {

TEST(TextProtocol, CommandsSplitIntoAnUpperCasedVerbAndTheArgumentAsSent) {
  const auto c = parse_text_command("user Admin Two");
  EXPECT_EQ(c.verb, "USER");
  EXPECT_EQ(c.arg, "Admin Two");
  EXPECT_EQ(parse_text_command("QUIT").arg, "");
  EXPECT_EQ(parse_text_command("PASS ").arg, "");
  EXPECT_EQ(parse_text_command("").verb, "");
}

TEST(TextProtocol, SaslPlainAndSmtpPaths) {
  const auto p = decode_sasl_plain("AHVzZXIAcGFzcw==");  // "\0user\0pass"
  ASSERT_TRUE(p);
  EXPECT_EQ(p->authzid, "");
  EXPECT_EQ(p->user, "user");
  EXPECT_EQ(p->password, "pass");
  EXPECT_FALSE(decode_sasl_plain("dXNlcg=="));  // no NULs
  EXPECT_FALSE(decode_sasl_plain("!!!"));
  EXPECT_EQ(smtp_path_address("FROM:<a@b.example> SIZE=10"), "a@b.example");
  EXPECT_EQ(smtp_path_address("TO: c@d.example"), "c@d.example");
  EXPECT_EQ(smtp_path_address("FROM:<unclosed"), "unclosed");
}

TEST(ImapParser, AtomsQuotedStringsAndLiterals) {
  ImapCommandParser p;
  ASSERT_TRUE(p.parse_line("a1 login \"us\\\"er\" pa\\ss"));
  EXPECT_EQ(p.tag(), "a1");
  EXPECT_EQ(p.command(), "LOGIN");
  EXPECT_EQ(p.args(), (std::vector<std::string>{"us\"er", "pa\\ss"}));
  EXPECT_FALSE(p.literal());
  ASSERT_TRUE(p.parse_line("a2 LOGIN {5}"));
  ASSERT_EQ(p.literal(), 5u);
  EXPECT_FALSE(p.literal_plus());
  p.append_literal("admin");
  ASSERT_TRUE(p.continue_line(" {3+}"));
  EXPECT_TRUE(p.literal_plus());
  p.append_literal("pwd");
  ASSERT_TRUE(p.continue_line(""));
  EXPECT_FALSE(p.literal());
  EXPECT_EQ(p.args(), (std::vector<std::string>{"admin", "pwd"}));
  EXPECT_FALSE(p.parse_line("a3 LOGIN \"unterminated"));
  EXPECT_FALSE(p.parse_line("a4 LOGIN {999999}"));
  EXPECT_FALSE(p.parse_line("a5"));
  EXPECT_FALSE(p.parse_line("a6 LOGIN {3} x"));
}

TEST(Resp, ArraysOfBulkStringsAndInlineCommands) {
  const std::string auth = "*2\r\n$4\r\nAUTH\r\n$8\r\nfoobared\r\n";
  const auto c = parse_resp_command(auth + "*1\r\n$4\r\nPING\r\n");
  ASSERT_EQ(c.status, RespCommand::Status::kCommand);
  EXPECT_EQ(c.args, (std::vector<std::string>{"AUTH", "foobared"}));
  EXPECT_EQ(c.consumed, auth.size());
  // Every prefix of a command is incomplete, never an error.
  for (std::size_t n = 0; n < auth.size(); ++n) {
    EXPECT_EQ(parse_resp_command(auth.substr(0, n)).status, RespCommand::Status::kIncomplete) << n;
  }
  const auto inline_cmd = parse_resp_command("auth \"pass word\" 'x'\r\n");
  ASSERT_EQ(inline_cmd.status, RespCommand::Status::kCommand);
  EXPECT_EQ(inline_cmd.args, (std::vector<std::string>{"auth", "pass word", "x"}));
  EXPECT_EQ(parse_resp_command("*1\r\n$2147483647\r\n").status, RespCommand::Status::kError);
  EXPECT_EQ(parse_resp_command("*99999999\r\n").status, RespCommand::Status::kError);
  EXPECT_EQ(parse_resp_command("*1\r\n$3\r\nabcXY").status, RespCommand::Status::kError);
  EXPECT_EQ(parse_resp_command("*1\r\n+3\r\n").status, RespCommand::Status::kError);
  EXPECT_EQ(parse_resp_command(std::string(kRespMaxInline + 1, 'a')).status,
            RespCommand::Status::kError);
}

TEST(RelpReplies, RspFramesSplitAnywhereAndErrorsStop) {
  const std::string bytes = "1 rsp 6 200 OK\n2 rsp 14 500 not stored\n0 serverclose 0\n";
  std::vector<RelpReply> got;
  RelpReplyParser parser;
  for (const char c : bytes) {
    ASSERT_TRUE(
        parser.feed(std::string_view(&c, 1), [&](const RelpReply& r) { got.push_back(r); }));
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_TRUE(got[0].ok());
  EXPECT_EQ(got[0].txnr, 1u);
  EXPECT_FALSE(got[1].ok());
  EXPECT_EQ(got[1].data, "500 not stored");
  EXPECT_EQ(got[2].command, "serverclose");
  RelpReplyParser bad;
  EXPECT_FALSE(bad.feed("x rsp 0\n", [](const RelpReply&) {}));
  EXPECT_FALSE(bad.error().empty());
  RelpReplyParser huge;
  EXPECT_FALSE(huge.feed("1 rsp 999999999 ", [](const RelpReply&) {}));
}

TEST(HttpCredentials, EveryKindTheReferenceClassifies) {
  const auto basic = classify_authorization("Basic YWRtaW46aHVudGVyMg==");
  ASSERT_TRUE(basic);
  EXPECT_EQ(basic->principal, "admin");
  EXPECT_EQ(basic->secret_kind, "plaintext");
  EXPECT_EQ(basic->secret, "hunter2");
  EXPECT_FALSE(classify_authorization("Basic bm9jb2xvbg=="));  // no colon
  EXPECT_FALSE(classify_authorization("Basic"));
  const auto bearer = classify_authorization("Bearer eyJ.abc.def");
  ASSERT_TRUE(bearer);
  EXPECT_FALSE(bearer->principal);
  EXPECT_EQ(bearer->secret_kind, "http_bearer");
  EXPECT_EQ(bearer->secret, "eyJ.abc.def");
  const auto digest = classify_authorization(
      "Digest username=\"bob\", realm=\"r\", nonce=\"n\", uri=\"/\", "
      "response=\"6629fae49393a05397450978507c4ef1\"");
  ASSERT_TRUE(digest);
  EXPECT_EQ(digest->principal, "bob");
  EXPECT_EQ(digest->secret_kind, "http_digest_md5");
  EXPECT_EQ(digest->secret, "6629fae49393a05397450978507c4ef1");
  EXPECT_FALSE(classify_authorization("NTLM TlRMTVNTUAAB"));
  const auto form = form_credentials("log=wpadmin&pwd=p%40ss+word&pwd=second",
                                     "application/x-www-form-urlencoded; charset=UTF-8");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->principal, "wpadmin");
  EXPECT_EQ(form->secret, "p@ss word");
  EXPECT_FALSE(form_credentials("user=a", "application/x-www-form-urlencoded"));
  EXPECT_FALSE(form_credentials("password=a", "application/json"));
  EXPECT_EQ(headers_json({{"Host", "a"}, {"X", "q\"\\\x01"}}),
            "{\"Host\": \"a\", \"X\": \"q\\\"\\\\\\u0001\"}");
}

TEST(PostgresWire, FirstMessagesAndThePasswordMessage) {
  const std::string startup(
      "\x00\x03\x00\x00"
      "user\x00postgres\x00"
      "database\x00prod\x00\x00",
      33);
  const auto m = parse_pg_first_message(startup);
  EXPECT_EQ(m.kind, PgFirstMessage::Kind::kStartup);
  EXPECT_EQ(m.parameters.at("user"), "postgres");
  EXPECT_EQ(m.parameters.at("database"), "prod");
  EXPECT_EQ(parse_pg_first_message(std::string("\x04\xd2\x16\x2f", 4)).kind,
            PgFirstMessage::Kind::kSslRequest);
  EXPECT_EQ(parse_pg_first_message(std::string("\x00\x02\x00\x00", 4)).kind,
            PgFirstMessage::Kind::kUnknown);
  EXPECT_EQ(pg_length(std::string("\x00\x00\x00\x08", 4)), 8u);
  EXPECT_FALSE(pg_length(std::string("\x7f\xff\xff\xff", 4)));
  EXPECT_FALSE(pg_length(std::string("\x00\x00\x00\x03", 4)));
  EXPECT_EQ(parse_pg_password(std::string("md5ab\x00", 6)), "md5ab");
  EXPECT_FALSE(parse_pg_password("no terminator"));
}

TEST(MqttConnect, VersionsCredentialsAndBounds) {
  const std::string v311(
      "\x00\x04MQTT\x04\xc2\x00\x3c"
      "\x00\x02"
      "c1"
      "\x00\x07"
      "iotuser"
      "\x00\x07"
      "iotpass",
      32);
  const auto c = parse_mqtt_connect(v311);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->level, 4);
  EXPECT_EQ(c->client_id, "c1");
  EXPECT_EQ(c->username, "iotuser");
  EXPECT_EQ(c->password, "iotpass");
  // 5.0: connect properties (two bytes of them here) skipped by their length.
  const std::string v5(
      "\x00\x04MQTT\x05\x80\x00\x3c\x02\x21\x00"
      "\x00\x00"
      "\x00\x02"
      "u5",
      19);
  const auto c5 = parse_mqtt_connect(v5);
  ASSERT_TRUE(c5);
  EXPECT_EQ(c5->level, 5);
  EXPECT_EQ(c5->username, "u5");
  EXPECT_FALSE(c5->password);
  EXPECT_FALSE(parse_mqtt_connect(v311.substr(0, 25)));  // cut short
  EXPECT_FALSE(parse_mqtt_connect(std::string("\x00\x04HTTP\x04\x00\x00\x3c\x00\x00", 12)));
  bool complete = false;
  EXPECT_EQ(mqtt_remaining_length(std::string("\xc1\x02", 2), complete)->value, 321u);
  EXPECT_FALSE(mqtt_remaining_length(std::string("\xff\xff\xff\xff\x01", 5), complete));
  EXPECT_TRUE(complete);
  EXPECT_FALSE(mqtt_remaining_length(std::string("\xff", 1), complete));
  EXPECT_FALSE(complete);
}

TEST(RfbHandshake, VersionsNegotiateDownToWhatAServerSpeaks) {
  const auto v = parse_rfb_version("RFB 003.008\n");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->major, 3);
  EXPECT_EQ(v->minor, 8);
  for (const char* bad : {"RFB 003.008", "RFB 003.008\r", "RFB 03.0008\n", "rfb 003.008\n",
                          "RFB 00a.008\n", "RFB 003.008\n\n"}) {
    EXPECT_FALSE(parse_rfb_version(bad)) << bad;
  }
  const auto minor = [](const char* text) {
    return negotiated_rfb_version(*parse_rfb_version(text)).minor;
  };
  EXPECT_EQ(minor("RFB 003.008\n"), 8);
  EXPECT_EQ(minor("RFB 004.001\n"), 8);
  EXPECT_EQ(minor("RFB 003.007\n"), 7);
  EXPECT_EQ(minor("RFB 003.005\n"), 3);  // unknown minors speak 3.3
  EXPECT_EQ(minor("RFB 003.889\n"), 8);  // Apple's
  EXPECT_EQ(rfb_security_failed({3, 8}, "no"), std::string("\0\0\0\x01\0\0\0\x02no", 10));
  EXPECT_EQ(rfb_security_failed({3, 3}, "no"), std::string("\0\0\0\x01", 4));
}

}  // namespace
}  // namespace decnet::decky
