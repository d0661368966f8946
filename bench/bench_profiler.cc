// Recorded sessions through the profiler's extraction, one core: parsing the shard, the 38
// BEHAVE-SHELL primitives and the keystroke vector, for a typical interactive session (20
// commands typed a key at a time, with output and prompts). The reference figure beside it is
// the floor any extractor pays: parsing the same JSONL lines and nothing else.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "bench_support.h"
#include "identity/behave_shell_extractor.h"
#include "identity/keystroke_features.h"
#include "identity/shell_recording.h"

using namespace decnet;

namespace {

std::string recorded_session() {
  static const char* kCommands[] = {"uname -a", "id",           "whoami", "cat /etc/passwd",
                                    "ps aux",   "ls -la /tmp",  "w",      "uptime",
                                    "df -h",    "netstat -tlnp"};
  std::string shard =
      R"({"sid":"s1","hdr":{"version":2,"width":80,"height":24,"timestamp":1777700000,"env":{}}})"
      "\n";
  double t = 0;
  char line[256];
  for (int c = 0; c < 20; ++c) {
    const std::string command = std::string(kCommands[c % 10]) + "\r";
    for (const char ch : command) {
      t += 0.08 + 0.04 * ((c + ch) % 5);
      const std::string d = ch == '\r' ? "\\r" : std::string(1, ch);
      std::snprintf(line, sizeof line,
                    R"({"sid":"s1","t":%.6f,"ch":"i","d":"%s"})"
                    "\n",
                    t, d.c_str());
      shard += line;
    }
    t += 0.05;
    std::snprintf(
        line, sizeof line,
        R"({"sid":"s1","t":%.6f,"ch":"o","d":"some output of the command\r\nroot@web:~# "})"
        "\n",
        t);
    shard += line;
    t += 1.5;
  }
  return shard;
}

}  // namespace

int main() {
  const auto shard = recorded_session();
  constexpr int kSessions = 2000;
  {
    const auto start = std::chrono::steady_clock::now();
    std::size_t lines = 0;
    for (int i = 0; i < kSessions; ++i) {
      std::size_t from = 0;
      while (from < shard.size()) {
        const auto end = shard.find('\n', from);
        const auto json = nlohmann::json::parse(shard.substr(from, end - from), nullptr, false);
        lines += json.is_discarded() ? 0 : 1;
        from = end + 1;
      }
    }
    bench::report("profiler_shard_parse_floor", kSessions / bench::seconds_since(start),
                  "sessions/s");
    if (lines == 0) std::fprintf(stderr, "nothing parsed\n");
  }
  const auto start = std::chrono::steady_clock::now();
  std::size_t observations = 0;
  for (int i = 0; i < kSessions; ++i) {
    const auto events = identity::parse_shard(shard, "s1");
    observations += identity::extract_session(events).size();
    observations += identity::keystroke_vector(identity::keystroke_features(events)).size() > 0;
  }
  bench::report("profiler_sessions_per_second", kSessions / bench::seconds_since(start),
                "sessions/s");
  std::fprintf(stderr, "%zu observations per session\n", observations / kSessions);
  return 0;
}
