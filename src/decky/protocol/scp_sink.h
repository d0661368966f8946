// The receiving side of scp (what `scp -t DIR` speaks on the server when a client uploads):
// control lines — C (a file: mode, size, name), D and E (into and out of a directory), T
// (times) — each acknowledged with a zero byte, and each file's bytes followed by the client's
// zero. A decky plays it to take an attacker's upload: every file comes out whole (or cut at
// the bound) with its path relative to the target, for hashing and reporting.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::decky {

class ScpSink {
 public:
  struct File {
    std::string path;  // the name, under the directories the client entered
    std::string mode;  // "0644"
    std::uint64_t size = 0;
    std::string data;  // at most max_file_bytes of it
    bool truncated = false;
  };

  static constexpr std::size_t kMaxLine = 1024;
  static constexpr std::size_t kMaxFiles = 64;
  static constexpr int kMaxDepth = 8;

  explicit ScpSink(std::size_t max_file_bytes) : max_file_bytes_(max_file_bytes) {}

  // What the server sends first: ready.
  static std::string greeting() { return std::string(1, '\0'); }
  // Takes what the client sent; returns what to answer. Finished files wait in files().
  std::string feed(std::string_view bytes);
  std::vector<File> take_files();
  // The file being received when the client stopped; nullopt when none was.
  std::optional<File> unfinished() const;
  bool failed() const { return state_ == State::kFailed; }

 private:
  enum class State { kControl, kData, kDataEnd, kFailed };
  std::string control(std::string_view line);
  std::string fail(std::string_view why);

  std::size_t max_file_bytes_;
  State state_ = State::kControl;
  std::string line_;
  std::vector<std::string> directories_;
  File current_;
  std::uint64_t remaining_ = 0;
  std::size_t files_seen_ = 0;
  std::vector<File> done_;
};

}  // namespace decnet::decky
