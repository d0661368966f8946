// The UNIX bus frame codec: round trips, every rejection the reference makes (spec §6 item 5),
// and the decoder's incremental behaviour (byte by byte, garbage after a good frame, bounds).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bus/bus_error.h"
#include "bus/frame.h"

namespace decnet::bus {
namespace {

std::string header_with_length(std::string_view header, std::uint32_t length) {
  std::string out(header);
  out.push_back(static_cast<char>(length >> 24));
  out.push_back(static_cast<char>((length >> 16) & 0xff));
  out.push_back(static_cast<char>((length >> 8) & 0xff));
  out.push_back(static_cast<char>(length & 0xff));
  return out;
}

// Feeds everything; returns the frames, and the error (empty when none).
std::vector<Frame> decode_all(std::string_view bytes, std::string* error = nullptr,
                              std::size_t chunk = 0) {
  FrameDecoder decoder;
  std::vector<Frame> frames;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    auto piece = bytes.substr(pos, chunk == 0 ? bytes.size() - pos : chunk);
    while (!piece.empty()) {
      const auto used = decoder.feed(piece);
      piece.remove_prefix(used);
      pos += used;
      if (decoder.failed()) {
        if (error) *error = decoder.error();
        return frames;
      }
      if (decoder.has_frame()) {
        frames.push_back(decoder.take());
      } else if (used == 0) {
        ADD_FAILURE() << "decoder stalled";
        return frames;
      }
    }
  }
  if (error) *error = decoder.finish().value_or("");
  return frames;
}

TEST(BusFrame, PubRoundTripKeepsArgsAndBody) {
  const auto bytes = encode_frame(Verb::kPub, "topology.abc.mutation.applied", R"({"x":1})");
  const auto frames = decode_all(bytes);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].verb, Verb::kPub);
  EXPECT_EQ(frames[0].args, "topology.abc.mutation.applied");
  EXPECT_EQ(frames[0].body, R"({"x":1})");
}

TEST(BusFrame, SubHasEmptyBodyAndByeEmptyArgs) {
  const auto sub = decode_all(encode_frame(Verb::kSub, "a.*"));
  ASSERT_EQ(sub.size(), 1u);
  EXPECT_EQ(sub[0].body, "");
  const auto bye = encode_frame(Verb::kBye);
  EXPECT_EQ(bye, std::string("BYE\n\0\0\0\0", 8));
  const auto frames = decode_all(bye);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].verb, Verb::kBye);
  EXPECT_EQ(frames[0].args, "");
}

TEST(BusFrame, EmptyInputIsACleanEnd) {
  std::string error = "unset";
  EXPECT_TRUE(decode_all("", &error).empty());
  EXPECT_EQ(error, "");
  FrameDecoder decoder;
  EXPECT_FALSE(decoder.mid_frame());
  EXPECT_FALSE(decoder.finish().has_value());
}

TEST(BusFrame, EncodeTrimsArgsAndKeepsInnerSpaces) {
  EXPECT_EQ(encode_frame(Verb::kHello, "my client  "),
            std::string("HELLO my client\n\0\0\0\0", 20));
  EXPECT_EQ(encode_frame(Verb::kSub, ""), std::string("SUB\n\0\0\0\0", 8));
  const auto frames = decode_all(std::string("HELLO   two  words \n\0\0\0\0", 24));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].args, "two  words");
}

