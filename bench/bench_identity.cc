// Identities over a million attackers (a tenth with --quick), on a real SQLite database:
//   - identity_incremental_seconds: the identity worker placing the whole population as ingest
//     would hand it over (every attacker appearing, then its evidence), written and committed;
//   - identity_assign_p99 / _p50: one new attacker, with the JA3 of a known actor, from submit()
//     to its placement committed, beside sqlite_commit_p99 (one row inserted and committed on
//     the same database through a bare sqlite3 connection: the floor of any committed write);
//   - identity_rebuild_seconds: `decnet identities rebuild` over the same database, beside
//     identity_evidence_scan_seconds (reading the evidence table alone);
//   - identity_worker_rss_mib: the process's resident memory growth while the worker placed
//     everyone (its graph, and SQLite's page caches);
//   - identity_resolver_bytes_per_attacker: the graph's memory per attacker with evidence,
//     beside identity_uuid_map_bytes_per_attacker (a bare map of uuid to a 32-bit id).
// The population: actors of ten addresses sharing a JA3 and a HASSH (10% of attackers), botnet
// groups of five sharing a dropped file (5%), scanners with one of twenty common JA3s (30%, far
// over the common line, so they link nobody), scanners with a JA3 of their own (20%), and
// addresses with no evidence at all (35%).
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench_support.h"
#include "bus/inprocess_bus.h"
#include "identity/identity_worker.h"
#include "store/attacker_repository.h"
#include "store/sqlite/sqlite_repository.h"

using namespace decnet;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::int64_t kT0 = 1'780'000'000'000'000;
constexpr int kProbes = 2000;

std::string ip_of(std::uint32_t n) {
  return std::to_string(1 + (n >> 24) % 223) + "." + std::to_string((n >> 16) & 255) + "." +
         std::to_string((n >> 8) & 255) + "." + std::to_string(n & 255);
}

std::string hex(std::uint64_t seed, std::size_t digits) {
  static const char* kHex = "0123456789abcdef";
  std::mt19937_64 rng(seed);
  std::string out;
  while (out.size() < digits) out.push_back(kHex[rng() % 16]);
  return out;
}

double rss_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / 1048576.0;
}

std::vector<std::string> load_attackers(store::Repository& repo, std::uint32_t first,
                                        std::uint32_t count) {
  std::vector<std::string> uuids;
  uuids.reserve(count);
  for (std::uint32_t i = first; i < first + count; i += 5000) {
    repo.write_now([&](store::WriteScope& w) {
      for (std::uint32_t j = i; j < std::min(first + count, i + 5000); ++j) {
        const auto ts = kT0 + static_cast<std::int64_t>(j) * 1000;
        store::AttackerActivity a{ip_of(j * 2654435761u), ts, ts, 1, 0, {}};
        uuids.push_back(repo.attackers().record_activity(w, a).uuid);
      }
      return 0;
    });
  }
  return uuids;
}

