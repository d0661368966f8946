// Syslog parsing and normalisation throughput on one core, over generated fleet lines shaped
// like the deckies' real output (reference spec §1.3/§1.4): about a fifth credential attempts,
// the rest connections, SMTP, HTTP, sessions, prober results, shell commands and sshd prose, with
// IPv4 and IPv6 attackers. The target is 3,000,000 lines/s for parsing alone.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "bench_support.h"
#include "fleet_lines.h"
#include "ingest/normalizer.h"
#include "ingest/syslog_parser.h"

namespace {

using decnet::bench::report;
using decnet::bench::seconds_since;

}  // namespace

int main() {
  constexpr std::size_t kLines = 50'000;
  decnet::bench::FleetLineMaker maker({});
  std::vector<std::string> lines;
  lines.reserve(kLines);
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < kLines; ++i) {
    lines.push_back(maker.next());
    bytes += lines.back().size();
  }
  std::printf("# %zu generated lines, %.0f bytes on average\n", kLines,
              static_cast<double>(bytes) / kLines);

  decnet::ingest::SyslogMessage message;
  decnet::ingest::NormalizedEvent event;
  std::string error;
  std::size_t failures = 0;
  for (const auto& line : lines) {  // warm-up: buffers reach their steady-state size
    if (!decnet::ingest::parse_syslog(line, message, &error))
      ++failures;
    else
      decnet::ingest::normalize(message, line, 0, event);
  }
  if (failures != 0) {
    std::fprintf(stderr, "%zu generated lines failed to parse: %s\n", failures, error.c_str());
    return 1;
  }

  const auto measure = [&](bool with_normalize) {
    std::size_t done = 0;
    std::size_t checksum = 0;
    const auto start = std::chrono::steady_clock::now();
    double elapsed = 0;
    do {
      for (const auto& line : lines) {
        decnet::ingest::parse_syslog(line, message, nullptr);
        checksum += message.params.size();
        if (with_normalize) {
          decnet::ingest::normalize(message, line, 0, event);
          checksum += event.fields.size();
        }
      }
      done += lines.size();
      elapsed = seconds_since(start);
    } while (elapsed < 2.0);
    if (checksum == 0) std::puts("# checksum 0");
    return static_cast<double>(done) / elapsed;
  };

  report("ingest_parser", measure(false), "lines/s");
  report("ingest_parse_normalize", measure(true), "lines/s");
  return 0;
}
