// Ingest end to end. A generated fleet stream (fleet_lines.h) is sent over TCP to the real
// receiver, pipeline and SQLite store; the figure is lines committed per second, from the first
// byte sent to the last row committed. Printed beside it, measured in the same run, are the two
// limits it is compared with: a raw TCP reader that only splits lines, and a bare SQLite insert
// loop of the same lines, and syslog-ng (what an operator would otherwise run) receiving the same
// stream over TCP, parsing RFC 5424 and writing each message to a file. Then, with the stream
// paced at 20,000 lines/s, the latency from sending the second attempt of a reused password to
// receiving credential.reuse.detected.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "bench_support.h"
#include "core/time.h"
#include "fleet_lines.h"
#include "ingest_harness.h"

using namespace decnet;
using Clock = std::chrono::steady_clock;

namespace {

// The limit a receiver cannot beat: read the socket and count line feeds.
double raw_tcp_lines_per_second(const std::string& stream, std::size_t lines) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listener, 1);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::size_t counted = 0;
  std::thread reader([&] {
    const int fd = ::accept(listener, nullptr, nullptr);
    std::vector<char> buf(1 << 16);
    while (true) {
      const auto n = ::recv(fd, buf.data(), buf.size(), 0);
      if (n <= 0) break;
      for (ssize_t i = 0; i < n; ++i) counted += buf[i] == '\n';
    }
    ::close(fd);
  });
  const auto start = Clock::now();
  const int fd = bench::connect_to(ntohs(addr.sin_port));
  bench::send_all(fd, stream);
  ::shutdown(fd, SHUT_WR);
  reader.join();
  const double seconds = bench::seconds_since(start);
  ::close(fd);
  ::close(listener);
  if (counted != lines) std::fprintf(stderr, "raw reader counted %zu of %zu\n", counted, lines);
  return static_cast<double>(counted) / seconds;
}

double bare_sqlite_lines_per_second(const std::filesystem::path& path,
                                    const std::vector<std::string>& lines) {
  store::sqlite::Engine::migrate(path);
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr,
               nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO logs(timestamp, received_at, decky, service, event_type, "
                     "raw_line) VALUES (?, ?, 'd', 's', 'e', ?)",
                     -1, &stmt, nullptr);
  const auto start = Clock::now();
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    sqlite3_bind_int64(stmt, 1, static_cast<std::int64_t>(i));
    sqlite3_bind_int64(stmt, 2, static_cast<std::int64_t>(i));
    sqlite3_bind_text(stmt, 3, lines[i].data(), static_cast<int>(lines[i].size()), SQLITE_STATIC);
    sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (i % 10000 == 9999) {
      sqlite3_exec(db, "COMMIT; BEGIN", nullptr, nullptr, nullptr);
    }
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  const double seconds = bench::seconds_since(start);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return static_cast<double>(lines.size()) / seconds;
}

