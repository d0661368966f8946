// SHA-256 (FIPS 180-2 examples), HMAC-SHA256 (RFC 4231 cases 1-7), hex codec, constant-time
// compare and secure randomness. The per-thread context reuse gets its own checks: alternating
// keys, an empty key after a non-empty one, and concurrent use.
#include "core/hash.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace decnet::core {
namespace {

std::string bytes_of(std::string_view hex) {
  return *from_hex(hex);
}

TEST(Sha256Test, Fips180Vectors) {
  struct Case {
    std::string input;
    std::string_view digest;
  };
  const Case cases[] = {
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {std::string(1000000, 'a'),
       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input.substr(0, 60));
    EXPECT_EQ(sha256_hex(c.input), c.digest);
    EXPECT_EQ(to_hex(sha256(c.input)), c.digest);
  }
}

TEST(Md5Test, Rfc1321Vectors) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(md5_hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(
      md5_hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
      "57edf4a22be3c955ac49da2e2107b67a");
  EXPECT_EQ(to_hex(md5("abc")), md5_hex("abc"));
}

TEST(Sha256Test, BinaryInputWithNul) {
  const std::string a("a\0b", 3);
  EXPECT_NE(sha256_hex(a), sha256_hex("a"));
  EXPECT_EQ(sha256_hex(a), sha256_hex(std::string("a\0b", 3)));
}

TEST(HmacSha256Test, Rfc4231) {
  struct Case {
    int number;
    std::string key;
    std::string data;
    std::string_view mac;  // case 5 is truncated to 128 bits
  };
  const std::string aa131(131, '\xaa');
  const Case cases[] = {
      {1, std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {2, "Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {3, std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {4, bytes_of("0102030405060708090a0b0c0d0e0f10111213141516171819"), std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {5, std::string(20, '\x0c'), "Test With Truncation", "a3b6167473100ee06e0c796c2955552b"},
      {6, aa131, "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {7, aa131,
       "This is a test using a larger than block-size key and a larger than block-size data. The "
       "key needs to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.number);
    const std::string hex = hmac_sha256_hex(c.key, c.data);
    ASSERT_EQ(hex.size(), 64u);
    EXPECT_EQ(hex.substr(0, c.mac.size()), c.mac);
    EXPECT_EQ(to_hex(hmac_sha256(c.key, c.data)), hex);
  }
}

TEST(HmacSha256Test, EmptyKeyAndMessage) {
  constexpr std::string_view kEmptyEmpty =
      "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";
  constexpr std::string_view kEmptyAbc =
      "fd7adb152c05ef80dccf50a1fa4c05d5a3ec6da95575fc312ae7c5d091836351";
  EXPECT_EQ(hmac_sha256_hex("", ""), kEmptyEmpty);
  // A keyed call first must not leave its key behind for the empty-key call.
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmac_sha256_hex("", "abc"), kEmptyAbc);
  EXPECT_EQ(hmac_sha256_hex(std::string_view(), ""), kEmptyEmpty);
}

TEST(HmacSha256Test, AlternatingKeysIndependent) {
  const std::string h1 = hmac_sha256_hex("key-one", "body");
  const std::string h2 = hmac_sha256_hex("key-two", "body");
  EXPECT_NE(h1, h2);
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(hmac_sha256_hex("key-one", "body"), h1);
    ASSERT_EQ(hmac_sha256_hex("key-two", "body"), h2);
  }
}

TEST(HashTest, ConcurrentUseGivesSameResults) {
  const std::string expected_sha = sha256_hex("abc");
  const std::string expected_mac = hmac_sha256_hex("Jefe", "what do ya want for nothing?");
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        if (sha256_hex("abc") != expected_sha) ++failures[t];
        if (hmac_sha256_hex("Jefe", "what do ya want for nothing?") != expected_mac) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

TEST(HexTest, RoundTripAllBytes) {
  std::vector<uint8_t> all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<uint8_t>(i);
  const std::string hex = to_hex(all);
  ASSERT_EQ(hex.size(), 512u);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(504), "fcfdfeff");
  const auto back = from_hex(hex);
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->size(), 256u);
  for (int i = 0; i < 256; ++i) EXPECT_EQ(static_cast<uint8_t>((*back)[i]), i);
}

TEST(HexTest, FromHexCases) {
  struct Case {
    std::string_view in;
    std::optional<std::string> out;
  };
  const Case cases[] = {
      {"", std::string()},
      {"00", std::string(1, '\0')},
      {"DEADbeef", std::string("\xde\xad\xbe\xef")},
      {"7f", std::string("\x7f")},
      {"0", std::nullopt},
      {"abc", std::nullopt},
      {"zz", std::nullopt},
      {"0g", std::nullopt},
      {" 00", std::nullopt},
      {"00 ", std::nullopt},
      {"0x00", std::nullopt},
      {"-1", std::nullopt},
      {"+1", std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.in));
    EXPECT_EQ(from_hex(c.in), c.out);
  }
}

TEST(HexTest, ToHexEmpty) {
  EXPECT_EQ(to_hex(std::span<const uint8_t>()), "");
}

TEST(ConstantTimeEqualTest, Cases) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "Secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
  EXPECT_FALSE(constant_time_equal("secret", ""));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_TRUE(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
  const std::string sig = "sha256=" + hmac_sha256_hex("k", "body");
  EXPECT_TRUE(constant_time_equal(sig, "sha256=" + hmac_sha256_hex("k", "body")));
  EXPECT_FALSE(constant_time_equal(sig, "sha256=" + hmac_sha256_hex("k", "body ")));
}

TEST(SecureRandomTest, FillsAndDiffers) {
  std::array<uint8_t, 32> a{};
  std::array<uint8_t, 32> b{};
  secure_random_bytes(a);
  secure_random_bytes(b);
  EXPECT_NE(a, b);
  EXPECT_NE(a, (std::array<uint8_t, 32>{}));
  secure_random_bytes(std::span<uint8_t>());  // zero length is fine
  std::vector<uint8_t> big(1 << 16);
  secure_random_bytes(big);
  int zeros = 0;
  for (uint8_t v : big) zeros += v == 0;
  EXPECT_LT(zeros, 600);  // expected 256
}

}  // namespace
}  // namespace decnet::core
