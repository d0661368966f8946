// Bulk import of an existing log file (for example a reference deployment's decnet.log) through
// the normal pipeline. Progress is remembered per file content, so replaying the same file
// twice stores nothing the second time, and replaying a file that has grown imports only the
// new lines.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>

#include "ingest/pipeline.h"
#include "store/repository.h"

namespace decnet::ingest {

struct ReplayProgress {
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
  std::uint64_t lines = 0;    // submitted in this run
  std::uint64_t skipped = 0;  // lines already imported by an earlier run
};

struct ReplayResult {
  ReplayProgress progress;
  bool already_complete = false;
};

// Streams `path` into the pipeline line by line (LF-delimited, CR stripped, empty lines
// skipped, lines over max_line_bytes truncated and flagged), waits until everything is
// committed and records how far the file was imported. Throws std::runtime_error when the file
// cannot be read.
ReplayResult replay_file(const std::filesystem::path& path, IngestPipeline& pipeline,
                         store::Repository& repo, std::size_t max_line_bytes,
                         const std::function<void(const ReplayProgress&)>& on_progress = {});

}  // namespace decnet::ingest