// Attacker i's inputs: its appearance, then its evidence by population share.
void inputs_of(std::uint32_t i, const std::string& uuid, std::int64_t ts,
               std::vector<identity::IdentityInput>& out) {
  using identity::EvidenceKind;
  out.push_back({uuid, std::nullopt, {}, ts});
  const auto slot = i % 100;
  if (slot < 10) {  // an actor of ten addresses
    const std::uint64_t actor = i / 100;
    out.push_back({uuid, EvidenceKind::kJa3, hex(actor * 2 + 1, 32), ts});
    out.push_back({uuid, EvidenceKind::kHassh, hex(actor * 2 + 2, 32), ts});
  } else if (slot < 15) {  // a botnet of five sharing a loader
    out.push_back({uuid, EvidenceKind::kPayload, hex(1'000'000'000ULL + i / 500, 64), ts});
  } else if (slot < 45) {  // a common client
    out.push_back({uuid, EvidenceKind::kJa3, hex(2'000'000'000ULL + i % 20, 32), ts});
  } else if (slot < 65) {  // a client of its own
    out.push_back({uuid, EvidenceKind::kJa3, hex(3'000'000'000ULL + i, 32), ts});
  }
}

// The worker's memory per attacker with evidence: the same population fed to a resolver alone
// (jemalloc's count of allocated bytes), beside the least any map of attacker uuid to a 32-bit
// component costs (the floor).
void report_resolver_memory(std::uint32_t count) {
  std::vector<std::string> uuids;
  for (std::uint32_t i = 0; i < count; ++i) uuids.push_back(hex(5'000'000'000ULL + i, 36));
  const auto before = bench::allocated_bytes();
  std::size_t with_evidence = 0;
  {
    identity::IdentityResolver resolver;
    std::vector<identity::IdentityInput> in;
    for (std::uint32_t i = 0; i < count; ++i) {
      in.clear();
      inputs_of(i, uuids[i], kT0, in);
      for (const auto& input : in) {
        if (!input.kind) continue;
        identity::IdentityChanges changes;
        resolver.observe(input, std::nullopt, changes);
      }
    }
    with_evidence = resolver.graph().attacker_count();
    const auto bytes = bench::allocated_bytes() - before;
    bench::report("identity_resolver_bytes_per_attacker",
                  static_cast<double>(bytes) / static_cast<double>(with_evidence), "B");
  }
  const auto floor_before = bench::allocated_bytes();
  {
    std::unordered_map<std::string, std::uint32_t> floor;
    for (std::uint32_t i = 0; i < with_evidence; ++i) floor.emplace(uuids[i], i);
    bench::report("identity_uuid_map_bytes_per_attacker",
                  static_cast<double>(bench::allocated_bytes() - floor_before) /
                      static_cast<double>(with_evidence),
                  "B");
  }
}

double sqlite_commit_p99(const std::filesystem::path& db) {
  sqlite3* conn = nullptr;
  sqlite3_open(db.c_str(), &conn);
  sqlite3_busy_timeout(conn, 5000);
  sqlite3_exec(conn, "PRAGMA synchronous=NORMAL; CREATE TABLE IF NOT EXISTS bench_floor(v TEXT)",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(conn, "INSERT INTO bench_floor(v) VALUES (?)", -1, &insert, nullptr);
  std::vector<double> ms;
  for (int i = 0; i < kProbes; ++i) {
    const auto start = Clock::now();
    sqlite3_exec(conn, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    const auto v = hex(static_cast<std::uint64_t>(i), 36);
    sqlite3_bind_text(insert, 1, v.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(insert);
    sqlite3_reset(insert);
    sqlite3_exec(conn, "COMMIT", nullptr, nullptr, nullptr);
    ms.push_back(bench::seconds_since(start) * 1000);
  }
  sqlite3_finalize(insert);
  sqlite3_close(conn);
  return bench::percentile(ms, 0.99);
}

double evidence_scan_seconds(const std::filesystem::path& db) {
  sqlite3* conn = nullptr;
  sqlite3_open_v2(db.c_str(), &conn, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* scan = nullptr;
  sqlite3_prepare_v2(conn,
                     "SELECT a.uuid, a.identity_id, e.kind, e.value, e.first_seen, e.last_seen "
                     "FROM identity_evidence e JOIN attackers a ON a.id = e.attacker_id "
                     "ORDER BY e.attacker_id, e.kind, e.value",
                     -1, &scan, nullptr);
  const auto start = Clock::now();
  std::size_t rows = 0;
  while (sqlite3_step(scan) == SQLITE_ROW) ++rows;
  const double seconds = bench::seconds_since(start);
  sqlite3_finalize(scan);
  sqlite3_close(conn);
  std::fprintf(stderr, "identity_evidence: %zu rows\n", rows);
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  std::uint32_t kAttackers = quick ? 100'000 : 1'000'000;
  if (argc > 2) kAttackers = static_cast<std::uint32_t>(std::stoul(argv[2]));
  const auto dir = std::filesystem::temp_directory_path() /
                   ("decnet-bench-identity-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto db = dir / "identity.db";
  {
    auto repo = store::sqlite::open_sqlite_repository({.path = db});
    bus::InProcessBus bus;
    // Started first, as `decnet serve` starts it before ingest: the attackers are handed over
    // as they appear, not swept up.
    identity::IdentityWorker worker(*repo, bus);
    worker.start();
    auto start = Clock::now();
    const auto uuids = load_attackers(*repo, 0, kAttackers);
    std::fprintf(stderr, "loaded %u attackers in %.0f s\n", kAttackers,
                 bench::seconds_since(start));
    const double rss_before = rss_mib();
    start = Clock::now();
    std::vector<identity::IdentityInput> chunk;
    for (std::uint32_t i = 0; i < kAttackers; ++i) {
      inputs_of(i, uuids[i], kT0 + static_cast<std::int64_t>(i) * 1000, chunk);
      if (chunk.size() >= 50'000) {
        worker.submit(std::move(chunk));
        chunk.clear();
        worker.drain(std::chrono::minutes(10));
      }
    }
    worker.submit(std::move(chunk));
    worker.drain(std::chrono::minutes(10));
    bench::report("identity_incremental_seconds", bench::seconds_since(start), "s");
    bench::report("identity_worker_rss_mib", rss_mib() - rss_before, "MiB");
    const auto health = worker.health();
    std::fprintf(stderr, "worker: %s\n", health.dump().c_str());

    // New attackers, one at a time, each showing the JA3 of a known actor.
    const auto probes = load_attackers(*repo, kAttackers, kProbes);
    std::vector<double> ms;
    for (int p = 0; p < kProbes; ++p) {
      const auto actor = static_cast<std::uint64_t>(p) % (kAttackers / 100);
      std::vector<identity::IdentityInput> in{
          {probes[static_cast<std::size_t>(p)], std::nullopt, {}, kT0},
          {probes[static_cast<std::size_t>(p)], identity::EvidenceKind::kJa3,
           hex(actor * 2 + 1, 32), kT0}};
      const auto t = Clock::now();
      worker.submit(std::move(in));
      worker.drain(std::chrono::seconds(10));
      ms.push_back(bench::seconds_since(t) * 1000);
    }
    worker.stop();
    bench::report("identity_assign_p50", bench::percentile(ms, 0.5), "ms");
    bench::report("identity_assign_p99", bench::percentile(ms, 0.99), "ms");
    bench::report("sqlite_commit_p99", sqlite_commit_p99(db), "ms");

    start = Clock::now();
    const auto report = identity::rebuild_identities(*repo);
    bench::report("identity_rebuild_seconds", bench::seconds_since(start), "s");
    std::fprintf(stderr,
                 "rebuild: %zu attackers with evidence, %zu identities; created %zu merged %zu "
                 "unmerged %zu relinked %zu singletons %zu\n",
                 report.attackers, report.components, report.created, report.merged,
                 report.unmerged, report.relinked, report.singletons);
    repo->close();
  }
  bench::report("identity_evidence_scan_seconds", evidence_scan_seconds(db), "s");
  report_resolver_memory(kAttackers);
  std::filesystem::remove_all(dir);
  return 0;
}
