// parse_syslog(): every RFC 5424 part (PRI, VERSION, TIMESTAMP, the header fields, any number
// of SD elements with their escapes, BOM), the RFC 3164 fallback, the reasons given for lines
// that cannot be parsed, and a property run over a few hundred thousand random and mutated lines
// checking that the parser never crashes and that every view lies inside the line or scratch.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "ingest/normalizer.h"
#include "ingest/syslog_parser.h"

namespace decnet::ingest {
namespace {

constexpr std::string_view kAuthHelper =
    "<134>1 2026-05-02T06:22:48.089309+00:00 omega-decky auth-helper - auth_attempt "
    "[relay@55555 username=\"root\" principal=\"root\" secret_printable=\"admin123\" "
    "secret_b64=\"YWRtaW4xMjM=\" src_ip=\"198.51.100.7\"]";

std::int64_t parsed_micros(std::string_view rfc3339) {
  return core::parse_rfc3339(rfc3339).value().micros_utc;
}

std::vector<std::pair<std::string, std::string>> params_of(const SyslogMessage& m,
                                                           const SdElement& e) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : m.params_of(e)) out.emplace_back(p.name, p.value);
  return out;
}

bool inside(std::string_view v, std::string_view area) {
  if (v.empty()) return true;
  return v.data() >= area.data() && v.data() + v.size() <= area.data() + area.size();
}

// Every view of a parsed message points into the line, into the message's scratch buffer or,
// for a field RFC 3164 lacks, is the NILVALUE.
bool views_inside(const SyslogMessage& m, std::string_view line) {
  const std::string_view scratch(m.scratch.data(), m.scratch.capacity());
  const auto ok = [&](std::string_view v) {
    return inside(v, line) || inside(v, scratch) || v == SyslogMessage::kNil;
  };
  if (!ok(m.timestamp_text) || !ok(m.hostname) || !ok(m.app_name) || !ok(m.procid) ||
      !ok(m.msgid) || !ok(m.msg)) {
    return false;
  }
  std::size_t covered = 0;
  for (const auto& e : m.elements) {
    if (!ok(e.id) || e.first_param != covered) return false;
    covered += e.param_count;
  }
  if (covered != m.params.size()) return false;
  for (const auto& p : m.params) {
    if (!inside(p.name, line) || !ok(p.value)) return false;
  }
  return true;
}

std::string reason_for(std::string_view line) {
  SyslogMessage m;
  std::string error;
  EXPECT_FALSE(parse_syslog(line, m, &error)) << line;
  return error;
}

TEST(SyslogParserTest, ParsesAuthHelperVector) {
  SyslogMessage m;
  std::string error;
  ASSERT_TRUE(parse_syslog(kAuthHelper, m, &error)) << error;
  EXPECT_EQ(m.format, SyslogFormat::kRfc5424);
  EXPECT_EQ(m.pri, 134);
  EXPECT_EQ(m.version, 1);
  EXPECT_EQ(m.timestamp_text, "2026-05-02T06:22:48.089309+00:00");
  ASSERT_TRUE(m.timestamp.has_value());
  EXPECT_EQ(m.timestamp->micros_utc, parsed_micros("2026-05-02T06:22:48.089309Z"));
  EXPECT_FALSE(m.timestamp_invalid);
  EXPECT_EQ(m.hostname, "omega-decky");
  EXPECT_EQ(m.app_name, "auth-helper");
  EXPECT_EQ(m.procid, "-");
  EXPECT_EQ(m.msgid, "auth_attempt");
  ASSERT_EQ(m.elements.size(), 1u);
  EXPECT_EQ(m.elements[0].id, "relay@55555");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"username", "root"},
      {"principal", "root"},
      {"secret_printable", "admin123"},
      {"secret_b64", "YWRtaW4xMjM="},
      {"src_ip", "198.51.100.7"}};
  EXPECT_EQ(params_of(m, m.elements[0]), expected);
  EXPECT_TRUE(m.msg.empty());
  EXPECT_FALSE(m.msg_had_bom);
  EXPECT_TRUE(views_inside(m, kAuthHelper));
}