TEST(BusFrame, EncodeRejectsUnknownVerbNewlineNonAsciiAndOversize) {
  EXPECT_THROW(encode_frame("NOPE", "x"), BusError);
  EXPECT_THROW(encode_frame("pub", "x"), BusError);  // verbs are case-sensitive
  EXPECT_THROW(encode_frame(Verb::kPub, "a\nb"), BusError);
  EXPECT_THROW(encode_frame(Verb::kPub, "a\rb"), BusError);
  EXPECT_THROW(encode_frame(Verb::kPub, "caf\xc3\xa9"), BusError);
  EXPECT_THROW(encode_frame(Verb::kPub, std::string(kMaxHeaderBytes, 'a')), BusError);
  EXPECT_THROW(encode_frame(Verb::kPub, "t", std::string(kMaxBodyBytes + 1, ' ')), BusError);
  // Exactly at the limits is fine.
  EXPECT_NO_THROW(encode_frame(Verb::kPub, "t", std::string(kMaxBodyBytes, ' ')));
  EXPECT_NO_THROW(encode_frame(Verb::kPub, std::string(kMaxHeaderBytes - 5, 'a')));
  EXPECT_THROW(encode_frame(Verb::kPub, std::string(kMaxHeaderBytes - 4, 'a')), BusError);
}

TEST(BusFrame, DecodeRejectsUnknownVerb) {
  std::string error;
  EXPECT_TRUE(decode_all(header_with_length("NOPE x\n", 0), &error).empty());
  EXPECT_NE(error.find("unknown verb"), std::string::npos) << error;
  EXPECT_TRUE(decode_all(header_with_length("pub x\n", 0), &error).empty());
  EXPECT_NE(error.find("unknown verb"), std::string::npos) << error;
}

TEST(BusFrame, DecodeRejectsOversizeDeclaredLength) {
  std::string error;
  EXPECT_TRUE(decode_all(header_with_length("PUB t\n", kMaxBodyBytes + 1), &error).empty());
  EXPECT_NE(error.find("exceeds"), std::string::npos) << error;
  // Exactly 1 MiB is accepted.
  auto ok = header_with_length("PUB t\n", kMaxBodyBytes) + std::string(kMaxBodyBytes, ' ');
  EXPECT_EQ(decode_all(ok).size(), 1u);
}

TEST(BusFrame, DecodeReportsTruncatedBodyAndHeader) {
  std::string error;
  EXPECT_TRUE(decode_all(header_with_length("PUB t\n", 10) + "{}", &error).empty());
  EXPECT_NE(error.find("truncated"), std::string::npos) << error;
  EXPECT_TRUE(decode_all("PUB t", &error).empty());
  EXPECT_NE(error.find("header"), std::string::npos) << error;
  EXPECT_TRUE(decode_all("PUB t\n\0\0", &error).empty());
  EXPECT_FALSE(error.empty());
}

TEST(BusFrame, DecodeRejectsOversizeHeaderWithoutBufferingMore) {
  FrameDecoder decoder;
  const std::string junk(kMaxHeaderBytes * 4, 'A');
  const auto used = decoder.feed(junk);
  EXPECT_TRUE(decoder.failed());
  EXPECT_LE(used, kMaxHeaderBytes);
  EXPECT_NE(decoder.error().find("exceeds"), std::string::npos);
  EXPECT_EQ(decoder.feed(junk), 0u);  // a failed decoder consumes nothing more
  EXPECT_EQ(decoder.buffered(), 0u);

  // A header of exactly 4096 bytes including the LF is accepted.
  const std::string longest = "PUB " + std::string(kMaxHeaderBytes - 5, 't') + "\n";
  ASSERT_EQ(longest.size(), kMaxHeaderBytes);
  EXPECT_EQ(decode_all(header_with_length(longest, 0)).size(), 1u);
  std::string error;
  const std::string too_long = "PUB " + std::string(kMaxHeaderBytes - 4, 't') + "\n";
  EXPECT_TRUE(decode_all(header_with_length(too_long, 0), &error).empty());
  EXPECT_FALSE(error.empty());
}

