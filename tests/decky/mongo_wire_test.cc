// BSON and MongoDB's wire format as the decky reads them: documents built here byte by byte
// from the BSON specification, every length that overruns its document refused, commands
// found in OP_MSG and legacy OP_QUERY messages, and SCRAM's client messages taken apart as
// RFC 5802 spells them.
#include "decky/protocol/mongo_wire.h"

#include <gtest/gtest.h>

#include "decky/protocol/bson.h"
#include "wire_bytes.h"

namespace decnet::decky {
namespace {

using namespace wire_bytes;

std::string doc(const std::string& elements) {
  return le32(elements.size() + 5) + elements + '\0';
}
std::string str(const std::string& name, const std::string& v) {
  return "\x02" + name + '\0' + le32(v.size() + 1) + v + '\0';
}
std::string i32(const std::string& name, std::uint32_t v) {
  return "\x10" + name + '\0' + le32(v);
}
std::string bin(const std::string& name, const std::string& v) {
  return "\x05" + name + '\0' + le32(v.size()) + '\0' + v;
}

TEST(Bson, ElementsAreReadAsTheSpecificationLaysThemOut) {
  const auto inner = doc(str("name", "PyMongo"));
  const auto d = doc(i32("hello", 1) + str("$db", "admin") + bin("payload", std::string("\0a", 2)) +
                     "\x03"
                     "client" +
                     '\0' + inner +
                     "\x08"
                     "helloOk" +
                     '\0' + '\x01');
  const auto e = parse_bson(d);
  ASSERT_TRUE(e);
  ASSERT_EQ(e->size(), 5u);
  EXPECT_EQ((*e)[0].name, "hello");
  EXPECT_EQ((*e)[0].integer(), 1);
  EXPECT_EQ(bson_find(*e, "$db")->string(), "admin");
  EXPECT_EQ(bson_find(*e, "payload")->binary(), std::string_view("\0a", 2));
  const auto client = bson_find(*e, "client")->document();
  ASSERT_TRUE(client);
  EXPECT_EQ(parse_bson(*client)->front().string(), "PyMongo");
  EXPECT_EQ(bson_find(*e, "helloOk")->type, kBsonBool);
  EXPECT_EQ(bson_find(*e, "absent"), nullptr);
  EXPECT_FALSE(bson_find(*e, "$db")->integer()) << "a string is not a number";
}

TEST(Bson, LengthsThatOverrunAreRefused) {
  const auto good = doc(str("a", "xyz"));
  EXPECT_TRUE(parse_bson(good));
  EXPECT_FALSE(parse_bson(good.substr(0, good.size() - 1))) << "shorter than declared";
  auto string_too_long = good;
  string_too_long.replace(7, 4, le32(400));
  EXPECT_FALSE(parse_bson(string_too_long));
  auto no_terminator = good;
  no_terminator.back() = 'x';
  EXPECT_FALSE(parse_bson(no_terminator));
  EXPECT_FALSE(parse_bson(doc(std::string("\x02"
                                          "a\0",
                                          3) +
                              le32(0))))
      << "zero-length string";
  EXPECT_FALSE(
      parse_bson(doc("\x42"
                     "odd" +
                     std::string(1, '\0'))))
      << "unknown type";
  EXPECT_FALSE(
      parse_bson(doc("\x05"
                     "b" +
                     std::string(1, '\0') + le32(9000) + '\0' + "abc")))
      << "binary longer than the document";
  EXPECT_FALSE(parse_bson(le32(3)));
}

TEST(Bson, TheWriterWritesWhatTheReaderReads) {
  const auto d = BsonWriter()
                     .string("version", "6.0.13")
                     .int32("bits", 64)
                     .int64("big", 1LL << 40)
                     .number("ok", 1)
                     .boolean("done", false)
                     .binary("payload", "r=abc")
                     .array("mechs", std::vector<std::string>{"SCRAM-SHA-1", "SCRAM-SHA-256"})
                     .array("versionArray", std::vector<std::int32_t>{6, 0, 13, 0})
                     .done();
  EXPECT_EQ(d.substr(0, 4), le32(d.size()));
  const auto e = parse_bson(d);
  ASSERT_TRUE(e);
  EXPECT_EQ(bson_find(*e, "version")->string(), "6.0.13");
  EXPECT_EQ(bson_find(*e, "bits")->integer(), 64);
  EXPECT_EQ(bson_find(*e, "big")->integer(), 1LL << 40);
  EXPECT_EQ(bson_find(*e, "ok")->integer(), 1) << "a whole double";
  EXPECT_EQ(bson_find(*e, "payload")->binary(), "r=abc");
  const auto mechs = parse_bson(*bson_find(*e, "mechs")->document());
  ASSERT_TRUE(mechs);
  EXPECT_EQ((*mechs)[1].name, "1");
  EXPECT_EQ((*mechs)[1].string(), "SCRAM-SHA-256");
  EXPECT_EQ(parse_bson(*bson_find(*e, "versionArray")->document())->at(2).integer(), 13);
}

std::string header(std::size_t body, std::uint32_t id, std::uint32_t op) {
  return le32(16 + body) + le32(id) + le32(0) + le32(op);
}

TEST(MongoWire, CommandsComeFromOpMsgAndLegacyQueries) {
  const auto command = doc(i32("ping", 1) + str("$db", "admin"));
  const auto msg = le32(0) + '\0' + command;
  const auto h = parse_mongo_header(header(msg.size(), 7, 2013));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->length, static_cast<std::int32_t>(16 + msg.size()));
  const auto c = parse_mongo_command(h->op_code, msg);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->database, "admin");
  EXPECT_FALSE(c->legacy);
  EXPECT_EQ(c->document, command);
  // A document sequence (kind 1) before the command and a checksum after it.
  const auto seq = std::string("\x01", 1) + le32(4 + 10 + 5) + "documents" + '\0' + doc("");
  const auto with_checksum = le32(1) + seq + '\0' + command + le32(0xdeadbeef);
  const auto c2 = parse_mongo_command(2013, with_checksum);
  ASSERT_TRUE(c2);
  EXPECT_EQ(c2->document, command);

