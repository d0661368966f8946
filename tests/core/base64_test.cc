// Base64 / base64url: RFC 4648 section 10 vectors, round trips of every length and byte value,
// and the strictness rules (padding, alphabet, whitespace, non-canonical trailing bits).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/base64.h"

namespace decnet::core {
namespace {

struct Vector {
  std::string_view plain;
  std::string_view std_text;
  std::string_view url_text;
};

constexpr Vector kRfc4648[] = {
    {"", "", ""},
    {"f", "Zg==", "Zg"},
    {"fo", "Zm8=", "Zm8"},
    {"foo", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg==", "Zm9vYg"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
};

TEST(Base64Test, Rfc4648Vectors) {
  for (const Vector& v : kRfc4648) {
    SCOPED_TRACE(std::string(v.plain));
    EXPECT_EQ(base64_encode(v.plain), v.std_text);
    EXPECT_EQ(base64_decode(v.std_text), std::string(v.plain));
    EXPECT_EQ(base64url_encode(v.plain), v.url_text);
    EXPECT_EQ(base64url_decode(v.url_text), std::string(v.plain));
    EXPECT_EQ(base64url_decode(v.std_text), std::string(v.plain));  // padded url form
  }
}

TEST(Base64Test, AlphabetsDiffer) {
  const std::string data("\xfb\xff\xbf", 3);
  EXPECT_EQ(base64_encode(data), "+/+/");
  EXPECT_EQ(base64url_encode(data), "-_-_");
  EXPECT_EQ(base64_decode("+/+/"), data);
  EXPECT_EQ(base64url_decode("-_-_"), data);
  EXPECT_FALSE(base64_decode("-_-_").has_value());
  EXPECT_FALSE(base64url_decode("+/+/").has_value());
  EXPECT_EQ(base64_encode(std::string("\xff\xff", 2)), "//8=");
  EXPECT_EQ(base64url_encode(std::string("\xff\xff", 2)), "__8");
}

TEST(Base64Test, BinaryWithNul) {
  const std::string data("\0\0\0\0", 4);
  EXPECT_EQ(base64_encode(data), "AAAAAA==");
  EXPECT_EQ(base64_decode("AAAAAA=="), data);
}

TEST(Base64Test, RoundTripEveryLengthAndByte) {
  std::mt19937 rng(12345);
  for (size_t len = 0; len <= 300; ++len) {
    std::string data(len, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    SCOPED_TRACE(len);
    const std::string s = base64_encode(data);
    ASSERT_EQ(s.size(), (len + 2) / 3 * 4);
    ASSERT_EQ(base64_decode(s), data);
    const std::string u = base64url_encode(data);
    ASSERT_EQ(u.find('='), std::string::npos);
    ASSERT_EQ(base64url_decode(u), data);
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(base64_decode(base64_encode(all)), all);
  EXPECT_EQ(base64url_decode(base64url_encode(all)), all);
}

TEST(Base64Test, StrictDecodeRejects) {
  const std::string_view cases[] = {
      "Zg",        // missing padding
      "Zg=",       // short padding
      "Zg===",     // too much padding
      "Z===",      // three pad characters
      "Z",         // impossible length
      "Zm9vY",     // impossible length
      "====",      // padding only
      "=Zg=",      // padding first
      "Zg==Zg==",  // padding in the middle
      "Zm=v",      // padding in the middle of a quad
      "Zh==",      // non-zero trailing bits (one byte)
      "Zm9=",      // non-zero trailing bits (two bytes)
      "Zm9vYh==",  // non-zero trailing bits after a full quad
      " Zg==",     // whitespace
      "Zg== ",     // whitespace
      "Zg==\n",    // newline
      "Zm9v\r\nYg==",
      "Zm9v\tYg==",
      "Zm-v",   // url alphabet
      "Zm_v",   // url alphabet
      "Zm9v!",  // punctuation
      "Zm9.",   // punctuation
      "Zm9v\x80"
      "AAA",
  };
  for (std::string_view c : cases) {
    SCOPED_TRACE(std::string(c));
    EXPECT_FALSE(base64_decode(c).has_value());
  }
  EXPECT_FALSE(base64_decode(std::string("Zm9v\0AAA", 8)).has_value());
}

TEST(Base64UrlTest, DecodeRejects) {
  const std::string_view cases[] = {
      "Z",   "Zg=", "Zg===", "Zm9vY", "Zh",  "Zm9",     "Zh==",     "+/+/",  "Zm+v",  "Zm/v",
      " Zg", "Zg ", "Zg\n",  "=Zg",   "Z=g", "Zm9vYg=", "Zm9vY===", "Zm9v.", "Zm9v~",
  };
  for (std::string_view c : cases) {
    SCOPED_TRACE(std::string(c));
    EXPECT_FALSE(base64url_decode(c).has_value());
  }
  EXPECT_FALSE(base64url_decode(std::string("Zg\0", 3)).has_value());
}

TEST(Base64UrlTest, AcceptsPaddedAndUnpadded) {
  EXPECT_EQ(base64url_decode("Zm8"), "fo");
  EXPECT_EQ(base64url_decode("Zm8="), "fo");
  EXPECT_EQ(base64url_decode("Zg"), "f");
  EXPECT_EQ(base64url_decode("Zg=="), "f");
  EXPECT_EQ(base64url_decode(""), "");
}

TEST(Base64Test, EveryNonCanonicalTailRejected) {
  // For one trailing byte only symbols with the low four bits clear are valid second symbols;
  // for two trailing bytes the third symbol needs the low two bits clear.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t v = 0; v < 64; ++v) {
    SCOPED_TRACE(v);
    const std::string one = std::string("A") + alphabet[v] + "==";
    EXPECT_EQ(base64_decode(one).has_value(), (v & 0x0f) == 0);
    const std::string two = std::string("AA") + alphabet[v] + "=";
    EXPECT_EQ(base64_decode(two).has_value(), (v & 0x03) == 0);
  }
}

}  // namespace
}  // namespace decnet::core
