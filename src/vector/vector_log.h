// The vector store's side file: a 16-byte header, then an append-only log of records. Every
// write appends one record, so a write costs one write(2) and never rewrites the file; a crash
// can only tear the last record, which the CRC reveals on the next open and which is then cut
// off (everything before it is intact). When the log has grown to more than twice the live
// data, and on close, the store rewrites it from its in-memory state into a temporary file,
// fsyncs it and renames it over the old one, so a crash during compaction leaves either the
// old file or the new one.
//
// Layout, all integers little-endian:
//   header   "DECNETVS" | u32 format version (1) | u32 zero
//   record   u32 payload length | u32 CRC-32 of the payload | payload
//   payload  u8 op, then
//     1 kind    str kind | u32 dim | u8 metric
//     2 insert  str kind | str id | i32 extractor version | u32 dim | f32 x dim
//     3 remove  str kind | str id
//   str      u32 length | UTF-8 bytes
//
// Appends are not fsynced one by one (that would cap inserts at the disk's flush rate): a
// process crash loses nothing, a power loss may lose the records written since the last
// compaction or sync(). The file is flock()ed while open, so two stores cannot share it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vector/vector_store.h"

namespace decnet::vector {

inline constexpr std::uint32_t kLogFormatVersion = 1;

enum class LogOp : std::uint8_t { kKind = 1, kInsert = 2, kRemove = 3 };

struct LogRecord {
  LogOp op = LogOp::kInsert;
  std::string kind;
  std::string id;
  std::uint32_t dim = 0;
  Metric metric = Metric::kL2;
  std::int32_t extractor_version = kDefaultExtractorVersion;
  std::vector<float> vector;
};

// Framed records (length, CRC, payload) appended to `out`.
void encode_kind(std::string& out, std::string_view kind, std::size_t dim, Metric metric);
void encode_insert(std::string& out, std::string_view kind, std::string_view id,
                   std::int32_t extractor_version, std::span<const float> vector);
void encode_remove(std::string& out, std::string_view kind, std::string_view id);
// Framed sizes, for the store's live-data accounting.
std::size_t kind_record_size(std::string_view kind);
std::size_t insert_record_size(std::string_view kind, std::string_view id, std::size_t dim);

struct ReplayStats {
  std::size_t records = 0;
  std::uint64_t truncated_bytes = 0;  // torn or corrupt tail cut off
};

class VectorLog {
 public:
  // Opens or creates `path` (and its directory), replays every intact record through `apply`
  // and truncates a torn tail. Throws VectorError if the file cannot be opened or locked, or is
  // not a vector-store file of a known format version.
  VectorLog(std::filesystem::path path, const std::function<void(const LogRecord&)>& apply);
  ~VectorLog();
  VectorLog(const VectorLog&) = delete;
  VectorLog& operator=(const VectorLog&) = delete;

  // Appends framed records written by the encode_* functions, in one write. On failure the
  // file is cut back to its previous length and VectorError is thrown.
  void append(std::string_view records);
  // Replaces the file with a header plus what `snapshot` emits (framed records, in as many
  // calls as it likes). Throws VectorError and keeps the old file on failure.
  void rewrite(const std::function<void(const std::function<void(std::string_view)>&)>& snapshot);
  void sync();
  // Idempotent; fsyncs first.
  void close();

  std::uint64_t size() const { return size_; }  // header included
  const ReplayStats& replay_stats() const { return stats_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  ReplayStats stats_;
};

}  // namespace decnet::vector
