#include "decky/shell/session_recorder.h"

#include <cstdio>
#include <ctime>

#include "core/json_text.h"

namespace decnet::decky {

SessionRecorder::SessionRecorder(std::string sid, int width, int height, std::size_t max_bytes)
    : sid_(std::move(sid)), max_bytes_(max_bytes), start_(std::chrono::steady_clock::now()) {
  shard_ = "{\"sid\":";
  core::append_json_string(shard_, sid_);
  shard_ += ",\"hdr\":{\"version\":2,\"width\":" + std::to_string(width) +
            ",\"height\":" + std::to_string(height) +
            ",\"timestamp\":" + std::to_string(std::time(nullptr)) +
            ",\"env\":{\"TERM\":\"xterm\",\"SHELL\":\"/bin/bash\"}}}\n";
}

double SessionRecorder::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void SessionRecorder::event(const char* channel, std::string_view bytes) {
  if (bytes.empty()) return;
  bytes_ += bytes.size();
  if (truncated_) return;
  std::string line = "{\"sid\":";
  core::append_json_string(line, sid_);
  char t[32];
  std::snprintf(t, sizeof t, "%.6f", seconds());
  line += ",\"t\":";
  line += t;
  line += ",\"ch\":\"";
  line += channel;
  line += "\",\"d\":";
  core::append_json_string(line, bytes);
  line += "}\n";
  if (shard_.size() + line.size() > max_bytes_) {
    truncated_ = true;
    return;
  }
  shard_ += line;
}

}  // namespace decnet::decky
