// Reading shards as an attacker may have left them: the events of one session come back in
// file order, and nothing malformed, oversized or hostile costs more than its own line.
#include "identity/shell_recording.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace decnet::identity {
namespace {

std::string line(std::string_view json) {
  return std::string(json) + "\n";
}

TEST(ShellRecording, ReadsOneSessionsEventsInFileOrder) {
  const std::string shard =
      line(
          R"({"sid":"s1","hdr":{"version":2,"width":80,"height":24,"timestamp":1714600000,"env":{"TERM":"xterm"}}})") +
      line(R"({"sid":"s1","t":0.0,"ch":"o","d":"$ "})") +
      line(R"({"sid":"s2","t":0.1,"ch":"i","d":"x"})") +
      line(R"({"sid":"s1","t":0.25,"ch":"i","d":"l"})") +
      line(R"({"sid":"s1","t":0.3,"ch":"r","d":"100x40"})") +
      line(R"({"sid":"s1","t":1,"ch":"i","d":"s\r"})");
  const auto events = parse_shard(shard, "s1");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, 'o');
  EXPECT_EQ(events[0].data, "$ ");
  EXPECT_DOUBLE_EQ(events[1].t, 0.25);
  EXPECT_EQ(events[1].data, "l");
  EXPECT_DOUBLE_EQ(events[2].t, 1.0);  // an integer time is a number too
  EXPECT_EQ(events[2].data, "s\r");
  EXPECT_EQ(parse_shard(shard, "s2").size(), 1u);
  EXPECT_TRUE(parse_shard(shard, "s3").empty());
}

TEST(ShellRecording, EscapedBytesAreDecoded) {
  const auto event =
      parse_shard_line(R"({"sid":"s","t":1.5,"ch":"o","d":"\u001b[0m\r\n\u00e9"})", "s");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->data, "\x1b[0m\r\n\xC3\xA9");
}

TEST(ShellRecording, CrLfLinesAndBlankLines) {
  const std::string shard = "\r\n  \n{\"sid\":\"s\",\"t\":2,\"ch\":\"i\",\"d\":\"a\"}\r\n\n";
  const auto events = parse_shard(shard, "s");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "a");
}

TEST(ShellRecording, MissingDataIsAnEmptyChunk) {
  const auto event = parse_shard_line(R"({"sid":"s","t":3,"ch":"i"})", "s");
  ASSERT_TRUE(event);
  EXPECT_TRUE(event->data.empty());
}

TEST(ShellRecording, MalformedLinesAreSkipped) {
  const char* bad[] = {
      R"({"sid":"s","t":1,"ch":"i","d":"a")",    // truncated
      R"({"sid":"s","t":1,"ch":"i","d":"a"}})",  // trailing garbage
      R"(["s",1,"i","a"])",                      // not an object
      R"("just a string")",
      R"({"sid":"s","ch":"i","d":"a"})",           // no time
      R"({"sid":"s","t":1,"d":"a"})",              // no channel
      R"({"sid":"s","t":"1","ch":"i","d":"a"})",   // time as text
      R"({"sid":"s","t":true,"ch":"i","d":"a"})",  // time as a boolean
      R"({"sid":"s","t":null,"ch":"i","d":"a"})",
      R"({"sid":"s","t":[1],"ch":"i","d":"a"})",
      R"({"sid":"s","t":1,"ch":"x","d":"a"})",  // unknown channel
      R"({"sid":"s","t":1,"ch":"io","d":"a"})",
      R"({"sid":"s","t":1,"ch":105,"d":"a"})",
      R"({"sid":"s","t":1,"ch":"i","d":7})",  // data not text
      R"({"sid":"s","t":1,"ch":"i","d":["a"]})",
      R"({"sid":"s","t":1,"ch":"i","d":null})",
      R"({"sid":7,"t":1,"ch":"i","d":"a"})",      // sid not text
      R"({"t":1,"ch":"i","d":"a"})",              // no sid
      R"({"sid":"s","t":NaN,"ch":"i","d":"a"})",  // not JSON
      R"({"sid":"s","t":Infinity,"ch":"i","d":"a"})",
      R"({"sid":"s","t":1e400,"ch":"i","d":"a"})",  // overflows a double
      R"({"sid":"s","t":1e300,"ch":"i","d":"a"})",  // finite but absurd
      R"({"sid":"s","t":-1e12,"ch":"i","d":"a"})",
      R"({"sid":"s","t":1,"ch":"i","d":"\ud800"})",      // lone surrogate escape
      R"({"sid":"s","hdr":{},"t":1,"ch":"i","d":"a"})",  // a header is never an event
  };
  for (const char* text : bad) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(parse_shard_line(text, "s"));
  }
  // The same lines in one shard around a good one leave just the good one.
  std::string shard;
  for (const char* text : bad) shard += line(text);
  shard += line(R"({"sid":"s","t":4,"ch":"i","d":"ok"})");
  const auto events = parse_shard(shard, "s");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "ok");
}

