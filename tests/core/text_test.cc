// The small text helpers every layer shares: ASCII case folding that ignores the locale and
// every byte outside A-Z, comma lists as settings write them, hex digits.
#include "core/text.h"

#include <gtest/gtest.h>

#include <clocale>

namespace decnet::core {
namespace {

TEST(AsciiLower, FoldsOnlyAsciiLettersWhateverTheLocale) {
  EXPECT_EQ(ascii_lower("Content-TYPE: Text/HTML"), "content-type: text/html");
  // UTF-8 of "É" and a Latin-1 byte stay as they are.
  EXPECT_EQ(ascii_lower("\xc3\x89T\xc9"), "\xc3\x89t\xc9");
  std::string with_nul("A\0B", 3);
  EXPECT_EQ(ascii_lower(with_nul), std::string("a\0b", 3));
  std::setlocale(LC_ALL, "C.UTF-8");
  EXPECT_EQ(ascii_lower("ISTANBUL"), "istanbul");
  std::setlocale(LC_ALL, "C");
}

TEST(SplitCommaList, TrimsAndDropsEmptyItems) {
  EXPECT_EQ(split_comma_list(" a, b,,c ,\t"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(split_comma_list("").empty());
}

TEST(HexDigits, ValuesAndRefusals) {
  EXPECT_EQ(hex_digit_value('0'), 0);
  EXPECT_EQ(hex_digit_value('f'), 15);
  EXPECT_EQ(hex_digit_value('F'), 15);
  EXPECT_EQ(hex_digit_value('g'), -1);
  EXPECT_TRUE(is_ascii_digit('7'));
  EXPECT_FALSE(is_ascii_digit('a'));
}

}  // namespace
}  // namespace decnet::core
