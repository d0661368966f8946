// The UDP answer limits with a clock the test moves: a burst, then the refill rate; the first
// drop of a run flagged once; the total bucket shared by every address; the address table
// bounded, idle addresses forgotten.
#include "decky/net/datagram_limits.h"

#include <gtest/gtest.h>

namespace decnet::decky {
namespace {

using Verdict = DatagramLimits::Verdict;
using namespace std::chrono_literals;

int answered(DatagramLimits& l, const std::string& source, int tries,
             DatagramLimits::Clock::time_point at) {
  int n = 0;
  for (int i = 0; i < tries; ++i) n += l.admit(source, at) == Verdict::kAnswer;
  return n;
}

TEST(DatagramLimits, BurstThenRefillRatePerSource) {
  const auto t0 = DatagramLimits::Clock::now();
  DatagramLimits l({5, 20, 1000, 1000, 100});
  EXPECT_EQ(answered(l, "198.51.100.1", 100, t0), 20);
  EXPECT_EQ(answered(l, "198.51.100.1", 100, t0 + 2s), 10);
  EXPECT_EQ(answered(l, "198.51.100.2", 100, t0 + 2s), 20);  // another address has its own
  EXPECT_EQ(l.dropped(), 80u + 90u + 80u);
}

TEST(DatagramLimits, TheFirstDropOfARunIsFlaggedOnce) {
  const auto t0 = DatagramLimits::Clock::now();
  DatagramLimits l({1, 1, 1000, 1000, 100});
  EXPECT_EQ(l.admit("a", t0), Verdict::kAnswer);
  EXPECT_EQ(l.admit("a", t0), Verdict::kDropFirst);
  EXPECT_EQ(l.admit("a", t0), Verdict::kDrop);
  EXPECT_EQ(l.admit("a", t0 + 1s), Verdict::kAnswer);
  EXPECT_EQ(l.admit("a", t0 + 1s), Verdict::kDropFirst);
}

TEST(DatagramLimits, TheTotalBoundsEveryAddressTogether) {
  const auto t0 = DatagramLimits::Clock::now();
  DatagramLimits l({100, 100, 10, 30, 1000});
  int n = 0;
  for (int s = 0; s < 50; ++s) n += answered(l, "10.0.0." + std::to_string(s), 5, t0);
  EXPECT_EQ(n, 30);
}

TEST(DatagramLimits, TheAddressTableIsBoundedAndForgetsIdleAddresses) {
  const auto t0 = DatagramLimits::Clock::now();
  DatagramLimits l({5, 20, 1e9, 1e9, 3});
  for (const char* s : {"a", "b", "c"}) EXPECT_EQ(l.admit(s, t0), Verdict::kAnswer);
  EXPECT_EQ(l.admit("d", t0 + 10s), Verdict::kDrop);  // full of active addresses
  EXPECT_EQ(l.sources(), 3u);
  EXPECT_EQ(l.admit("d", t0 + 2min), Verdict::kAnswer);  // the others went idle
  EXPECT_EQ(l.sources(), 1u);
}

}  // namespace
}  // namespace decnet::decky