TEST(ShellRecording, TimesAtTheBoundAreKept) {
  EXPECT_TRUE(parse_shard_line(R"({"sid":"s","t":1e9,"ch":"i","d":"a"})", "s"));
  EXPECT_FALSE(parse_shard_line(R"({"sid":"s","t":1.0000001e9,"ch":"i","d":"a"})", "s"));
  EXPECT_TRUE(plausible_event_time(0.0));
  EXPECT_FALSE(plausible_event_time(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_FALSE(plausible_event_time(std::numeric_limits<double>::infinity()));
}

TEST(ShellRecording, IllFormedUtf8IsReplacedNotDropped) {
  std::string text = "{\"sid\":\"s\",\"t\":1,\"ch\":\"i\",\"d\":\"a\xFF\xC3\"}";
  const auto event = parse_shard_line(text, "s");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->data, "a\xEF\xBF\xBD\xEF\xBF\xBD");
  // Bytes that break the JSON itself still cost only their line.
  std::string shard = "{\"sid\":\"s\xFF\",\"t\":1,\"ch\":\"i\",\"d\":\"a\"}\n";
  shard += std::string("\xFF\xFE\x00\x01\n", 5);
  shard += line(R"({"sid":"s","t":2,"ch":"i","d":"b"})");
  const auto events = parse_shard(shard, "s");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "b");
}

TEST(ShellRecording, OversizedLinesAreSkipped) {
  const std::string big(kMaxShardLineBytes, 'x');
  const std::string over = R"({"sid":"s","t":1,"ch":"o","d":")" + big + R"("})";
  EXPECT_FALSE(parse_shard_line(over, "s"));
  const std::string under =
      R"({"sid":"s","t":1,"ch":"o","d":")" + big.substr(0, kMaxShardLineBytes - 40) + R"("})";
  ASSERT_LE(under.size(), kMaxShardLineBytes);
  EXPECT_TRUE(parse_shard_line(under, "s"));
  const auto events = parse_shard(over + "\n" + line(R"({"sid":"s","t":2,"ch":"i","d":"b"})"), "s");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "b");
}

TEST(ShellRecording, DeepNestingIsBoundedAndSkipped) {
  const std::string deep = std::string(500'000, '[') + std::string(500'000, ']');
  EXPECT_FALSE(parse_shard_line(deep, "s"));
  const std::string nested_data = R"({"sid":"s","t":1,"ch":"i","d":)" + std::string(100'000, '[') +
                                  std::string(100'000, ']') + "}";
  EXPECT_FALSE(parse_shard_line(nested_data, "s"));
}

TEST(ShellRecording, EventCountIsCapped) {
  std::string shard;
  for (int i = 0; i < 50; ++i) {
    shard += line(R"({"sid":"s","t":)" + std::to_string(i) + R"(,"ch":"i","d":"k"})");
  }
  EXPECT_EQ(parse_shard(shard, "s").size(), 50u);
  const auto capped = parse_shard(shard, "s", 7);
  ASSERT_EQ(capped.size(), 7u);
  EXPECT_DOUBLE_EQ(capped.back().t, 6.0);
  EXPECT_TRUE(parse_shard(shard, "s", 0).empty());
}

TEST(ShellRecording, EmptyAndUnterminatedShards) {
  EXPECT_TRUE(parse_shard("", "s").empty());
  EXPECT_TRUE(parse_shard("\n\n\n", "s").empty());
  const auto events = parse_shard(R"({"sid":"s","t":1,"ch":"i","d":"z"})", "s");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "z");
  // A shard cut off mid-line keeps everything before the cut.
  const auto cut =
      parse_shard(line(R"({"sid":"s","t":1,"ch":"i","d":"z"})") + R"({"sid":"s","t":2,"ch)", "s");
  EXPECT_EQ(cut.size(), 1u);
}

}  // namespace
}  // namespace decnet::identity