// syslog-ng 3.38 from Debian, threaded, receiving on loopback TCP with RFC 5424 parsing and
// writing one line per message (time, host, program, msgid, structured data, message). The
// figure runs from the first byte sent to the last line in the file. 0 when it is missing.
double syslog_ng_lines_per_second(const std::filesystem::path& dir, const std::string& stream,
                                  std::size_t lines) {
  const std::filesystem::path root = std::filesystem::path(DECNET_SOURCE_DIR) / "tools/syslog-ng";
  const auto binary = root / "usr/sbin/syslog-ng";
  if (!std::filesystem::exists(binary)) {
    std::fprintf(stderr, "syslog-ng is missing at %s (scripts/install-deps.sh unpacks it)\n",
                 binary.c_str());
    return 0;
  }
  const int port = bench::free_tcp_port();
  const auto out = dir / "syslog-ng.out";
  const auto conf = dir / "syslog-ng.conf";
  std::ofstream(conf)
      << "@version: 3.38\n"
      << "options { threaded(yes); use_dns(no); keep_hostname(yes); "
         "log-fifo-size(100000); flush_lines(1000); };\n"
      << "source s { network(ip(\"127.0.0.1\") port(" << port
      << ") transport(\"tcp\") flags(syslog-protocol) log-iw-size(100000)); };\n"
      << "destination d { file(\"" << out.native()
      << "\" template(\"${ISODATE} ${HOST} ${PROGRAM} ${MSGID} ${SDATA} ${MSG}\\n\")); "
         "};\n"
      << "log { source(s); destination(d); };\n";
  const auto libs = (root / "usr/lib/syslog-ng").native();
  const auto modules = "--module-path=" + (root / "usr/lib/syslog-ng/3.38").native();
  const auto persist = (dir / "syslog-ng.persist").native();
  const auto pidfile = (dir / "syslog-ng.pid").native();
  const auto control = (dir / "syslog-ng.ctl").native();
  const pid_t pid = fork();
  if (pid == 0) {
    ::setenv("LD_LIBRARY_PATH", libs.c_str(), 1);
    execl(binary.c_str(), "syslog-ng", "-F", "--no-caps", "-f", conf.c_str(), modules.c_str(), "-R",
          persist.c_str(), "-p", pidfile.c_str(), "-c", control.c_str(), nullptr);
    _exit(127);
  }
  int fd = -1;
  for (auto deadline = Clock::now() + std::chrono::seconds(10);
       fd < 0 && Clock::now() < deadline;) {
    fd = bench::connect_to(static_cast<std::uint16_t>(port));
    if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  double rate = 0;
  if (fd >= 0) {
    const auto start = Clock::now();
    bench::send_all(fd, stream);
    ::shutdown(fd, SHUT_WR);
    // Count the lines written as the file grows; give up after 10 s without progress.
    std::size_t counted = 0;
    std::uintmax_t offset = 0;
    auto last_progress = Clock::now();
    std::vector<char> buf(1 << 16);
    while (counted < lines && Clock::now() - last_progress < std::chrono::seconds(10)) {
      std::ifstream in(out, std::ios::binary);
      in.seekg(static_cast<std::streamoff>(offset));
      bool grew = false;
      while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
        const auto n = static_cast<std::size_t>(in.gcount());
        for (std::size_t i = 0; i < n; ++i) counted += buf[i] == '\n';
        offset += n;
        grew = true;
      }
      if (grew) {
        last_progress = Clock::now();
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    const double seconds = bench::seconds_since(start);
    if (counted != lines)
      std::fprintf(stderr, "syslog-ng wrote %zu of %zu lines\n", counted, lines);
    rate = static_cast<double>(counted) / seconds;
    ::close(fd);
  } else {
    std::fprintf(stderr, "syslog-ng did not start listening on port %d\n", port);
  }
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
  return rate;
}

double end_to_end_lines_per_second(const std::filesystem::path& db, const std::string& stream,
                                   std::size_t lines, bool profile = true) {
  bench::IngestStack stack(db, profile);
  return bench::committed_lines_per_second(stack, stream, lines);
}

// The same with the ATT&CK tagger attached or not; counts the events the tagger had to drop
// (its queue overflowed) into `dropped`.
double tagged_lines_per_second(const std::filesystem::path& db, const std::string& stream,
                               std::size_t lines, bool tag, std::uint64_t& dropped,
                               std::uint64_t& written) {
  bench::IngestStack stack(db, true, tag);
  const double rate = bench::committed_lines_per_second(stack, stream, lines);
  if (stack.tagger) {
    const auto health = stack.tagger->health();
    dropped += health["events_dropped"].get<std::uint64_t>();
    written = std::max(written, health["tags_written"].get<std::uint64_t>());
  }
  return rate;
}

// ttp_ingest_off / _on / _ratio: the tagger's cost to ingest, measured side by side.
void report_tagging_cost(const std::filesystem::path& dir, const std::string& stream,
                         std::size_t lines) {
  std::uint64_t dropped = 0, written = 0;
  bench::report_best_of_two("ttp_ingest", "off", "on", "ratio", [&](bool on, int round) {
    const auto db = dir / ("ttp-" + std::to_string(round) + (on ? "-on.db" : "-off.db"));
    const double rate = tagged_lines_per_second(db, stream, lines, on, dropped, written);
    std::filesystem::remove(db);
    return rate;
  });
  bench::report("ttp_ingest_events_dropped", static_cast<double>(dropped), "events");
  bench::report("ttp_ingest_tags_written", static_cast<double>(written), "tags");
}

// identity_ingest_off / _on / _ratio: the identity worker's cost to ingest, side by side; how
// long the worker took, once the last line was committed, to have placed everything
// (identity_ingest_drain_seconds), and what its queue had to drop.
void report_identity_cost(const std::filesystem::path& dir, const std::string& stream,
                          std::size_t lines) {
  std::uint64_t dropped = 0;
  double drain = 0;
  bench::report_best_of_two("identity_ingest", "off", "on", "ratio", [&](bool on, int round) {
    const auto db = dir / ("identity-" + std::to_string(round) + (on ? "-on.db" : "-off.db"));
    double rate = 0;
    {
      bench::IngestStack stack(db, true, false, on);
      rate = bench::committed_lines_per_second(stack, stream, lines);
      if (stack.identity_worker) {
        const auto start = std::chrono::steady_clock::now();
        stack.identity_worker->drain(std::chrono::minutes(5));
        drain = std::max(drain, bench::seconds_since(start));
        dropped += stack.identity_worker->health()["inputs_dropped"].get<std::uint64_t>();
      }
    }
    std::filesystem::remove(db);
    return rate;
  });
  bench::report("identity_ingest_drain_seconds", drain, "s");
  bench::report("identity_ingest_inputs_dropped", static_cast<double>(dropped), "inputs");
}

// Sends the background stream at `rate` lines/s and, every 20 ms, the two attempts of a new
// reused password from a unique address; returns the latencies (ms) to credential.reuse.detected.
std::vector<double> reuse_latencies(const std::filesystem::path& db,
                                    const std::vector<std::string>& background, double rate,
                                    int probes) {
  bench::IngestStack stack(db);
  std::mutex mu;
  std::map<std::string, Clock::time_point> sent;
  std::vector<double> latencies;
  auto sub = stack.bus.subscribe(
      "credential.reuse.detected",
      [&](const bus::Event& e) {
        const auto now = Clock::now();
        std::lock_guard lock(mu);
        for (const auto& ip : e.payload["attacker_ips"]) {
          auto it = sent.find(ip.get<std::string>());
          if (it == sent.end()) continue;
          latencies.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
          sent.erase(it);
        }
      },
      {});
  bench::FleetLineMaker maker({.seed = 7});
  const int fd = bench::connect_to(stack.receiver.port());
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const auto start = Clock::now();
  std::size_t next_line = 0;
  int probe = 0;
  auto next_probe = start + std::chrono::milliseconds(100);
  while (probe < probes) {
    // Offered load, but a sender held back by TCP does not pile up what it owes: at most 20 ms
    // worth of lines per pass, or an ingest slower than `rate` made this string grow without
    // bound (gigabytes at 100,000 lines/s).
    const auto due = std::min(static_cast<std::size_t>(bench::seconds_since(start) * rate),
                              next_line + static_cast<std::size_t>(rate / 50));
    std::string chunk;
    for (; next_line < due; ++next_line) {
      chunk += background[next_line % background.size()];
      chunk += '\n';
    }
    if (!chunk.empty()) bench::send_all(fd, chunk);
    if (Clock::now() >= next_probe) {
      const std::string ip =
          "100.64." + std::to_string(probe / 250) + "." + std::to_string(probe % 250 + 1);
      const std::string secret = "reuse-probe-" + std::to_string(probe);
      bench::send_all(fd, maker.credential("probe-a", "ftp", "admin", secret, ip) + "\n");
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      const auto second = maker.credential("probe-b", "pop3", "admin", secret, ip) + "\n";
      {
        std::lock_guard lock(mu);
        sent[ip] = Clock::now();
      }
      bench::send_all(fd, second);
      ++probe;
      next_probe += std::chrono::milliseconds(20);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    {
      std::lock_guard lock(mu);
      if (sent.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::close(fd);
  std::lock_guard lock(mu);
  if (!sent.empty()) std::fprintf(stderr, "%zu reuse probes never reported\n", sent.size());
  return latencies;
}

}  // namespace

int main(int argc, char** argv) {
  // --quick: a fifth of the lines; --e2e: only the end-to-end figure (for profiling).
  // --reuse: only the reuse latency at 20,000 lines/s; --ttp: only the tagger's cost;
  // --identity: only the identity worker's.
  bool quick = false, e2e_only = false, reuse_only = false, ttp_only = false, identity_only = false;
  for (int i = 1; i < argc; ++i) {
    quick = quick || std::string(argv[i]) == "--quick";
    e2e_only = e2e_only || std::string(argv[i]) == "--e2e";
    reuse_only = reuse_only || std::string(argv[i]) == "--reuse";
    ttp_only = ttp_only || std::string(argv[i]) == "--ttp";
    identity_only = identity_only || std::string(argv[i]) == "--identity";
  }
  const std::size_t kLines = quick ? 200'000 : 1'000'000;
  const auto dir =
      std::filesystem::temp_directory_path() / ("decnet-bench-ingest-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  bench::FleetLineMaker maker({});
  std::vector<std::string> lines;
  lines.reserve(kLines);
  for (std::size_t i = 0; i < kLines; ++i) lines.push_back(maker.next());
  const auto stream = bench::joined(lines);

  if (std::find(argv + 1, argv + argc, std::string("--syslog-ng")) != argv + argc) {
    bench::report("ingest_syslog_ng_tcp_to_file", syslog_ng_lines_per_second(dir, stream, kLines),
                  "lines/s");
    std::filesystem::remove_all(dir);
    return 0;
  }
  if (e2e_only) {
    const bool profile =
        std::find(argv + 1, argv + argc, std::string("--no-profiler")) == argv + argc;
    bench::report("ingest_end_to_end",
                  end_to_end_lines_per_second(dir / "e2e.db", stream, kLines, profile), "lines/s");
    std::filesystem::remove_all(dir);
    return 0;
  }
  if (ttp_only) {
    report_tagging_cost(dir, stream, kLines);
    std::filesystem::remove_all(dir);
    return 0;
  }
  if (identity_only) {
    report_identity_cost(dir, stream, kLines);
    std::filesystem::remove_all(dir);
    return 0;
  }
  if (reuse_only) {
    const auto latencies = reuse_latencies(dir / "reuse.db", lines, 20'000, quick ? 100 : 300);
    bench::report("ingest_reuse_latency_p50", bench::percentile(latencies, 0.5), "ms");
    bench::report("ingest_reuse_latency_p99", bench::percentile(latencies, 0.99), "ms");
    std::filesystem::remove_all(dir);
    return 0;
  }
  bench::report("ingest_raw_tcp_read", raw_tcp_lines_per_second(stream, kLines), "lines/s");
  bench::report("ingest_bare_sqlite_insert", bare_sqlite_lines_per_second(dir / "bare.db", lines),
                "lines/s");
  const double ours = end_to_end_lines_per_second(dir / "e2e.db", stream, kLines);
  bench::report("ingest_end_to_end", ours, "lines/s");
  const double theirs = syslog_ng_lines_per_second(dir, stream, kLines);
  bench::report("ingest_syslog_ng_tcp_to_file", theirs, "lines/s");
  bench::report("ingest_vs_syslog_ng", theirs > 0 ? ours / theirs : 0, "x");
  // The profiler (sessions, behaviour, score) is on in `decnet serve` and in the figures above;
  // its cost is the same stream with and without it.
  bench::report_best_of_two("profiler_ingest", "off", "on", "ratio", [&](bool on, int round) {
    const auto db = dir / ("profiler-" + std::to_string(round) + (on ? "-on.db" : "-off.db"));
    const double rate = end_to_end_lines_per_second(db, stream, kLines, on);
    std::filesystem::remove(db);
    return rate;
  });
  // The ATT&CK tagger is on in `decnet serve` too, but not in the figures above (they predate it):
  // its cost is measured here on its own.
  report_tagging_cost(dir, stream, kLines);
  report_identity_cost(dir, stream, kLines);
  const auto latencies = reuse_latencies(dir / "reuse.db", lines, 20'000, quick ? 100 : 300);
  bench::report("ingest_reuse_latency_p50", bench::percentile(latencies, 0.5), "ms");
  bench::report("ingest_reuse_latency_p99", bench::percentile(latencies, 0.99), "ms");
  // Five times the rate: where the writer's headroom ends, latency is what grows.
  const auto fast = reuse_latencies(dir / "reuse-100k.db", lines, 100'000, quick ? 100 : 300);
  bench::report("ingest_reuse_latency_p50_100k", bench::percentile(fast, 0.5), "ms");
  bench::report("ingest_reuse_latency_p99_100k", bench::percentile(fast, 0.99), "ms");
  std::filesystem::remove_all(dir);
  return 0;
}
