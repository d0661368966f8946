// Uuid: RFC 4122 name-based vectors (cross-checked against Python's uuid module), v4 bit layout
// and uniqueness (across threads and across fork()), and the strict text forms.
#include "core/uuid.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace decnet::core {
namespace {

TEST(UuidTest, NamespaceConstants) {
  EXPECT_EQ(kNamespaceDns.str(), "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  EXPECT_EQ(kNamespaceUrl.str(), "6ba7b811-9dad-11d1-80b4-00c04fd430c8");
  EXPECT_EQ(kNamespaceOid.str(), "6ba7b812-9dad-11d1-80b4-00c04fd430c8");
  EXPECT_EQ(kNamespaceX500.str(), "6ba7b814-9dad-11d1-80b4-00c04fd430c8");
  EXPECT_EQ(kNamespaceDns.version(), 1);
}

TEST(UuidTest, V5Vectors) {
  struct Case {
    const Uuid* ns;
    std::string_view name;
    std::string_view expected;
  };
  const Case cases[] = {
      {&kNamespaceDns, "www.example.com", "2ed6657d-e927-568b-95e1-2665a8aea6a2"},
      {&kNamespaceDns, "python.org", "886313e1-3b8a-5372-9b90-0c9aee199e5d"},
      {&kNamespaceUrl, "http://python.org/", "4c565f0d-3f5a-5890-b41b-20cf47701c5e"},
      {&kNamespaceOid, "1.3.6.1", "1447fa61-5277-5fef-a9b3-fbc6e44f4af3"},
      {&kNamespaceX500, "cn=John Doe", "6b28d549-d26e-5bfc-ae5e-9a39af63dc3f"},
      {&kNamespaceDns, "", "4ebd0208-8328-5d69-8c44-ec50939c0967"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.name));
    const Uuid u = Uuid::v5(*c.ns, c.name);
    EXPECT_EQ(u.str(), c.expected);
    EXPECT_EQ(u.version(), 5);
    EXPECT_EQ(u.bytes[8] & 0xc0, 0x80);
    EXPECT_EQ(Uuid::v5(*c.ns, c.name), u);  // deterministic
  }
}

TEST(UuidTest, V5NameContainingNul) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(Uuid::v5(kNamespaceDns, with_nul), Uuid::v5(kNamespaceDns, "a"));
}

TEST(UuidTest, V4VersionAndVariantBits) {
  for (int i = 0; i < 10000; ++i) {
    const Uuid u = Uuid::v4();
    ASSERT_EQ(u.version(), 4);
    ASSERT_EQ(u.bytes[6] >> 4, 4);
    ASSERT_EQ(u.bytes[8] & 0xc0, 0x80);
    const std::string s = u.str();
    ASSERT_EQ(s[14], '4');
    ASSERT_TRUE(s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b') << s;
  }
}

TEST(UuidTest, V7CarriesTheCurrentUnixMillisecondsAndItsBits) {
  const auto ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  const auto before = ms();
  const Uuid u = Uuid::v7();
  const auto after = ms();
  std::int64_t stamp = 0;
  for (int i = 0; i < 6; ++i) stamp = (stamp << 8) | u.bytes[i];
  EXPECT_GE(stamp, before);
  EXPECT_LE(stamp, after);
  EXPECT_EQ(u.version(), 7);
  EXPECT_EQ(u.bytes[8] & 0xc0, 0x80);
  EXPECT_EQ(u.str()[14], '7');
}

// Within one millisecond too: the identity and campaign clusterers keep the oldest row by
// keeping the smallest uuid.
TEST(UuidTest, V7MintedInOrderSortInOrderEvenWithinAMillisecond) {
  std::vector<std::string> minted;
  for (int i = 0; i < 20'000; ++i) minted.push_back(Uuid::v7().str());
  for (std::size_t i = 1; i < minted.size(); ++i) ASSERT_LT(minted[i - 1], minted[i]) << i;
}

TEST(UuidTest, V7SortsByCreationTimeAcrossMilliseconds) {
  const Uuid first = Uuid::v7();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  Uuid later = Uuid::v7();
  // Wait until the clock has moved on by at least one millisecond stamp.
  while (std::equal(first.bytes.begin(), first.bytes.begin() + 6, later.bytes.begin()) &&
         std::chrono::steady_clock::now() < deadline) {
    later = Uuid::v7();
  }
  EXPECT_LT(first.str(), later.str());
  EXPECT_NE(first, later);
}

TEST(UuidTest, V4UniqueOver100k) {
  std::unordered_set<Uuid> seen;
  seen.reserve(100000);
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(seen.insert(Uuid::v4()).second);
}

TEST(UuidTest, V4BitsLookRandom) {
  // Every non-fixed bit position must take both values over a modest sample.
  std::array<int, 128> ones{};
  constexpr int kSamples = 4000;
  for (int i = 0; i < kSamples; ++i) {
    const Uuid u = Uuid::v4();
    for (int bit = 0; bit < 128; ++bit) ones[bit] += (u.bytes[bit / 8] >> (7 - bit % 8)) & 1;
  }
  for (int bit = 0; bit < 128; ++bit) {
    SCOPED_TRACE(bit);
    const bool fixed = (bit >= 48 && bit < 52) || bit == 64 || bit == 65;
    if (fixed) continue;
    EXPECT_GT(ones[bit], kSamples / 2 - 300);
    EXPECT_LT(ones[bit], kSamples / 2 + 300);
  }
}

TEST(UuidTest, V4UniqueAcrossThreads) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20000;
  std::vector<std::vector<Uuid>> out(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&out, t] {
      out[t].reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) out[t].push_back(Uuid::v4());
    });
  }
  for (auto& th : threads) th.join();
  std::unordered_set<Uuid> all;
  for (const auto& v : out) {
    for (const Uuid& u : v) ASSERT_TRUE(all.insert(u).second);
  }
  EXPECT_EQ(all.size(), size_t{kThreads * kPerThread});
}