TEST(SyslogParserTest, TimestampWithOffsetIsConvertedToUtc) {
  SyslogMessage m;
  ASSERT_TRUE(parse_syslog("<134>1 2026-05-02T08:22:48.5+02:00 h a - e -", m, nullptr));
  ASSERT_TRUE(m.timestamp.has_value());
  EXPECT_EQ(m.timestamp->micros_utc, parsed_micros("2026-05-02T06:22:48.500000Z"));
  EXPECT_EQ(m.timestamp->offset_minutes, 120);
  ASSERT_TRUE(parse_syslog("<134>1 2026-04-27T03:08:45Z h a - e -", m, nullptr));
  EXPECT_EQ(m.timestamp->micros_utc, parsed_micros("2026-04-27T03:08:45+00:00"));
}

TEST(SyslogParserTest, NilValuesEverywhere) {
  SyslogMessage m;
  ASSERT_TRUE(parse_syslog("<0>1 - - - - - -", m, nullptr));
  EXPECT_EQ(m.pri, 0);
  EXPECT_EQ(m.timestamp_text, "-");
  EXPECT_FALSE(m.timestamp.has_value());
  EXPECT_FALSE(m.timestamp_invalid);
  EXPECT_EQ(m.hostname, "-");
  EXPECT_EQ(m.app_name, "-");
  EXPECT_EQ(m.procid, "-");
  EXPECT_EQ(m.msgid, "-");
  EXPECT_TRUE(m.elements.empty());
  EXPECT_TRUE(m.msg.empty());
}

TEST(SyslogParserTest, InvalidTimestampIsFlaggedNotRejected) {
  SyslogMessage m;
  std::string error;
  ASSERT_TRUE(parse_syslog("<134>1 not-a-date decky-01 http - request -", m, &error)) << error;
  EXPECT_EQ(m.timestamp_text, "not-a-date");
  EXPECT_FALSE(m.timestamp.has_value());
  EXPECT_TRUE(m.timestamp_invalid);
  EXPECT_EQ(m.hostname, "decky-01");
  EXPECT_EQ(m.msgid, "request");
  ASSERT_TRUE(parse_syslog("<134>1 2026-02-30T00:00:00Z d s - e -", m, &error)) << error;
  EXPECT_TRUE(m.timestamp_invalid);
}

TEST(SyslogParserTest, MultipleSdElements) {
  constexpr std::string_view line =
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
      "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
      "[examplePriority@32473 class=\"high\"][empty@1] An application event";
  SyslogMessage m;
  std::string error;
  ASSERT_TRUE(parse_syslog(line, m, &error)) << error;
  ASSERT_EQ(m.elements.size(), 3u);
  EXPECT_EQ(m.elements[0].id, "exampleSDID@32473");
  EXPECT_EQ(m.elements[1].id, "examplePriority@32473");
  EXPECT_EQ(m.elements[2].id, "empty@1");
  EXPECT_EQ(m.elements[0].param_count, 3u);
  EXPECT_EQ(params_of(m, m.elements[1]),
            (std::vector<std::pair<std::string, std::string>>{{"class", "high"}}));
  EXPECT_EQ(m.elements[2].param_count, 0u);
  EXPECT_EQ(m.element("examplePriority@32473"), &m.elements[1]);
  EXPECT_EQ(m.element("nope"), nullptr);
  EXPECT_EQ(m.msg, "An application event");
  EXPECT_TRUE(views_inside(m, line));
}

TEST(SyslogParserTest, EscapesAreUnescapedAndOtherBackslashesKept) {
  constexpr std::string_view line =
      R"(<134>1 - h a - e [x@1 q="a\"b" bs="c\\d" br="e\]f" other="g\nh\x" end="\\"] m)";
  SyslogMessage m;
  std::string error;
  ASSERT_TRUE(parse_syslog(line, m, &error)) << error;
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"q", "a\"b"}, {"bs", "c\\d"}, {"br", "e]f"}, {"other", "g\\nh\\x"}, {"end", "\\"}};
  EXPECT_EQ(params_of(m, m.elements[0]), expected);
  EXPECT_EQ(m.msg, "m");
  EXPECT_TRUE(views_inside(m, line));
}

