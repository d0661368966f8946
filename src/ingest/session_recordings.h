// Session recordings that reach the master. A decky sends its recording of a shell session (the
// reference's JSONL shard lines for that session) over the syslog channel it already uses, as
// session_recording_chunk events: `sid`, `seq` (0, 1, ...), `last` (true on the final piece) and
// `data_b64` (at most 8 KiB decoded), with the attacker's address like every other line. The
// channel's ordering, TLS and RELP acknowledgements then carry the recording too, and no second
// authenticated endpoint is needed. Pieces are appended to
// <data dir>/artifacts/<decky>/sessrec/<sid>.jsonl in order; a duplicate is ignored, a gap or
// the size limit stops the recording there (it is kept, marked truncated), and the names of
// deckies and sessions become file names only through a strict alphabet, so no line can write
// outside the artifacts directory. Recordings older than the retention are deleted.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>

namespace decnet::ingest {

struct SessionRecordingsOptions {
  std::filesystem::path data_dir;
  std::size_t max_bytes = std::size_t{16} << 20;  // per recording
  std::size_t max_open = 10'000;                  // recordings being received at once
  std::chrono::hours retention = std::chrono::hours(24 * 30);
};

class SessionRecordings {
 public:
  explicit SessionRecordings(SessionRecordingsOptions options);

  // Appends one piece; false when it was refused (out of order, over the limit, too many
  // recordings open, or the file could not be written).
  bool add_chunk(const std::string& decky, const std::string& sid, std::int64_t seq, bool last,
                 const std::string& bytes);
  // The recording of (decky, sid), relative to the data directory, when one was received.
  std::optional<std::string> relative_path(const std::string& decky, const std::string& sid) const;
  std::optional<std::filesystem::path> path(const std::string& decky, const std::string& sid) const;
  // Forgets what is known of a finished recording (its file stays until retention).
  void finish(const std::string& decky, const std::string& sid);
  // Deletes recordings older than the retention; returns how many.
  std::size_t sweep();

  // The file name a decky or session name becomes: [A-Za-z0-9._-], at most 64 bytes, never "."
  // or ".."; anything else is replaced by a digest of the name.
  static std::string safe_name(const std::string& name);

 private:
  struct Receiving {
    std::int64_t next_seq = 0;
    std::size_t bytes = 0;
    bool stopped = false;  // a gap or the size limit: nothing more is appended
  };
  std::filesystem::path file_of(const std::string& decky, const std::string& sid) const;

  SessionRecordingsOptions options_;
  std::filesystem::path root_;
  std::unordered_map<std::string, Receiving> receiving_;  // by decky \x1f sid
};

}  // namespace decnet::ingest
