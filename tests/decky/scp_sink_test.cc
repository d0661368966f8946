// scp's sink side as OpenSSH's scp speaks it to a server, byte by byte: a file, a tree with
// directories, an empty file, each acknowledged with a zero byte; a file larger than the bound
// kept cut and flagged; names that are paths, control lines that are not, and an upload that
// stops midway.
#include "decky/protocol/scp_sink.h"

#include <gtest/gtest.h>

namespace decnet::decky {
namespace {

const std::string kAck(1, '\0');

TEST(ScpSink, FilesAndDirectoriesArriveWithTheirPaths) {
  ScpSink sink(1 << 20);
  EXPECT_EQ(ScpSink::greeting(), kAck);
  EXPECT_EQ(sink.feed("T1700000000 0 1700000000 0\n"), kAck);
  EXPECT_EQ(sink.feed("C0755 5 run.sh\n"), kAck);
  EXPECT_EQ(sink.feed("ab"), "");
  EXPECT_EQ(sink.feed("cde" + kAck), kAck);  // the data, then the client's zero
  EXPECT_EQ(sink.feed("D0755 0 bin\nC0644 0 empty\n"), kAck + kAck);
  EXPECT_EQ(sink.feed(kAck + "E\n"), kAck + kAck);
  const auto files = sink.take_files();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].path, "run.sh");
  EXPECT_EQ(files[0].mode, "0755");
  EXPECT_EQ(files[0].data, "abcde");
  EXPECT_FALSE(files[0].truncated);
  EXPECT_EQ(files[1].path, "bin/empty");
  EXPECT_TRUE(files[1].data.empty());
  EXPECT_TRUE(sink.take_files().empty());
  EXPECT_FALSE(sink.unfinished());
  EXPECT_FALSE(sink.failed());
}

TEST(ScpSink, ALargeFileIsKeptUpToTheBoundAndFlagged) {
  ScpSink sink(4);
  sink.feed("C0644 10 big\n0123456789" + kAck);
  const auto files = sink.take_files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].data, "0123");
  EXPECT_EQ(files[0].size, 10u);
  EXPECT_TRUE(files[0].truncated);
}

TEST(ScpSink, AnUploadCutShortIsTheUnfinishedFile) {
  ScpSink sink(1 << 20);
  sink.feed("C0644 100 part\nhalf");
  const auto cut = sink.unfinished();
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->data, "half");
  EXPECT_TRUE(cut->truncated);
}

TEST(ScpSink, MalformedControlLinesFailTheTransfer) {
  for (const std::string bad : {"C0644 5 ../../etc/passwd\n", "C0644 5 a/b\n", "C06x4 5 a\n",
                                "C0644 -5 a\n", "C0644 5\n", "X0644 5 a\n", "E\n", "\n"}) {
    ScpSink sink(1 << 20);
    const auto reply = sink.feed(bad);
    EXPECT_TRUE(sink.failed()) << bad;
    EXPECT_EQ(reply.substr(0, 6), "\x02scp: ") << bad;
  }
  ScpSink long_line(1 << 20);
  long_line.feed("C0644 5 " + std::string(2000, 'a'));
  EXPECT_TRUE(long_line.failed());
  ScpSink no_zero(1 << 20);
  no_zero.feed("C0644 1 a\nxy");
  EXPECT_TRUE(no_zero.failed()) << "data not followed by the client's zero";
}

}  // namespace
}  // namespace decnet::decky
