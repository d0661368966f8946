#include "ingest/session_recordings.h"

#include <algorithm>
#include <fstream>
#include <system_error>

#include "core/hash.h"

namespace decnet::ingest {
namespace {

constexpr std::size_t kMaxNameBytes = 64;

std::string key_of(const std::string& decky, const std::string& sid) {
  return decky + '\x1f' + sid;
}

}  // namespace

SessionRecordings::SessionRecordings(SessionRecordingsOptions options)
    : options_(std::move(options)), root_(options_.data_dir / "artifacts") {}

std::string SessionRecordings::safe_name(const std::string& name) {
  const bool plain = !name.empty() && name.size() <= kMaxNameBytes && name != "." && name != ".." &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                     });
  return plain ? name : "x-" + core::sha256_hex(name).substr(0, 32);
}

std::filesystem::path SessionRecordings::file_of(const std::string& decky,
                                                 const std::string& sid) const {
  return root_ / safe_name(decky) / "sessrec" / (safe_name(sid) + ".jsonl");
}

bool SessionRecordings::add_chunk(const std::string& decky, const std::string& sid,
                                  std::int64_t seq, bool last, const std::string& bytes) {
  if (options_.data_dir.empty() || sid.empty()) return false;
  const auto key = key_of(decky, sid);
  auto it = receiving_.find(key);
  if (it == receiving_.end()) {
    if (seq != 0 || receiving_.size() >= options_.max_open) return false;
    it = receiving_.emplace(key, Receiving{}).first;
  }
  auto& r = it->second;
  if (seq < r.next_seq) return false;  // a duplicate (a resent line)
  if (seq > r.next_seq || r.bytes + bytes.size() > options_.max_bytes) r.stopped = true;
  if (r.stopped) return false;
  const auto file = file_of(decky, sid);
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  std::ofstream out(
      file, seq == 0 ? std::ios::binary | std::ios::trunc : std::ios::binary | std::ios::app);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    r.stopped = true;
    return false;
  }
  r.bytes += bytes.size();
  r.next_seq = seq + 1;
  if (last) r.stopped = true;
  return true;
}

std::optional<std::filesystem::path> SessionRecordings::path(const std::string& decky,
                                                             const std::string& sid) const {
  auto file = file_of(decky, sid);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  return file;
}

std::optional<std::string> SessionRecordings::relative_path(const std::string& decky,
                                                            const std::string& sid) const {
  const auto file = path(decky, sid);
  if (!file) return std::nullopt;
  return std::filesystem::relative(*file, options_.data_dir).generic_string();
}

void SessionRecordings::finish(const std::string& decky, const std::string& sid) {
  receiving_.erase(key_of(decky, sid));
}

std::size_t SessionRecordings::sweep() {
  std::size_t removed = 0;
  std::error_code ec;
  if (!std::filesystem::is_directory(root_, ec)) return 0;
  const auto cutoff = std::filesystem::file_time_type::clock::now() - options_.retention;
  for (auto it = std::filesystem::recursive_directory_iterator(root_, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().extension() != ".jsonl") continue;
    if (it->last_write_time(ec) < cutoff && std::filesystem::remove(it->path(), ec)) ++removed;
  }
  return removed;
}

}  // namespace decnet::ingest