  const auto inner = doc(i32("isMaster", 1));
  const auto query = le32(0) + "admin.$cmd" + '\0' + le32(0) + le32(1) +
                     doc("\x03$query" + std::string(1, '\0') + inner);
  const auto legacy = parse_mongo_command(2004, query);
  ASSERT_TRUE(legacy);
  EXPECT_TRUE(legacy->legacy);
  EXPECT_EQ(legacy->database, "admin");
  EXPECT_EQ(legacy->document, inner);

  EXPECT_FALSE(
      parse_mongo_command(2004, le32(0) + "admin.users" + '\0' + le32(0) + le32(1) + inner))
      << "a query on a collection is not a command";
  EXPECT_FALSE(parse_mongo_command(2013, le32(0) + '\0' + command.substr(0, 10)));
  EXPECT_FALSE(parse_mongo_command(2013, le32(0) + '\x07' + command)) << "unknown section kind";
  EXPECT_FALSE(parse_mongo_command(2010, msg));
  EXPECT_FALSE(parse_mongo_header(header(kMongoMaxMessage, 1, 2013))) << "over the bound";
  EXPECT_FALSE(parse_mongo_header(le32(8) + le32(0) + le32(0) + le32(2013)));
}

TEST(MongoWire, RepliesTakeTheFormOfTheRequest) {
  MongoHeader request;
  request.request_id = 41;
  const auto answer = doc(i32("ok", 1));
  const auto msg = mongo_reply(request, false, answer, 5);
  EXPECT_EQ(msg.substr(0, 16), header(5 + answer.size(), 5, 2013).replace(8, 4, le32(41)));
  EXPECT_EQ(msg.substr(16), le32(0) + '\0' + answer);
  const auto reply = mongo_reply(request, true, answer, 6);
  EXPECT_EQ(reply.substr(12, 4), le32(1));
  EXPECT_EQ(reply.substr(16 + 16, 4), le32(1)) << "numberReturned";
  EXPECT_EQ(reply.substr(16 + 20), answer);
}

TEST(MongoWire, ScramMessagesAreTakenApart) {
  const auto first = parse_scram_client_first("n,,n=al=2Cice=3D,r=fyko+d2lbbFgONRv9qkxdawL");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->user, "al,ice=");
  EXPECT_EQ(first->nonce, "fyko+d2lbbFgONRv9qkxdawL");
  EXPECT_EQ(first->bare, "n=al=2Cice=3D,r=fyko+d2lbbFgONRv9qkxdawL");
  EXPECT_FALSE(parse_scram_client_first("n,,n=user"));
  EXPECT_FALSE(parse_scram_client_first("n,,n=bad=XYname,r=abc"));
  EXPECT_FALSE(parse_scram_client_first("no commas"));

  const auto final = parse_scram_client_final("c=biws,r=abcdef,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  ASSERT_TRUE(final);
  EXPECT_EQ(final->nonce, "abcdef");
  EXPECT_EQ(final->proof_b64, "v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  EXPECT_EQ(final->without_proof, "c=biws,r=abcdef");
  EXPECT_FALSE(parse_scram_client_final("c=biws,r=abcdef"));
  EXPECT_FALSE(parse_scram_client_final("c=biws,p=xyz"));
}

}  // namespace
}  // namespace decnet::decky
