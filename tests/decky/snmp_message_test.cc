// SNMP messages as net-snmp's own tools send them (captured from snmpget, snmpgetnext,
// snmpbulkget, snmpset and a v3 snmpget), decoded; answers from a small view checked for the
// v1 and v2c conventions, the get-bulk repetition cap and the size bound; the BER codec and
// OIDs at their edges.
#include "decky/protocol/snmp_message.h"

#include <gtest/gtest.h>

#include "core/hash.h"
#include "decky/protocol/ber.h"

namespace decnet::decky {
namespace {

std::string bytes(std::string_view hex) {
  return *core::from_hex(hex);
}

const std::string kGetV2c = bytes(
    "303702010104067075626c6963a02a02042634058a020100020100301c300c06082b060102010101000500300c06"
    "082b060102010105000500");
const std::string kGetNextV1 =
    bytes("3028020100040770726976617465a11a0204225e2e60020100020100300c300a06062b06010201010500");
const std::string kBulk = bytes(
    "303702010104067075626c6963a52a020410749ed0020101020105301c300b06072b0601020101030500300d0609"
    "2b06010201020201020500");
const std::string kSet = bytes(
    "302e02010104067075626c6963a32102045bd4f6d60201000201003013301106082b060102010106000405707"
    "76e6564");
const std::string kV3 = bytes(
    "303e02010330110204770b1b9f020300ffe30401040201030410300e0400020100020100040004000400301404"
    "000400a00e02042effd9750201000201003000");

SnmpMib view() {
  SnmpMib mib;
  mib[{1, 3, 6, 1, 2, 1, 1, 1, 0}] = snmp_string("Linux srv01");
  mib[{1, 3, 6, 1, 2, 1, 1, 3, 0}] = snmp_timeticks(0x80000000u);
  mib[{1, 3, 6, 1, 2, 1, 1, 5, 0}] = snmp_string("srv01");
  mib[{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 1}] = snmp_string("lo");
  mib[{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 2}] = snmp_string("eth0");
  return mib;
}

// The response's error status, error index and bindings.
struct Reply {
  std::int64_t version = -1, status = -1, index = -1;
  std::string community;
  std::vector<SnmpBinding> bindings;
};
Reply read_reply(const std::string& datagram) {
  Reply r;
  BerReader top(datagram);
  const auto message = top.next(0x30);
  if (!message) return r;
  BerReader m(*message);
  r.version = *ber_integer(*m.next(0x02));
  r.community = std::string(*m.next(0x04));
  const auto pdu = m.next(kSnmpResponse);
  if (!pdu) return r;
  BerReader p(*pdu);
  p.next(0x02);
  r.status = *ber_integer(*p.next(0x02));
  r.index = *ber_integer(*p.next(0x02));
  BerReader list(*p.next(0x30));
  while (!list.empty()) {
    BerReader b(*list.next(0x30));
    auto oid = parse_oid(*b.next(0x06));
    const auto value = b.next();
    r.bindings.push_back({*oid, {value->tag, std::string(value->contents)}});
  }
  return r;
}

TEST(SnmpMessage, DecodesWhatNetSnmpSends) {
  const auto get = parse_snmp_message(kGetV2c);
  ASSERT_TRUE(get);
  EXPECT_EQ(get->version, 1);
  EXPECT_EQ(get->community, "public");
  EXPECT_EQ(get->pdu, kSnmpGet);
  ASSERT_EQ(get->bindings.size(), 2u);
  EXPECT_EQ(oid_text(get->bindings[0].oid), "1.3.6.1.2.1.1.1.0");
  EXPECT_EQ(oid_text(get->bindings[1].oid), "1.3.6.1.2.1.1.5.0");

  const auto next = parse_snmp_message(kGetNextV1);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->version, 0);
  EXPECT_EQ(next->community, "private");
  EXPECT_EQ(next->pdu, kSnmpGetNext);

  const auto bulk = parse_snmp_message(kBulk);
  ASSERT_TRUE(bulk);
  EXPECT_EQ(bulk->pdu, kSnmpGetBulk);
  EXPECT_EQ(bulk->error_status, 1);  // non-repeaters
  EXPECT_EQ(bulk->error_index, 5);   // max-repetitions

  const auto set = parse_snmp_message(kSet);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->pdu, kSnmpSet);
  EXPECT_EQ(set->bindings[0].value.contents, "pwned");

  const auto v3 = parse_snmp_message(kV3);
  ASSERT_TRUE(v3);
  EXPECT_EQ(v3->version, 3);
  EXPECT_TRUE(v3->bindings.empty());
}

TEST(SnmpMessage, GetAnswersEachBindingOrNoSuchObject) {
  auto get = *parse_snmp_message(kGetV2c);
  get.bindings[1].oid = {1, 3, 6, 1, 4, 1, 9};
  const auto r = read_reply(snmp_answer(get, view(), 1500));
  EXPECT_EQ(r.version, 1);
  EXPECT_EQ(r.community, "public");
  EXPECT_EQ(r.status, 0);
  ASSERT_EQ(r.bindings.size(), 2u);
  EXPECT_EQ(r.bindings[0].value.contents, "Linux srv01");
  EXPECT_EQ(r.bindings[1].value.tag, 0x80);  // noSuchObject
}