TEST(SyslogParserTest, ViewsPointIntoLineUnlessUnescaped) {
  constexpr std::string_view line = R"(<134>1 - h a - e [x@1 plain="abc" esc="a\]c"])";
  SyslogMessage m;
  ASSERT_TRUE(parse_syslog(line, m, nullptr));
  ASSERT_EQ(m.params.size(), 2u);
  EXPECT_TRUE(inside(m.params[0].value, line));
  EXPECT_FALSE(inside(m.params[1].value, line));
  EXPECT_TRUE(inside(m.params[1].value, std::string_view(m.scratch)));
  EXPECT_GE(m.scratch.capacity(), line.size());
}

// QUIRK-SD1: the reference's SD regex stopped at the first `]`, even an escaped one, and lost
// secret_printable, secret_b64 and everything after them.
TEST(SyslogParserTest, QuirkSd1EscapedBracketKeepsAllParams) {
  constexpr std::string_view line =
      R"(<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 ftp - auth_attempt [relay@55555 username="ro\"ot" principal="ro\"ot" secret_printable="p\\a\]s?s??" secret_b64="cFxhXXMAc8Op"])";
  SyslogMessage m;
  std::string error;
  ASSERT_TRUE(parse_syslog(line, m, &error)) << error;
  ASSERT_EQ(m.elements.size(), 1u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"username", "ro\"ot"},
      {"principal", "ro\"ot"},
      {"secret_printable", "p\\a]s?s??"},
      {"secret_b64", "cFxhXXMAc8Op"}};
  EXPECT_EQ(params_of(m, m.elements[0]), expected);
  EXPECT_TRUE(m.msg.empty());
}

TEST(SyslogParserTest, QuirkSd1BracketsInValuesAndMsgAfterThem) {
  constexpr std::string_view line =
      R"(<134>1 - snmp-01 snmp - get_request [relay@55555 oids="['1.3.6.1.2.1.1.1.0'\]" secret_b64="cHVibGlj" src="203.0.113.9"] got [SPAM] here)";
  SyslogMessage m;
  ASSERT_TRUE(parse_syslog(line, m, nullptr));
  ASSERT_EQ(m.params.size(), 3u);
  EXPECT_EQ(m.params[0].value, "['1.3.6.1.2.1.1.1.0']");
  EXPECT_EQ(m.params[1].value, "cHVibGlj");
  EXPECT_EQ(m.params[2].value, "203.0.113.9");
  EXPECT_EQ(m.msg, "got [SPAM] here");
}

TEST(SyslogParserTest, ByteOrderMarkIsRemovedFromMsg) {
  SyslogMessage m;
  ASSERT_TRUE(parse_syslog("<134>1 - h a - e - \xEF\xBB\xBFh\xC3\xA9llo", m, nullptr));
  EXPECT_TRUE(m.msg_had_bom);
  EXPECT_EQ(m.msg, "h\xC3\xA9llo");
  ASSERT_TRUE(parse_syslog("<134>1 - h a - e [x@1 a=\"b\"] \xEF\xBB\xBF", m, nullptr));
  EXPECT_TRUE(m.msg_had_bom);
  EXPECT_TRUE(m.msg.empty());
  ASSERT_TRUE(parse_syslog("<134>1 - h a - e - plain", m, nullptr));
  EXPECT_FALSE(m.msg_had_bom);
}

TEST(SyslogParserTest, RealProcidAndMsgAfterNilSd) {
  constexpr std::string_view line =
      "<38>1 2026-04-27T03:08:45+00:00 dmz-gateway sshd 940 - - Connection from 157.66.144.16 "
      "port 42772 on 10.0.0.2 port 22";
  SyslogMessage m;
  ASSERT_TRUE(parse_syslog(line, m, nullptr));
  EXPECT_EQ(m.pri, 38);
  EXPECT_EQ(m.app_name, "sshd");
  EXPECT_EQ(m.procid, "940");
  EXPECT_EQ(m.msgid, "-");
  EXPECT_TRUE(m.elements.empty());
  EXPECT_EQ(m.msg, "Connection from 157.66.144.16 port 42772 on 10.0.0.2 port 22");
}

TEST(SyslogParserTest, MsgKeepsLeadingSpaceAfterSd) {
  SyslogMessage m;
  ASSERT_TRUE(parse_syslog("<14>1 2026-04-28T22:35:58.021674+00:00 dmz-gateway bash - - -  CMD x",
                           m, nullptr));
  EXPECT_EQ(m.msg, " CMD x");
}

