// The outbox on a real directory: lines come back in order, leave only when acknowledged, come
// back after a rewind (a reconnect) and after a reopen (a restart of the decky), and a full
// outbox drops its oldest segment and counts the lines it lost.
#include "decky/emit/spool.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests_support.h"

namespace decnet::decky {
namespace {

using decnet::testing::TempDir;

std::vector<std::string> drain(Spool& spool, SpoolPosition* last = nullptr) {
  std::vector<std::string> out;
  while (auto line = spool.next()) {
    out.push_back(line->text);
    if (last) *last = line->end;
  }
  return out;
}

TEST(Spool, LinesComeBackInOrderUntilAcknowledged) {
  TempDir dir;
  Spool spool(dir / "outbox", 1 << 20, 64);  // tiny segments: several files
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(spool.append("line " + std::to_string(i)));
  SpoolPosition last;
  const auto first = drain(spool, &last);
  ASSERT_EQ(first.size(), 20u);
  EXPECT_EQ(first.front(), "line 0");
  EXPECT_EQ(first.back(), "line 19");
  EXPECT_GT(spool.pending_bytes(), 0u);
  // A reconnect: everything unacknowledged again.
  spool.rewind();
  EXPECT_EQ(drain(spool), first);
  spool.acknowledge(last);
  EXPECT_EQ(spool.pending_bytes(), 0u);
  spool.rewind();
  EXPECT_TRUE(drain(spool).empty());
  // Consumed segments are gone from the disk.
  std::size_t segments = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "outbox")) {
    segments += e.path().extension() == ".log";
  }
  EXPECT_LE(segments, 2u);
}

TEST(Spool, ARestartResumesAfterTheLastSavedAcknowledgement) {
  TempDir dir;
  std::vector<std::string> rest;
  {
    Spool spool(dir / "outbox", 1 << 20, 128);
    for (int i = 0; i < 10; ++i) spool.append("m" + std::to_string(i));
    SpoolPosition after_four;
    for (int i = 0; i < 4; ++i) after_four = spool.next()->end;
    spool.acknowledge(after_four);
  }  // closed: the cursor is saved
  Spool again(dir / "outbox", 1 << 20, 128);
  const auto left = drain(again);
  ASSERT_EQ(left.size(), 6u);
  EXPECT_EQ(left.front(), "m4");
  again.append("m10");
  EXPECT_EQ(drain(again), std::vector<std::string>{"m10"});
}

TEST(Spool, ALineCutShortByACrashIsEndedAndTheNextStandsAlone) {
  TempDir dir;
  {
    Spool spool(dir / "outbox", 1 << 20);
    spool.append("whole");
  }
  // The crash: half a line at the end of the newest segment.
  for (const auto& e : std::filesystem::directory_iterator(dir / "outbox")) {
    if (e.path().extension() == ".log") std::ofstream(e.path(), std::ios::app) << "half a li";
  }
  Spool spool(dir / "outbox", 1 << 20);
  spool.append("next");
  EXPECT_EQ(drain(spool), (std::vector<std::string>{"whole", "half a li", "next"}));
}

TEST(Spool, AFullOutboxDropsItsOldestLinesAndCountsThem) {
  TempDir dir;
  Spool spool(dir / "outbox", 1000, 200);
  for (int i = 0; i < 200; ++i) spool.append("line-" + std::to_string(1000 + i));  // 10 B each
  EXPECT_LE(spool.pending_bytes(), 1000u + 200u);
  EXPECT_GT(spool.dropped_lines(), 0u);
  const auto kept = drain(spool);
  EXPECT_EQ(kept.size() + spool.dropped_lines(), 200u);
  EXPECT_EQ(kept.back(), "line-1199");
  // Newlines inside a line cannot split it.
  spool.append("one\ntwo");
  EXPECT_EQ(drain(spool), std::vector<std::string>{"one two"});
}

TEST(Spool, AnUnusableDirectoryIsNamed) {
  TempDir dir;
  std::ofstream(dir / "file") << "x";
  try {
    Spool spool(dir / "file" / "outbox", 1 << 20);
    FAIL() << "opened an outbox under a file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("outbox"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace decnet::decky