TEST(SnmpMessage, V1GetNextWalksAndEndsWithNoSuchName) {
  auto next = *parse_snmp_message(kGetNextV1);
  auto r = read_reply(snmp_answer(next, view(), 1500));
  ASSERT_EQ(r.bindings.size(), 1u);
  EXPECT_EQ(oid_text(r.bindings[0].oid), "1.3.6.1.2.1.1.1.0");
  next.bindings[0].oid = {1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 2};
  r = read_reply(snmp_answer(next, view(), 1500));
  EXPECT_EQ(r.status, 2);  // noSuchName
  EXPECT_EQ(r.index, 1);
  EXPECT_EQ(oid_text(r.bindings[0].oid), "1.3.6.1.2.1.2.2.1.2.2");  // the request, echoed
}

TEST(SnmpMessage, BulkRepeatsCappedAndShrinksToTheBound) {
  auto bulk = *parse_snmp_message(kBulk);
  auto r = read_reply(snmp_answer(bulk, view(), 1500));
  // One non-repeater (the instance after the sysUpTime object), then up to five repetitions
  // of ifDescr's successors until the view ends.
  ASSERT_GE(r.bindings.size(), 3u);
  EXPECT_EQ(oid_text(r.bindings[0].oid), "1.3.6.1.2.1.1.3.0");
  EXPECT_EQ(oid_text(r.bindings[1].oid), "1.3.6.1.2.1.2.2.1.2.1");
  EXPECT_EQ(oid_text(r.bindings[2].oid), "1.3.6.1.2.1.2.2.1.2.2");
  EXPECT_EQ(r.bindings.back().value.tag, 0x82);  // endOfMibView

  bulk.error_index = 1'000'000;
  EXPECT_LE(read_reply(snmp_answer(bulk, view(), 65'535)).bindings.size(),
            1u + kMaxBulkRepetitions);
  const auto small = snmp_answer(bulk, view(), 70);
  EXPECT_LE(small.size(), 70u);
  EXPECT_GE(read_reply(small).bindings.size(), 1u);
}

TEST(SnmpMessage, OversizedGetIsTooBigAndSetsAreRefused) {
  const auto get = *parse_snmp_message(kGetV2c);
  const auto r = read_reply(snmp_answer(get, view(), 40));
  EXPECT_EQ(r.status, 1);  // tooBig
  EXPECT_TRUE(r.bindings.empty());

  const auto set = *parse_snmp_message(kSet);
  const auto refused = read_reply(snmp_answer(set, view(), 1500));
  EXPECT_EQ(refused.status, 17);  // notWritable
  EXPECT_EQ(refused.index, 1);
}

TEST(SnmpMessage, TimeticksStayUnsigned) {
  const auto r = read_reply(snmp_answer(
      SnmpMessage{1, "public", {}, kSnmpGet, 7, 0, 0, {{{1, 3, 6, 1, 2, 1, 1, 3, 0}, {}}}}, view(),
      1500));
  ASSERT_EQ(r.bindings.size(), 1u);
  EXPECT_EQ(r.bindings[0].value.tag, 0x43);
  EXPECT_EQ(r.bindings[0].value.contents, std::string("\x00\x80\x00\x00\x00", 5));
}

TEST(SnmpMessage, MalformedMessagesAndOidsGiveNothing) {
  for (std::size_t n = 0; n < kGetV2c.size(); ++n) {
    EXPECT_FALSE(parse_snmp_message(kGetV2c.substr(0, n))) << n;
  }
  EXPECT_FALSE(parse_oid(""));
  EXPECT_FALSE(parse_oid(std::string("\x2b\x86", 2)));                  // unterminated arc
  EXPECT_FALSE(parse_oid(std::string("\x2b\x80\x01", 3)));              // non-minimal
  EXPECT_FALSE(parse_oid(std::string("\x2b\x90\x80\x80\x80\x00", 6)));  // over 32 bits
  EXPECT_EQ(oid_text(*parse_oid(encode_oid({1, 3, 6, 1, 4, 1, 4294967295u}))),
            "1.3.6.1.4.1.4294967295");
  auto version_4 = kGetV2c;
  version_4[4] = 4;
  EXPECT_FALSE(parse_snmp_message(version_4));
}

TEST(Ber, LengthsIntegersAndBounds) {
  EXPECT_EQ(ber_contents_length(0x05, "", 100), 5u);
  EXPECT_EQ(ber_contents_length(0x82, std::string("\x01\x00", 2), 1000), 256u);
  EXPECT_FALSE(ber_contents_length(0x82, std::string("\x01\x00", 2), 255));
  EXPECT_FALSE(ber_contents_length(0x80, "", 100));
  EXPECT_FALSE(ber_contents_length(0x85, std::string(5, '\0'), 1u << 30));
  EXPECT_EQ(ber_integer(ber_tlv_integer(0x02, -129).substr(2)), -129);
  EXPECT_EQ(ber_integer(ber_tlv_integer(0x02, 128).substr(2)), 128);
  EXPECT_EQ(ber_tlv_integer(0x02, 128), std::string("\x02\x02\x00\x80", 4));
  EXPECT_FALSE(ber_integer(std::string(9, '\x01')));
  const auto long_value = ber_tlv(0x04, std::string(300, 'x'));
  EXPECT_EQ(long_value.substr(0, 4), std::string("\x04\x82\x01\x2c", 4));
  BerReader r(long_value);
  EXPECT_EQ(r.next(0x04)->size(), 300u);
  EXPECT_TRUE(r.empty());
}

}  // namespace
}  // namespace decnet::decky
