#include "decky/services/shell_login.h"

#include <cstdio>

#include "core/base64.h"

namespace decnet::decky {
namespace {

constexpr std::size_t kChunkBytes = 3072;  // base64 stays within a line value's bound

}  // namespace

void emit_command(Session& s, const std::string& user, const std::string& cwd,
                  const std::string& line) {
  s.emit("command", {{"command", line}, {"user", user}, {"pwd", cwd}}, Severity::kInfo,
         "CMD uid=" + std::string(user == "root" ? "0" : "1000") + " user=" + user +
             " src=" + s.peer_ip() + " pwd=" + cwd + " cmd=" + line);
}

void send_recording(Session& s, const SessionRecorder& recorder, std::string_view service) {
  const auto& shard = recorder.shard();
  std::size_t seq = 0;
  for (std::size_t at = 0; at < shard.size(); at += kChunkBytes, ++seq) {
    const auto piece = std::string_view(shard).substr(at, kChunkBytes);
    s.emit("session_recording_chunk",
           {{"seq", std::to_string(seq)},
            {"last", at + kChunkBytes >= shard.size() ? "true" : "false"},
            {"data_b64", core::base64_encode(piece)}});
  }
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", recorder.seconds());
  s.emit("session_recorded", {{"service", std::string(service)},
                              {"duration_s", duration},
                              {"bytes", std::to_string(recorder.bytes())},
                              {"truncated", recorder.truncated() ? "true" : "false"}});
}

}  // namespace decnet::decky
