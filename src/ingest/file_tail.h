// Follows a growing log file, like `tail -F`: for hosts where syslog lines already land in a
// file (the reference's worker .log, a sensor's rsyslog output). It survives both kinds of
// rotation: rename-and-recreate (the rest of the old file is read through the open descriptor,
// then the new file from its start) and truncation in place (copytruncate: reading restarts at
// 0). A last line without its LF waits for it; only at a rotation is such a fragment delivered
// as it is. The file is polled, which costs one fstat and one stat per interval.
//
// On first start the tail begins at the end of the file (only new lines) unless a saved position
// is given. Every line carries its position (inode, offset after its LF); the ingest writer
// stores the last committed one with the rows (file_tail_state_key), so a restart after a crash
// resumes exactly after the last line stored. A file rotated while DECNET was stopped (another
// inode at the path) is read from its start; the unread rest of the old one is not looked for.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/component.h"
#include "ingest/raw_line.h"
#include "ingest/receiver_options.h"
#include "ingest/receiver_stats.h"

namespace decnet::ingest {

// The state-table key under which the position in `path` is stored.
std::string file_tail_state_key(const std::filesystem::path& path);

class FileTail : public core::Component {
 public:
  struct Options {
    std::filesystem::path path;
    std::size_t max_line_bytes = 65536;
    // Resume at this byte offset; ignored (start at 0) when the file is now shorter, or when
    // start_inode is given and the file at the path is another one.
    std::optional<std::uint64_t> start_offset;
    std::optional<std::uint64_t> start_inode;
    // Without start_offset: true skips what the file already holds, false reads it all.
    bool start_at_end = true;
    std::chrono::milliseconds poll_interval{250};
  };
  static Options from(const ReceiverOptions& options);

  FileTail(Options options, LineSink& sink);
  ~FileTail() override;
  FileTail(const FileTail&) = delete;
  FileTail& operator=(const FileTail&) = delete;

  std::string name() const override { return "syslog-file"; }
  // Opens the file if it exists (a missing file is waited for, and then read from its start)
  // and starts the polling thread. Throws std::runtime_error when the path is empty or exists
  // but cannot be read.
  void start() override;
  void stop() override;
  nlohmann::json health() const override;

  std::uint64_t offset() const;  // after the last complete line
  const ReceiverStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace decnet::ingest
