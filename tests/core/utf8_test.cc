#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/json_text.h"
#include "core/utf8.h"

namespace decnet::core {
namespace {

TEST(Utf8, AcceptsValidTextAndRejectsEveryMalformedShape) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  for (const std::string bad : {"\xff", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                                "\xf4\x90\x80\x80", "\xe2\x82", "\x80", "\xf8\x88\x80\x80\x80"}) {
    EXPECT_FALSE(is_valid_utf8("a" + bad + "b")) << ::testing::PrintToString(bad);
  }
}

TEST(Utf8, SanitizeReplacesEachIllFormedSubpartAndKeepsTheRest) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(sanitize_utf8("r\xff\xfeot"), "r" + r + r + "ot");
  EXPECT_EQ(sanitize_utf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(sanitize_utf8("x\xe2\x82y"), "x" + r + "y");  // one truncated sequence
  EXPECT_EQ(sanitize_utf8("\xed\xa0\x80"), r + r + r);    // a surrogate: no valid prefix
  EXPECT_EQ(sanitize_utf8("\xf0\x9f\x98"), r);            // cut at the end
  EXPECT_TRUE(is_valid_utf8(sanitize_utf8("\xed\xa0\x80\xc0\xaf")));
}

TEST(Utf8, LengthsAndTruncationNeverSplitASequence) {
  EXPECT_EQ(utf8_length("caf\xC3\xA9"), 4u);
  EXPECT_EQ(utf8_length("\xff\xff"), 2u);
  EXPECT_EQ(utf8_length("\xe2\x82!"), 2u);
  EXPECT_EQ(truncate_utf8_bytes("caf\xC3\xA9", 4), "caf");
  EXPECT_EQ(truncate_utf8_bytes("caf\xC3\xA9", 5), "caf\xC3\xA9");
  EXPECT_EQ(truncate_utf8_bytes("abc", 10), "abc");
  EXPECT_EQ(truncate_utf8_chars("\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC", 2),
            "\xE2\x82\xAC\xE2\x82\xAC");
  EXPECT_EQ(truncate_utf8_chars("ab", 5), "ab");
}

TEST(JsonText, NeverThrowsOnInvalidUtf8AndAgreesWithTheHandWrittenWriter) {
  const nlohmann::json value = {{"username", "r\xff\xfeot"}, {"n", 1}};
  std::string text;
  ASSERT_NO_THROW(text = json_text(value));
  EXPECT_TRUE(is_valid_utf8(text));
  EXPECT_EQ(nlohmann::json::parse(text)["username"], "r\xEF\xBF\xBD\xEF\xBF\xBDot");
  std::string hand;
  append_json_string(hand, "q\"\\\n\x01 r\xff\xfeot \xC3\xA9");
  EXPECT_EQ(nlohmann::json::parse(hand), "q\"\\\n\x01 r\xEF\xBF\xBD\xEF\xBF\xBDot \xC3\xA9");
  EXPECT_EQ(hand, json_text("q\"\\\n\x01 r\xff\xfeot \xC3\xA9"));
}

}  // namespace
}  // namespace decnet::core
