#include "ingest/replay.h"

#include <fstream>
#include <stdexcept>

#include "core/hash.h"
#include "core/time.h"
#include "store/state_repository.h"

namespace decnet::ingest {
namespace {

constexpr std::size_t kFingerprintBytes = std::size_t{64} << 10;

// Identifies a file by its first line rather than its name, so a renamed or copied log is
// recognised, a log that grew keeps its identity, and a different file at the same path is not.
std::string state_key(std::ifstream& in) {
  std::string head(kFingerprintBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (const auto lf = head.find('\n'); lf != std::string::npos) head.resize(lf);
  in.clear();
  in.seekg(0);
  return "replay:" + core::sha256_hex(head);
}

// A resume point must sit just after a line feed; anything else means the file changed.
bool at_line_boundary(std::ifstream& in, std::uint64_t offset) {
  if (offset == 0) return true;
  in.seekg(static_cast<std::streamoff>(offset - 1));
  const bool ok = in.get() == '\n';
  in.clear();
  in.seekg(0);
  return ok;
}

}  // namespace

ReplayResult replay_file(const std::filesystem::path& path, IngestPipeline& pipeline,
                         store::Repository& repo, std::size_t max_line_bytes,
                         const std::function<void(const ReplayProgress&)>& on_progress) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  ReplayResult result;
  auto& p = result.progress;
  p.bytes_total = std::filesystem::file_size(path);
  const auto key = state_key(in);
  std::uint64_t resume_at = 0;
  if (auto saved = repo.state().get(key)) {
    resume_at = saved->value("bytes_done", std::uint64_t{0});
    p.skipped = saved->value("lines", std::uint64_t{0});
  }
  if (resume_at > p.bytes_total ||
      (resume_at < p.bytes_total && !at_line_boundary(in, resume_at))) {
    resume_at = 0;  // same first line, different content: a different log
    p.skipped = 0;
  }
  in.seekg(static_cast<std::streamoff>(resume_at));
  p.bytes_done = resume_at;
  if (resume_at == p.bytes_total && p.bytes_total > 0) result.already_complete = true;

  std::string line;
  std::uint64_t committed_bytes = resume_at;
  std::uint64_t total_lines = p.skipped;
  const auto checkpoint = [&] {
    if (!pipeline.flush(std::chrono::minutes(10))) {
      throw std::runtime_error("the pipeline did not commit the replayed lines in time");
    }
    repo.write_now([&](store::WriteScope& scope) {
      repo.state().put(scope, key,
                       {{"path", path.string()},
                        {"bytes_done", committed_bytes},
                        {"lines", total_lines},
                        {"updated_at", core::now_micros()}});
    });
  };
  while (std::getline(in, line)) {
    p.bytes_done += line.size() + (in.eof() ? 0 : 1);  // the last line may lack its LF
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    RawLine raw{std::move(line), "replay", path.string(), core::now_micros(), false};
    if (raw.bytes.size() > max_line_bytes) {
      raw.bytes.resize(max_line_bytes);
      raw.truncated = true;
    }
    if (!pipeline.submit_blocking(std::move(raw))) {
      throw std::runtime_error("the pipeline stopped during the replay");
    }
    ++p.lines;
    ++total_lines;
    line.clear();
    if (p.lines % 100000 == 0) {
      committed_bytes = p.bytes_done;
      checkpoint();
    }
    if (on_progress && p.lines % 5000 == 0) on_progress(p);
  }
  committed_bytes = p.bytes_done;
  checkpoint();
  if (on_progress) on_progress(p);
  return result;
}

}  // namespace decnet::ingest
