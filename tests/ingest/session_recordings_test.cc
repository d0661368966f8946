// Session recordings as deckies send them over syslog: pieces appended in order, duplicates
// ignored, a gap or the size limit stopping the recording, names that cannot leave the
// artifacts directory, and retention.
#include "ingest/session_recordings.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "tests_support.h"

namespace decnet::ingest {
namespace {

using decnet::testing::TempDir;

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(SessionRecordings, PiecesAreAppendedInOrderAndDuplicatesIgnored) {
  TempDir dir;
  SessionRecordings recordings({.data_dir = dir.path()});
  EXPECT_FALSE(recordings.add_chunk("decky-01", "s1", 1, false, "late"));  // must start at 0
  EXPECT_TRUE(recordings.add_chunk("decky-01", "s1", 0, false, "ab"));
  EXPECT_TRUE(recordings.add_chunk("decky-01", "s1", 1, false, "cd"));
  EXPECT_FALSE(recordings.add_chunk("decky-01", "s1", 1, false, "cd"));  // resent
  EXPECT_TRUE(recordings.add_chunk("decky-01", "s1", 2, true, "ef"));
  EXPECT_FALSE(recordings.add_chunk("decky-01", "s1", 3, false, "after the last"));
  const auto file = recordings.path("decky-01", "s1");
  ASSERT_TRUE(file);
  EXPECT_EQ(read(*file), "abcdef");
  EXPECT_EQ(recordings.relative_path("decky-01", "s1"), "artifacts/decky-01/sessrec/s1.jsonl");
  EXPECT_FALSE(recordings.path("decky-01", "other"));
}

TEST(SessionRecordings, AGapOrTheLimitStopsTheRecordingWhereItWas) {
  TempDir dir;
  SessionRecordings recordings({.data_dir = dir.path(), .max_bytes = 5});
  EXPECT_TRUE(recordings.add_chunk("d", "gap", 0, false, "ab"));
  EXPECT_FALSE(recordings.add_chunk("d", "gap", 2, false, "ef"));
  EXPECT_FALSE(recordings.add_chunk("d", "gap", 1, false, "cd"));  // too late: stopped
  EXPECT_EQ(read(*recordings.path("d", "gap")), "ab");
  EXPECT_TRUE(recordings.add_chunk("d", "big", 0, false, "abc"));
  EXPECT_FALSE(recordings.add_chunk("d", "big", 1, false, "def"));
  EXPECT_EQ(read(*recordings.path("d", "big")), "abc");
}

TEST(SessionRecordings, NamesNeverLeaveTheArtifactsDirectory) {
  const std::vector<std::string> hostile = {"..",
                                            ".",
                                            "",
                                            "../../etc/passwd",
                                            "a/b",
                                            "sid\nx",
                                            std::string(65, 'a'),
                                            std::string("nul\0", 4)};
  for (const auto& name : hostile) {
    SCOPED_TRACE(name);
    const auto safe = SessionRecordings::safe_name(name);
    EXPECT_TRUE(safe.starts_with("x-")) << safe;
    EXPECT_EQ(safe.find('/'), std::string::npos);
  }
  EXPECT_EQ(SessionRecordings::safe_name("decky-01.eu_west"), "decky-01.eu_west");
  TempDir dir;
  SessionRecordings recordings({.data_dir = dir.path()});
  ASSERT_TRUE(recordings.add_chunk("../..", "../../../escape", 0, true, "x"));
  const auto file = recordings.path("../..", "../../../escape");
  ASSERT_TRUE(file);
  const auto relative = std::filesystem::relative(*file, dir.path() / "artifacts");
  EXPECT_FALSE(relative.empty());
  EXPECT_NE(relative.begin()->string(), "..");
}

TEST(SessionRecordings, OldRecordingsAreSweptAway) {
  TempDir dir;
  SessionRecordings recordings({.data_dir = dir.path(), .retention = std::chrono::hours(24)});
  ASSERT_TRUE(recordings.add_chunk("d", "old", 0, true, "x"));
  ASSERT_TRUE(recordings.add_chunk("d", "new", 0, true, "y"));
  std::filesystem::last_write_time(
      *recordings.path("d", "old"),
      std::filesystem::file_time_type::clock::now() - std::chrono::hours(48));
  EXPECT_EQ(recordings.sweep(), 1u);
  EXPECT_FALSE(recordings.path("d", "old"));
  EXPECT_TRUE(recordings.path("d", "new"));
}

TEST(SessionRecordings, WithoutADataDirectoryNothingIsKept) {
  SessionRecordings recordings({});
  EXPECT_FALSE(recordings.add_chunk("d", "s", 0, true, "x"));
}

}  // namespace
}  // namespace decnet::ingest