TEST(SyslogParserTest, LenientRestWithoutSdIsMsg) {
  SyslogMessage m;
  ASSERT_TRUE(parse_syslog("<134>1 - decky-01 http - request login attempt from x", m, nullptr));
  EXPECT_TRUE(m.elements.empty());
  EXPECT_EQ(m.msg, "login attempt from x");
}

TEST(SyslogParserTest, OverlongHeaderFieldsAreAccepted) {
  const std::string host(400, 'h');
  const std::string app(100, 'a');
  const std::string msgid(60, 'm');
  const std::string line = "<134>1 - " + host + " " + app + " - " + msgid + " -";
  SyslogMessage m;
  ASSERT_TRUE(parse_syslog(line, m, nullptr));
  EXPECT_EQ(m.hostname, host);
  EXPECT_EQ(m.app_name, app);
  EXPECT_EQ(m.msgid, msgid);
}

TEST(SyslogParserTest, TrailingLineEndIsIgnored) {
  SyslogMessage m;
  ASSERT_TRUE(parse_syslog("<134>1 - h a - e - hello\r\n", m, nullptr));
  EXPECT_EQ(m.msg, "hello");
  ASSERT_TRUE(parse_syslog("<134>1 - h a - e [x@1 a=\"b\"]\n", m, nullptr));
  EXPECT_EQ(m.params.size(), 1u);
}

TEST(SyslogParserTest, ExtraSpacesBetweenParamsAreTolerated) {
  SyslogMessage m;
  ASSERT_TRUE(parse_syslog("<134>1 - h a - e [x@1  a=\"1\"   b=\"2\" ]", m, nullptr));
  ASSERT_EQ(m.params.size(), 2u);
  EXPECT_EQ(m.params[1].name, "b");
}

TEST(SyslogParserTest, GarbageAndTruncatedLinesGiveAReason) {
  EXPECT_EQ(reason_for(""), "no PRI");
  EXPECT_EQ(reason_for("hello world"), "no PRI");
  EXPECT_EQ(reason_for("134>1 - h a - e -"), "no PRI");
  EXPECT_EQ(reason_for("<>1 - h a - e -"), "bad PRI");
  EXPECT_EQ(reason_for("<192>1 - h a - e -"), "bad PRI");
  EXPECT_EQ(reason_for("<1345>1 - h a - e -"), "bad PRI");
  EXPECT_EQ(reason_for("<134"), "bad PRI");
  EXPECT_EQ(reason_for("<13x>1 - h a - e -"), "bad PRI");
  EXPECT_EQ(reason_for("<134>2 - h a - e -"), "unsupported VERSION");
  EXPECT_EQ(reason_for("<134>1"), "bad VERSION");
  EXPECT_EQ(reason_for("<134>01 - h a - e -"), "bad VERSION");
  EXPECT_EQ(reason_for("<134>1x - h a - e -"), "bad VERSION");
  EXPECT_EQ(reason_for("<134>hello"), "no VERSION or RFC 3164 TIMESTAMP");
  EXPECT_EQ(reason_for("<134>1 2026-05-02T06:22:48Z"), "truncated header");
  EXPECT_EQ(reason_for("<134>1  h a - e -"), "bad TIMESTAMP");
  EXPECT_EQ(reason_for("<134>1 - omega-decky auth-helper"), "truncated header");
  EXPECT_EQ(reason_for("<134>1 -  h a - e -"), "bad HOSTNAME");
  EXPECT_EQ(reason_for("<134>1 - h  a - e -"), "bad APP-NAME");
  EXPECT_EQ(reason_for("<134>1 - ho\x01st a - e -"), "bad HOSTNAME");
  EXPECT_EQ(reason_for("<134>1 - h a\x7f - e -"), "bad APP-NAME");
  EXPECT_EQ(reason_for("<134>1 - h a \t e -"), "bad PROCID");
  EXPECT_EQ(reason_for("<134>1 - h a - \xC3\xA9 -"), "bad MSGID");
  EXPECT_EQ(reason_for("<134>1 - h a - e"), "missing STRUCTURED-DATA");
  EXPECT_EQ(reason_for("<134>1 - h a - e "), "missing STRUCTURED-DATA");
  EXPECT_EQ(reason_for("<134>1 - h a - e [relay@55555 a=\"b\""), "unterminated SD element");
  EXPECT_EQ(reason_for("<134>1 - h a - e [relay@55555"), "unterminated SD element");
  EXPECT_EQ(reason_for("<134>1 - h a - e [relay@55555 a=\"b]"), "unterminated SD-PARAM value");
  EXPECT_EQ(reason_for("<134>1 - h a - e [relay@55555 a=\"b\\\"]"), "unterminated SD-PARAM value");
  EXPECT_EQ(reason_for("<134>1 - h a - e [relay@55555 a=b]"), "expected '\"' in SD-PARAM");
  EXPECT_EQ(reason_for("<134>1 - h a - e [relay@55555 a]"), "expected '=' in SD-PARAM");
  EXPECT_EQ(reason_for("<134>1 - h a - e [relay@55555 =\"b\"]"), "bad SD-PARAM name");
  EXPECT_EQ(reason_for("<134>1 - h a - e [ a=\"b\"]"), "bad SD-ID");
  EXPECT_EQ(reason_for("<134>1 - h a - e [id=x a=\"b\"]"), "bad SD-ID");
  EXPECT_EQ(reason_for("<134>1 - h a - e [id a=\"1\"b=\"2\"]"),
            "expected SP or ']' after SD-PARAM");
  EXPECT_EQ(reason_for("<134>1 - h a - e [id a=\"b\"]x"), "expected SP after STRUCTURED-DATA");
}