TEST(BusFrame, DecodeRejectsNonAsciiEmptyLineAndInnerCr) {
  std::string error;
  EXPECT_TRUE(decode_all(header_with_length("PUB caf\xc3\xa9\n", 0), &error).empty());
  EXPECT_NE(error.find("non-ASCII"), std::string::npos) << error;
  EXPECT_TRUE(decode_all(header_with_length("\n", 0), &error).empty());
  EXPECT_NE(error.find("empty"), std::string::npos) << error;
  EXPECT_TRUE(decode_all(header_with_length("\r\n", 0), &error).empty());
  EXPECT_NE(error.find("empty"), std::string::npos) << error;
  EXPECT_TRUE(decode_all(header_with_length("PUB a\rb\n", 0), &error).empty());
  EXPECT_NE(error.find("CR"), std::string::npos) << error;
}

TEST(BusFrame, DecodeToleratesCrlf) {
  const auto frames = decode_all(header_with_length("SUB a.>\r\n", 0));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].verb, Verb::kSub);
  EXPECT_EQ(frames[0].args, "a.>");
}

TEST(BusFrame, ByteByByteDecodingMatchesWholeBuffer) {
  std::string stream;
  stream += encode_frame(Verb::kHello, "api", R"({"features":["ack"]})");
  stream += encode_frame(Verb::kSub, "topology.*.mutation.*");
  stream += encode_frame(Verb::kPub, "decky.xyz.state", R"({"payload":{"a":[1,2,3]}})");
  stream += encode_frame(Verb::kOk, "SUB a.b");
  stream += encode_frame(Verb::kBye);
  const auto whole = decode_all(stream);
  const auto split = decode_all(stream, nullptr, 1);
  ASSERT_EQ(whole.size(), 5u);
  ASSERT_EQ(split.size(), 5u);
  for (std::size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(whole[i].verb, split[i].verb);
    EXPECT_EQ(whole[i].args, split[i].args);
    EXPECT_EQ(whole[i].body, split[i].body);
    EXPECT_EQ(encode_frame(split[i]), encode_frame(whole[i]));
  }
  EXPECT_EQ(split[3].args, "SUB a.b");
}

TEST(BusFrame, GarbageAfterAGoodFrameFailsAfterDeliveringIt) {
  std::string error;
  const auto frames =
      decode_all(encode_frame(Verb::kPub, "a.b", "{}") + "\xff\xfe garbage\n", &error);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].args, "a.b");
  EXPECT_NE(error.find("non-ASCII"), std::string::npos) << error;
}

TEST(BusFrame, DecoderHoldsOneFrameUntilTaken) {
  FrameDecoder decoder;
  const auto two = encode_frame(Verb::kSub, "a") + encode_frame(Verb::kSub, "b");
  const auto used = decoder.feed(two);
  EXPECT_EQ(used, two.size() / 2);
  EXPECT_TRUE(decoder.has_frame());
  EXPECT_EQ(decoder.feed(std::string_view(two).substr(used)), 0u);
  EXPECT_EQ(decoder.take().args, "a");
  EXPECT_EQ(decoder.feed(std::string_view(two).substr(used)), two.size() - used);
  EXPECT_EQ(decoder.take().args, "b");
}

TEST(BusFrame, DecodeBodyAcceptsObjectsOnly) {
  EXPECT_EQ(*decode_body(""), nlohmann::json::object());
  EXPECT_EQ((*decode_body(R"({"a":1})"))["a"], 1);
  std::string error;
  EXPECT_FALSE(decode_body("[1,2]", &error).has_value());
  EXPECT_NE(error.find("object"), std::string::npos);
  EXPECT_FALSE(decode_body("{nope", &error).has_value());
  EXPECT_NE(error.find("JSON"), std::string::npos);
  EXPECT_FALSE(decode_body("42").has_value());
}

TEST(BusFrame, VerbNamesRoundTrip) {
  for (const auto verb :
       {Verb::kHello, Verb::kPub, Verb::kSub, Verb::kUnsub, Verb::kEvt, Verb::kBye, Verb::kOk}) {
    EXPECT_EQ(parse_verb(verb_name(verb)), verb);
  }
  EXPECT_FALSE(parse_verb("ACK").has_value());
}

}  // namespace
}  // namespace decnet::bus