TEST(UuidTest, ForkedChildDoesNotReplayParentStream) {
  (void)Uuid::v4();  // make sure this thread's generator is seeded before forking
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const Uuid child = Uuid::v4();
    const ssize_t n = write(fds[1], child.bytes.data(), child.bytes.size());
    _exit(n == 16 ? 0 : 1);
  }
  const Uuid parent = Uuid::v4();
  Uuid child;
  ASSERT_EQ(read(fds[0], child.bytes.data(), child.bytes.size()), 16);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  close(fds[0]);
  close(fds[1]);
  EXPECT_EQ(child.version(), 4);
  EXPECT_NE(child, parent);
}

TEST(UuidTest, RandomHexId) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = random_hex_id();
    ASSERT_EQ(id.size(), 32u);
    for (char c : id) ASSERT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
    ASSERT_EQ(id[12], '4');
    ASSERT_TRUE(seen.insert(id).second);
    ASSERT_EQ(Uuid::parse(id)->hex(), id);
  }
}

TEST(UuidTest, ParseValid) {
  struct Case {
    std::string_view text;
    std::string_view canonical;
  };
  const Case cases[] = {
      {"2ed6657d-e927-568b-95e1-2665a8aea6a2", "2ed6657d-e927-568b-95e1-2665a8aea6a2"},
      {"2ED6657D-E927-568B-95E1-2665A8AEA6A2", "2ed6657d-e927-568b-95e1-2665a8aea6a2"},
      {"2eD6657d-E927-568b-95e1-2665A8aea6a2", "2ed6657d-e927-568b-95e1-2665a8aea6a2"},
      {"2ed6657de927568b95e12665a8aea6a2", "2ed6657d-e927-568b-95e1-2665a8aea6a2"},
      {"2ED6657DE927568B95E12665A8AEA6A2", "2ed6657d-e927-568b-95e1-2665a8aea6a2"},
      {"00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000"},
      {"ffffffff-ffff-ffff-ffff-ffffffffffff", "ffffffff-ffff-ffff-ffff-ffffffffffff"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    const auto u = Uuid::parse(c.text);
    ASSERT_TRUE(u.has_value());
    EXPECT_EQ(u->str(), c.canonical);
  }
}

TEST(UuidTest, ParseInvalid) {
  const std::string_view cases[] = {
      "",
      "2ed6657d-e927-568b-95e1-2665a8aea6a",     // 35
      "2ed6657d-e927-568b-95e1-2665a8aea6a22",   // 37
      "2ed6657de927568b95e12665a8aea6a",         // 31
      "2ed6657de927568b95e12665a8aea6a22",       // 33
      "2ed6657d-e927-568b-95e12665a8aea6a2-",    // dash misplaced
      "2ed6657de-927-568b-95e1-2665a8aea6a2",    // dash misplaced
      "2ed6657d-e927-568b-95e1-2665a8aea6g2",    // non-hex
      "2ed6657d+e927+568b+95e1+2665a8aea6a2",    // wrong separator
      "{2ed6657d-e927-568b-95e1-2665a8aea6a2}",  // braces
      "urn:uuid:2ed6657d-e927-568b-95e1-2665a8aea6a2",
      " 2ed6657d-e927-568b-95e1-2665a8aea6a2",
      "2ed6657d-e927-568b-95e1-2665a8aea6a2 ",
      "2ed6657d-e927-568b-95e1-2665a8aea6 2",
      "0x2ed6657de927568b95e12665a8aea6",
      "-2ed6657de927568b95e12665a8aea6a2-e927",
      "2ed6657d-e927-568b-95e1-2665a8ae-6a2",
  };
  for (std::string_view c : cases) {
    SCOPED_TRACE(std::string(c));
    EXPECT_FALSE(Uuid::parse(c).has_value());
  }
  const std::string with_nul("2ed6657d-e927-568b-95e1-2665a8aea6a\0", 36);
  EXPECT_FALSE(Uuid::parse(with_nul).has_value());
}

TEST(UuidTest, TextRoundTrip) {
  for (int i = 0; i < 1000; ++i) {
    const Uuid u = Uuid::v4();
    ASSERT_EQ(Uuid::parse(u.str()), u);
    ASSERT_EQ(Uuid::parse(u.hex()), u);
    std::string dashless = u.str();
    std::erase(dashless, '-');
    ASSERT_EQ(dashless, u.hex());
  }
}

TEST(UuidTest, ComparisonIsBytewise) {
  const Uuid a = *Uuid::parse("00000000-0000-0000-0000-000000000001");
  const Uuid b = *Uuid::parse("00000000-0000-0000-0000-000000000002");
  const Uuid c = *Uuid::parse("10000000-0000-0000-0000-000000000000");
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_GT(c, a);
  EXPECT_LE(a, a);
  EXPECT_EQ(a, *Uuid::parse("00000000000000000000000000000001"));
  EXPECT_NE(a, b);
}

TEST(UuidTest, NilAndVersion) {
  EXPECT_TRUE(Uuid{}.is_nil());
  EXPECT_EQ(Uuid{}.version(), 0);
  EXPECT_FALSE(Uuid::v4().is_nil());
  EXPECT_EQ(Uuid::parse("a8098c1a-f86e-11da-bd1a-00112444be1e")->version(), 1);
}

}  // namespace
}  // namespace decnet::core