TEST(SyslogParserTest, EveryPrefixOfAVectorIsHandled) {
  SyslogMessage m;
  std::string error;
  for (std::size_t n = 0; n <= kAuthHelper.size(); ++n) {
    const std::string prefix(kAuthHelper.substr(0, n));
    error.clear();
    const bool ok = parse_syslog(prefix, m, &error);
    if (ok) {
      EXPECT_TRUE(views_inside(m, prefix)) << n;
    } else {
      EXPECT_FALSE(error.empty()) << n;
    }
    // Only the complete line ends the SD element; before that every prefix is rejected.
    EXPECT_EQ(ok, n == kAuthHelper.size()) << prefix;
  }
}

TEST(SyslogParserTest, ReusingAMessageKeepsItsBuffers) {
  constexpr std::string_view escaped = R"(<134>1 - h a - e [x@1 a="1\]" b="2"][y@2 c="3"] msg)";
  SyslogMessage m;
  ASSERT_TRUE(parse_syslog(kAuthHelper, m, nullptr));
  ASSERT_TRUE(parse_syslog(escaped, m, nullptr));
  const auto* scratch = m.scratch.data();
  const auto* params = m.params.data();
  const auto* elements = m.elements.data();
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(parse_syslog(i % 2 ? escaped : kAuthHelper, m, nullptr));
    EXPECT_FALSE(parse_syslog(kAuthHelper.substr(0, 120), m, nullptr));
    EXPECT_EQ(m.scratch.data(), scratch);
    EXPECT_EQ(m.params.data(), params);
    EXPECT_EQ(m.elements.data(), elements);
  }
  ASSERT_TRUE(parse_syslog(escaped, m, nullptr));
  EXPECT_EQ(m.params[0].value, "1]");
}

TEST(SyslogParserRfc3164Test, ParsesHostTagPidAndMsg) {
  SyslogMessage m;
  std::string error;
  ASSERT_TRUE(parse_syslog(
      "<38>May  2 06:22:48 dmz-gateway sshd[940]: Accepted password for root from 1.2.3.4", m,
      &error))
      << error;
  EXPECT_EQ(m.format, SyslogFormat::kRfc3164);
  EXPECT_EQ(m.pri, 38);
  EXPECT_EQ(m.version, 0);
  EXPECT_EQ(m.timestamp_text, "May  2 06:22:48");
  EXPECT_FALSE(m.timestamp.has_value());
  EXPECT_FALSE(m.timestamp_invalid);
  EXPECT_EQ(m.hostname, "dmz-gateway");
  EXPECT_EQ(m.app_name, "sshd");
  EXPECT_EQ(m.procid, "940");
  EXPECT_EQ(m.msgid, "-");
  EXPECT_TRUE(m.elements.empty());
  EXPECT_EQ(m.msg, "Accepted password for root from 1.2.3.4");
}

