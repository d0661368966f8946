// The digraph SimHash bit for bit against the reference's published vectors, and the rules
// that decide which keystrokes form digraphs at all.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "identity/digraph_simhash.h"

namespace decnet::identity {
namespace {

constexpr std::string_view kPhrase =
    "ls -la /etc; cat /etc/passwd; whoami; uname -a; netstat -tlnp\r";

// One input event per character, the time advanced by repeated addition as the reference's
// test does (the rounding this accumulates is part of the expected hashes).
std::vector<RecordedEvent> typed(std::string_view text, double dt, double start = 0.0) {
  std::vector<RecordedEvent> events;
  double t = start;
  for (const char c : text) {
    events.push_back({.t = t, .kind = 'i', .data = std::string(1, c)});
    t += dt;
  }
  return events;
}

std::string hex_of(std::string_view text, double dt) {
  const auto signature = digraph_signature(typed(text, dt));
  return signature ? simhash_hex(signature->hash) : "none";
}

TEST(SimHash, UnitVectors) {
  EXPECT_EQ(simhash64({}), 0u);
  EXPECT_EQ(simhash_hex(simhash64({{"a", 1.0}})), "0cc175b9c0f1b6a8");
  EXPECT_EQ(simhash_hex(simhash64({{"ls:2", 3.0}, {"sl:3", 1.0}})), "bd986e63ff64c41f");
}

TEST(SimHash, ZeroWeightsAndTiesLeaveBitsUnset) {
  EXPECT_EQ(simhash64({{"a", 0.0}, {"b", 0.0}}), 0u);
  // A token against itself with the opposite weight ties on every bit.
  EXPECT_EQ(simhash64({{"a", 2.0}, {"a", -2.0}}), 0u);
  // Equal weights on two tokens: only bits both tokens set survive.
  const auto a = simhash64({{"a", 1.0}});
  const auto b = simhash64({{"b", 1.0}});
  EXPECT_EQ(simhash64({{"a", 1.0}, {"b", 1.0}}), a & b);
}

TEST(SimHash, HexRoundTripAndHamming) {
  EXPECT_EQ(simhash_hex(0), "0000000000000000");
  EXPECT_EQ(simhash_hex(0xFEDCBA9876543210ULL), "fedcba9876543210");
  EXPECT_EQ(parse_simhash_hex("FEDCBA9876543210"), 0xFEDCBA9876543210ULL);
  EXPECT_EQ(parse_simhash_hex("0cc175b9c0f1b6a8"), 0x0cc175b9c0f1b6a8ULL);
  EXPECT_FALSE(parse_simhash_hex("0cc175b9c0f1b6a"));
  EXPECT_FALSE(parse_simhash_hex("0cc175b9c0f1b6a8a"));
  EXPECT_FALSE(parse_simhash_hex("0cc175b9c0f1b6ag"));
  EXPECT_EQ(hamming(0, 0), 0);
  EXPECT_EQ(hamming(0, ~0ULL), 64);
  EXPECT_EQ(hamming(0b1011, 0b0001), 2);
}

TEST(DigraphSimHash, ReferenceVectors) {
  const auto signature = digraph_signature(typed(kPhrase, 0.12));
  ASSERT_TRUE(signature);
  EXPECT_EQ(signature->distinct_digraphs, 48u);
  EXPECT_EQ(signature->samples, 61u);
  EXPECT_DOUBLE_EQ(signature->confidence, 0.95);
  EXPECT_EQ(simhash_hex(signature->hash), "f9d670bc8189924c");
  EXPECT_EQ(hex_of(kPhrase, 0.05), "79cee850589fb992");
  EXPECT_EQ(hex_of(kPhrase, 0.45), "d7ff8d5f23619c6d");
  const auto fast = digraph_signature(typed(kPhrase, 0.05));
  const auto slow = digraph_signature(typed(kPhrase, 0.45));
  ASSERT_TRUE(fast && slow);
  EXPECT_EQ(hamming(fast->hash, slow->hash), 40);
}

TEST(DigraphSimHash, AccumulatedTimeDecidesTheBucket) {
  // Repeated addition of 0.12 leaves every median flight at or just above the 0.12 edge, in
  // bucket 3 like 0.2, while 0.119 lands in bucket 2: the hash moves with the bucket only.
  EXPECT_NE(hex_of(kPhrase, 0.119), hex_of(kPhrase, 0.12));
  EXPECT_EQ(hex_of(kPhrase, 0.12), hex_of(kPhrase, 0.2));
}

TEST(DigraphSimHash, IdenticalInputIdenticalHash) {
  EXPECT_EQ(hex_of(kPhrase, 0.12), hex_of(kPhrase, 0.12));
  // Shifting the whole session in time changes no flight time.
  const auto shifted = digraph_signature(typed(kPhrase, 0.125, 1000.0));
  ASSERT_TRUE(shifted);
  EXPECT_EQ(simhash_hex(shifted->hash), hex_of(kPhrase, 0.125));
}

TEST(DigraphSimHash, PastesAndThinSessionsAreSilent) {
  std::vector<RecordedEvent> pastes;
  for (int i = 0; i < 10; ++i)
    pastes.push_back({.t = i * 1.0, .kind = 'i', .data = "sudo apt-get update"});
  EXPECT_FALSE(digraph_signature(pastes));
  EXPECT_FALSE(digraph_signature(typed("ls\r", 0.1)));
  EXPECT_FALSE(digraph_signature(std::vector<RecordedEvent>{}));
}

TEST(DigraphSimHash, MultiCharacterEventsBreakTheChain) {
  auto events = typed("abcdefghijklmnopqrstuvwxyz", 0.1);
  const auto whole = digraph_signature(events);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->samples, 25u);
  // A paste between every pair of keys leaves no adjacent single characters.
  std::vector<RecordedEvent> interleaved;
  for (const auto& e : events) {
    interleaved.push_back(e);
    interleaved.push_back({.t = e.t + 0.01, .kind = 'i', .data = "pasted"});
  }
  EXPECT_FALSE(digraph_signature(interleaved));
  // Output events are not keys and do not break it.
  std::vector<RecordedEvent> echoed;
  for (const auto& e : events) {
    echoed.push_back(e);
    echoed.push_back({.t = e.t + 0.01, .kind = 'o', .data = "echo of a key"});
  }
  const auto with_output = digraph_signature(echoed);
  ASSERT_TRUE(with_output);
  EXPECT_EQ(with_output->hash, whole->hash);
}

TEST(DigraphSimHash, LongAndNonPositiveFlightsAreDropped) {
  // 1.5 s is still a flight; 1.6 s is not (and keeps no sample), though the chain continues.
  EXPECT_TRUE(digraph_signature(typed("abcdefghijklmnopqrstuvwxyz", 1.5)));
  EXPECT_FALSE(digraph_signature(typed("abcdefghijklmnopqrstuvwxyz", 1.6)));
  EXPECT_FALSE(digraph_signature(typed("abcdefghijklmnopqrstuvwxyz", 0.0)));
}

TEST(DigraphSimHash, ConfidenceGrowsWithDistinctDigraphs) {
  // 8 distinct digraphs (the minimum), repeated to reach 20 samples: 0.40 + 8 * 0.05.
  auto events = typed("abcdefghi", 0.1);
  for (int round = 1; round < 3; ++round) {
    const auto more = typed("abcdefghi", 0.1, 10.0 * round);
    events.insert(events.end(), more.begin(), more.end());
  }
  const auto signature = digraph_signature(events);
  ASSERT_TRUE(signature);
  EXPECT_EQ(signature->distinct_digraphs, 8u);
  EXPECT_EQ(signature->samples, 24u);
  EXPECT_NEAR(signature->confidence, 0.80, 1e-12);
  // Seven distinct digraphs are too few whatever the sample count.
  std::vector<RecordedEvent> seven;
  for (int round = 0; round < 5; ++round) {
    const auto more = typed("abcdefgh", 0.1, 10.0 * round);
    seven.insert(seven.end(), more.begin(), more.end());
  }
  EXPECT_FALSE(digraph_signature(seven));
}

TEST(DigraphSimHash, MultibyteCharactersAreSingleKeys) {
  // "é" is two bytes but one character, so it forms digraphs like any key.
  std::vector<RecordedEvent> events;
  const char* keys[] = {"a", "\xC3\xA9", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k",
                        "l", "m",        "n", "o", "p", "q", "r", "s", "t", "u", "v"};
  double t = 0.0;
  for (const char* k : keys) {
    events.push_back({.t = t, .kind = 'i', .data = k});
    t += 0.1;
  }
  const auto signature = digraph_signature(events);
  ASSERT_TRUE(signature);
  EXPECT_EQ(signature->samples, 22u);
}

}  // namespace
}  // namespace decnet::identity

namespace decnet::identity {
namespace {

// The identity centroid: a strict bitwise majority; ties stay clear; malformed values are skipped.
TEST(SimhashCentroid, TheReferencesVectors) {
  const std::string ones = "ffffffffffffffff";
  const std::string zero = "0000000000000000";
  EXPECT_FALSE(simhash_centroid({}).has_value());
  EXPECT_EQ(simhash_centroid({"0cc175b9c0f1b6a8"}), 0x0cc175b9c0f1b6a8ULL);
  EXPECT_EQ(simhash_centroid({ones, ones, zero}), ~std::uint64_t{0});
  EXPECT_EQ(simhash_centroid({ones, zero}), 0U);
  EXPECT_EQ(simhash_centroid({ones, "xyz", "ffff", "gggggggggggggggg"}), ~std::uint64_t{0});
  EXPECT_FALSE(simhash_centroid({"not hex", "ffff"}).has_value());
  // Bit by bit: 0x3 and 0x5 and 0x6 each share one bit with each other; every bit is in two of
  // three.
  EXPECT_EQ(simhash_centroid({"0000000000000003", "0000000000000005", "0000000000000006"}), 0x7U);
}

}  // namespace
}  // namespace decnet::identity