TEST(SyslogParserRfc3164Test, RfcExampleAndVariants) {
  SyslogMessage m;
  ASSERT_TRUE(parse_syslog(
      "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", m, nullptr));
  EXPECT_EQ(m.hostname, "mymachine");
  EXPECT_EQ(m.app_name, "su");
  EXPECT_EQ(m.procid, "-");
  EXPECT_EQ(m.msg, "'su root' failed for lonvick on /dev/pts/8");

  ASSERT_TRUE(parse_syslog("<13>May 2 06:22:48 sshd[1]: no hostname here", m, nullptr));
  EXPECT_EQ(m.hostname, "-");
  EXPECT_EQ(m.app_name, "sshd");
  EXPECT_EQ(m.procid, "1");
  EXPECT_EQ(m.msg, "no hostname here");

  ASSERT_TRUE(parse_syslog("<13>Dec 31 23:59:59 host just some text", m, nullptr));
  EXPECT_EQ(m.hostname, "host");
  EXPECT_EQ(m.app_name, "-");
  EXPECT_EQ(m.msg, "just some text");

  ASSERT_TRUE(parse_syslog("<13>2026-05-02T06:22:48.5Z host kernel: oops", m, nullptr));
  EXPECT_EQ(m.format, SyslogFormat::kRfc3164);
  ASSERT_TRUE(m.timestamp.has_value());
  EXPECT_EQ(m.timestamp->micros_utc, parsed_micros("2026-05-02T06:22:48.5Z"));
  EXPECT_EQ(m.app_name, "kernel");
  EXPECT_EQ(m.msg, "oops");

  ASSERT_TRUE(parse_syslog("<13>Jan  1 00:00:00 host", m, nullptr));
  EXPECT_EQ(m.hostname, "host");
  EXPECT_TRUE(m.msg.empty());
}

TEST(SyslogParserRfc3164Test, BadTimestampsAreRejected) {
  EXPECT_EQ(reason_for("<13>Foo  2 06:22:48 host tag: x"), "no VERSION or RFC 3164 TIMESTAMP");
  EXPECT_EQ(reason_for("<13>May 32 06:22:48 host tag: x"), "no VERSION or RFC 3164 TIMESTAMP");
  EXPECT_EQ(reason_for("<13>May  2 24:00:00 host tag: x"), "no VERSION or RFC 3164 TIMESTAMP");
  EXPECT_EQ(reason_for("<13>May  2 06:22:48"), "truncated RFC 3164 header");
  EXPECT_EQ(reason_for("<13>May  2 06:22:48 "), "bad HOSTNAME");
}

TEST(SyslogParserRfc3164Test, YearIsTheOneClosestToReceiveTime) {
  const auto near = parsed_micros("2026-01-01T00:10:00Z");
  EXPECT_EQ(rfc3164_time_micros("Dec 31 23:59:59", near), parsed_micros("2025-12-31T23:59:59Z"));
  EXPECT_EQ(rfc3164_time_micros("Jan  1 00:00:01", near), parsed_micros("2026-01-01T00:00:01Z"));
  EXPECT_EQ(rfc3164_time_micros("Feb 29 12:00:00", parsed_micros("2024-03-01T00:00:00Z")),
            parsed_micros("2024-02-29T12:00:00Z"));
  EXPECT_EQ(rfc3164_time_micros("Feb 29 12:00:00", parsed_micros("2025-03-01T00:00:00Z")),
            parsed_micros("2024-02-29T12:00:00Z"));
  EXPECT_EQ(rfc3164_time_micros("Feb 29 12:00:00", parsed_micros("2026-03-01T00:00:00Z")),
            std::nullopt);
  EXPECT_EQ(rfc3164_time_micros("Feb 30 12:00:00", near), std::nullopt);
  EXPECT_EQ(rfc3164_time_micros("May  2 06:22:48 extra", near), std::nullopt);
}

TEST(SyslogParserTest, HeaderTailParsesRewrappedInnerLine) {
  SyslogMessage m;
  std::string error;
  ASSERT_TRUE(parse_rfc5424_header_tail(
      "2026-05-02T06:22:48.089286+00:00 SRV-DELTA-77 bash - command [timeQuality tzKnown=\"1\"] "
      "CMD x",
      m, &error))
      << error;
  EXPECT_EQ(m.pri, -1);
  EXPECT_EQ(m.hostname, "SRV-DELTA-77");
  EXPECT_EQ(m.msgid, "command");
  ASSERT_EQ(m.elements.size(), 1u);
  EXPECT_EQ(m.msg, "CMD x");
  EXPECT_FALSE(parse_rfc5424_header_tail("2026-05-02T06:22:48Z host", m, &error));
}

// Random bytes, random bytes behind a valid header, and mutations (flips, inserts, deletes,
// truncations, spliced vectors) of real lines: parse and normalize must never crash, every view
// must lie inside the line or scratch, and a failure must always carry a reason.
TEST(SyslogParserPropertyTest, RandomAndMutatedInputsNeverCrash) {
  const std::vector<std::string> seeds = {
      std::string(kAuthHelper),
      R"(<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 ftp - auth_attempt [relay@55555 username="ro\"ot" principal="ro\"ot" secret_printable="p\\a\]s?s??" secret_b64="cFxhXXMAc8Op"])",
      "<14>1 2026-05-02T06:22:48.089309+00:00 omega-decky 1 - - -  "
      "2026-05-02T06:22:48.089286+00:00 "
      "SRV-DELTA-77 bash - command [timeQuality tzKnown=\"1\" isSynced=\"1\" "
      "syncAccuracy=\"326228\"] CMD uid=0 user=root src=192.168.1.5 pwd=/root cmd=ls /var/www/html",
      "<38>1 2026-04-27T03:08:45+00:00 dmz-gateway sshd 940 - - Connection from 157.66.144.16 port "
      "42772 on 10.0.0.2 port 22",
      "<38>May  2 06:22:48 dmz-gateway sshd[940]: Accepted password for root from 2001:db8::1",
      "<134>1 - h a - e [a@1 x=\"[2001:db8::1]:22\"][b@2 y=\"\\\\\"] \xEF\xBB\xBFmsg"};
  const std::string alphabet = "<>[]\"\\= -:0123456789abcdefT.\xEF\xBB\xBF\x01\n";
  std::mt19937 rng(12345);
  SyslogMessage m;
  NormalizedEvent event;
  std::string error;
  std::size_t parsed = 0;
  constexpr int kRuns = 300'000;
  for (int run = 0; run < kRuns; ++run) {
    std::string line;
    const unsigned kind = rng() % 4;
    if (kind == 0) {
      line.resize(rng() % 300);
      for (auto& c : line) c = static_cast<char>(rng());
    } else if (kind == 1) {
      line = "<134>1 ";
      const std::size_t n = rng() % 200;
      for (std::size_t i = 0; i < n; ++i) line.push_back(alphabet[rng() % alphabet.size()]);
    } else {
      line = seeds[rng() % seeds.size()];
      const unsigned edits = 1 + rng() % 6;
      for (unsigned e = 0; e < edits && !line.empty(); ++e) {
        const std::size_t at = rng() % line.size();
        switch (rng() % 5) {
          case 0:
            line[at] = static_cast<char>(rng());
            break;
          case 1:
            line.insert(at, 1, alphabet[rng() % alphabet.size()]);
            break;
          case 2:
            line.erase(at, 1 + rng() % 8);
            break;
          case 3:
            line.resize(at);
            break;
          default:
            line.insert(at, seeds[rng() % seeds.size()].substr(0, rng() % 80));
            break;
        }
      }
    }
    error.clear();
    if (parse_syslog(line, m, &error)) {
      ++parsed;
      ASSERT_TRUE(views_inside(m, line)) << line;
      normalize(m, line, 1'000'000, event);
      ASSERT_FALSE(event.attacker_ip && event.attacker_ip->empty());
    } else {
      ASSERT_FALSE(error.empty()) << line;
    }
  }
  EXPECT_GT(parsed, static_cast<std::size_t>(kRuns / 20));
}

}  // namespace
}  // namespace decnet::ingest
