// Storage figures. Bulk insert of realistic `logs` rows through the repository (group commit,
// cached statements) against a bare SQLite prepared-insert loop of the same rows into the same
// schema, in the same run. Then, with 1,000,000 attackers and 10,000,000 logs loaded, the
// latency of the queries the dashboard makes most: the attackers page, credential attempts for
// one secret, and one attacker's detail. Finally the steady state: the ingest benchmark's fleet
// stream sent into that loaded database, its rate beside the rate into an empty one (same run),
// the process's peak memory meanwhile, and the same queries answered while ingest commits.
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "bench_support.h"
#include "core/hash.h"
#include "fleet_lines.h"
#include "ingest_harness.h"
#include "store/attacker_repository.h"
#include "store/credential_repository.h"
#include "store/log_repository.h"
#include "store/sqlite/engine.h"
#include "store/sqlite/sqlite_repository.h"
#include "store/state_repository.h"

using namespace decnet;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::int64_t kT0 = 1'780'000'000'000'000;

std::string ip_of(std::uint32_t n) {
  return std::to_string(1 + (n >> 24) % 223) + "." + std::to_string((n >> 16) & 255) + "." +
         std::to_string((n >> 8) & 255) + "." + std::to_string(n & 255);
}

// `ids`, when given, are the attackers' keys by index: the rows then belong to their attackers.
std::vector<store::LogRecord> make_logs(std::size_t n, std::uint32_t attackers, std::mt19937& rng,
                                        const std::vector<std::int64_t>* ids = nullptr) {
  static const char* kServices[] = {"ssh", "ftp", "http",  "smtp",   "mysql",
                                    "rdp", "smb", "redis", "telnet", "postgres"};
  static const char* kEvents[] = {"connect",    "auth_attempt", "command", "request",
                                  "disconnect", "rcpt_to",      "auth"};
  std::vector<store::LogRecord> rows;
  rows.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    store::LogRecord r;
    r.timestamp = kT0 + static_cast<std::int64_t>(i) * 1000;
    r.received_at = r.timestamp + 150;
    r.decky = "decky-" + std::to_string(rng() % 50);
    r.service = kServices[rng() % 10];
    r.event_type = kEvents[rng() % 7];
    const std::uint32_t attacker = rng() % attackers;
    r.attacker_ip = ip_of(attacker * 2654435761u);
    if (ids) r.attacker_id = (*ids)[attacker];
    r.raw_line = "<134>1 2026-05-02T06:22:48.089309+00:00 " + r.decky + " " + r.service + " - " +
                 r.event_type + " [relay@55555 username=\"root\" principal=\"root\" src_ip=\"" +
                 *r.attacker_ip + "\" src_port=\"51234\" secret_printable=\"admin123\"]";
    r.fields = R"({"username":"root","principal":"root","src_ip":")" + *r.attacker_ip +
               R"(","src_port":"51234","secret_printable":"admin123"})";
    rows.push_back(std::move(r));
  }
  return rows;
}

double bare_sqlite_insert(const std::filesystem::path& path,
                          const std::vector<store::LogRecord>& rows, std::size_t batch) {
  store::sqlite::Engine::migrate(path);
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr,
               nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO logs(timestamp, received_at, timestamp_estimated, decky, "
                     "service, event_type, attacker_ip, attacker_id, raw_line, fields, msg, "
                     "sd_other) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     -1, &stmt, nullptr);
  const auto start = Clock::now();
  for (std::size_t i = 0; i < rows.size(); i += batch) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (std::size_t j = i; j < std::min(rows.size(), i + batch); ++j) {
      const auto& r = rows[j];
      sqlite3_bind_int64(stmt, 1, r.timestamp);
      sqlite3_bind_int64(stmt, 2, r.received_at);
      sqlite3_bind_int64(stmt, 3, 0);
      sqlite3_bind_text(stmt, 4, r.decky.data(), static_cast<int>(r.decky.size()), SQLITE_STATIC);
      sqlite3_bind_text(stmt, 5, r.service.data(), static_cast<int>(r.service.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(stmt, 6, r.event_type.data(), static_cast<int>(r.event_type.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(stmt, 7, r.attacker_ip->data(), static_cast<int>(r.attacker_ip->size()),
                        SQLITE_STATIC);
      sqlite3_bind_null(stmt, 8);
      sqlite3_bind_text(stmt, 9, r.raw_line.data(), static_cast<int>(r.raw_line.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(stmt, 10, r.fields.data(), static_cast<int>(r.fields.size()),
                        SQLITE_STATIC);
      sqlite3_bind_null(stmt, 11);
      sqlite3_bind_null(stmt, 12);
      sqlite3_step(stmt);
      sqlite3_reset(stmt);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  const double seconds = bench::seconds_since(start);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return static_cast<double>(rows.size()) / seconds;
}

double repository_insert(store::Repository& repo, const std::vector<store::LogRecord>& rows,
                         std::size_t batch) {
  const auto start = Clock::now();
  std::vector<std::future<std::int64_t>> pending;
  for (std::size_t i = 0; i < rows.size(); i += batch) {
    const auto span = std::span(rows).subspan(i, std::min(batch, rows.size() - i));
    pending.push_back(
        repo.write([&repo, span](store::WriteScope& w) { return repo.logs().insert(w, span); }));
    if (pending.size() > 2) {
      pending.front().get();
      pending.erase(pending.begin());
    }
  }
  for (auto& f : pending) f.get();
  return static_cast<double>(rows.size()) / bench::seconds_since(start);
}

// The kernel's figure for this process, in MiB: VmRSS now or VmHWM (peak since the last reset).
double status_mib(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1)) / 1024.0;
  }
  return 0;
}

// Resets VmHWM to the current RSS (Linux's clear_refs "5").
void reset_peak_rss() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

template <typename Fn>
std::vector<double> time_queries(int n, Fn&& fn) {
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    const auto start = Clock::now();
    fn(i);
    ms.push_back(bench::seconds_since(start) * 1000);
  }
  return ms;
}

// The fleet stream into an empty database and into the loaded one (same run, same stream), with
// the dashboard's queries timed on their own read connections while the loaded one ingests.
void steady_state(const std::filesystem::path& dir, const std::vector<std::string>& uuids,
                  bool quick) {
  const std::size_t kLines = quick ? 200'000 : 1'000'000;
  bench::FleetLineMaker maker({});
  std::string stream;
  for (std::size_t i = 0; i < kLines; ++i) {
    stream += maker.next();
    stream += '\n';
  }
  {
    bench::IngestStack empty(dir / "empty.db");
    bench::report("ingest_end_to_end_empty_db",
                  bench::committed_lines_per_second(empty, stream, kLines), "lines/s");
  }
  std::filesystem::remove(dir / "empty.db");
  const double before = status_mib("VmRSS");
  reset_peak_rss();
  bench::IngestStack stack(dir / "loaded.db");
  std::atomic<bool> ingesting{true};
  std::vector<double> page_ms, detail_ms, secret_ms;
  std::thread reader([&] {
    std::mt19937 rng(7);
    auto& repo = *stack.repo;
    for (int i = 0; ingesting; ++i) {
      auto start = Clock::now();
      store::AttackerQuery q;
      q.page = {50, (i % 20) * 50};
      repo.attackers().list(q);
      page_ms.push_back(bench::seconds_since(start) * 1000);
      start = Clock::now();
      repo.credentials().get_credential_attempts_for_secret(
          core::sha256_hex(std::to_string(rng() % 5000)));
      secret_ms.push_back(bench::seconds_since(start) * 1000);
      start = Clock::now();
      const auto& uuid = uuids[rng() % uuids.size()];
      repo.attackers().get(uuid);
      repo.attackers().targets(uuid);
      store::CredentialQuery cq;
      cq.attacker_uuid = uuid;
      repo.credentials().list(cq);
      repo.credential_reuse().list_for_attacker(uuid);
      store::LogQuery lq;
      lq.attacker_uuid = uuid;
      lq.page = {50, 0};
      repo.logs().list(lq);
      detail_ms.push_back(bench::seconds_since(start) * 1000);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  const double rate = bench::committed_lines_per_second(stack, stream, kLines);
  ingesting = false;
  reader.join();
  bench::report("ingest_end_to_end_at_10m", rate, "lines/s");
  bench::report("ingest_peak_rss_mb", status_mib("VmHWM"), "MiB");
  std::fprintf(stderr,
               "(RSS before the ingest stack started: %.0f MiB, %zu MiB of it the stream)\n",
               before, stream.size() >> 20);
  bench::report("store_attackers_page_p99_during_ingest", bench::percentile(page_ms, 0.99), "ms");
  bench::report("store_attacker_detail_p99_during_ingest", bench::percentile(detail_ms, 0.99),
                "ms");
  bench::report("store_credential_attempts_p99_during_ingest", bench::percentile(secret_ms, 0.99),
                "ms");
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const bool quick = mode == "--quick";
  const auto dir =
      std::filesystem::temp_directory_path() / ("decnet-bench-store-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::mt19937 rng(42);
  constexpr std::size_t kBatch = 10000;

  {
    // Alternate the two, best of three each, so background noise hits both alike.
    const auto rows = make_logs(quick ? 200'000 : 1'000'000, 100'000, rng);
    double bare = 0, ours = 0;
    for (int round = 0; round < 3; ++round) {
      const auto suffix = std::to_string(round) + ".db";
      bare = std::max(bare, bare_sqlite_insert(dir / ("bare" + suffix), rows, kBatch));
      auto repo = store::sqlite::open_sqlite_repository({.path = dir / ("repo" + suffix)});
      ours = std::max(ours, repository_insert(*repo, rows, kBatch));
      repo->close();
    }
    bench::report("store_logs_insert_bare_sqlite", bare, "rows/s");
    bench::report("store_logs_insert_repository", ours, "rows/s");
    bench::report("store_logs_insert_ratio", ours / bare, "x");
  }

  if (mode == "--insert-only") {
    std::filesystem::remove_all(dir);
    return 0;
  }
  const std::uint32_t attackers = quick ? 100'000 : 1'000'000;
  const std::size_t logs = quick ? 1'000'000 : 10'000'000;
  auto repo = store::sqlite::open_sqlite_repository({.path = dir / "loaded.db"});
  std::vector<std::string> uuids;
  std::vector<std::int64_t> ids;
  {
    const auto start = Clock::now();
    for (std::uint32_t i = 0; i < attackers; i += 5000) {
      auto made = repo->write_now([&](store::WriteScope& w) {
        std::vector<store::ActivityResult> out;
        for (std::uint32_t j = i; j < std::min(attackers, i + 5000); ++j) {
          const auto ts = kT0 + static_cast<std::int64_t>(rng() % 86'400'000) * 1000;
          store::AttackerActivity a{ip_of(j * 2654435761u),
                                    ts,
                                    ts,
                                    static_cast<std::int64_t>(1 + rng() % 50),
                                    0,
                                    {{"decky-" + std::to_string(j % 50), "ssh", ts, ts, 1}}};
          out.push_back(repo->attackers().record_activity(w, a));
        }
        return out;
      });
      for (const auto& m : made) {
        uuids.push_back(m.uuid);
        ids.push_back(m.id);
      }
    }
    for (std::size_t i = 0; i < logs; i += 100'000) {
      const auto rows = make_logs(std::min<std::size_t>(100'000, logs - i), attackers, rng, &ids);
      repo->write_now([&](store::WriteScope& w) { return repo->logs().insert(w, rows); });
    }
    for (int i = 0; i < 20000; ++i) {
      store::CredentialAttempt c;
      c.attacker_ip = ip_of((rng() % attackers) * 2654435761u);
      c.attacker_uuid = uuids[rng() % uuids.size()];
      c.decky_name = "decky-" + std::to_string(rng() % 50);
      c.service = "ssh";
      c.principal = "root";
      c.secret_sha256 = core::sha256_hex(std::to_string(rng() % 5000));
      c.seen_at = kT0;
      repo->write_now([&](store::WriteScope& w) { return repo->credentials().upsert(w, c); });
    }
    std::fprintf(stderr, "loaded %u attackers, %zu logs in %.0f s\n", attackers, logs,
                 bench::seconds_since(start));
  }

  const auto page_ms = time_queries(500, [&](int i) {
    store::AttackerQuery q;
    q.page = {50, (i % 20) * 50};
    repo->attackers().list(q);
  });
  bench::report("store_attackers_page_p50", bench::percentile(page_ms, 0.5), "ms");
  bench::report("store_attackers_page_p99", bench::percentile(page_ms, 0.99), "ms");
  const auto secret_ms = time_queries(500, [&](int) {
    repo->credentials().get_credential_attempts_for_secret(
        core::sha256_hex(std::to_string(rng() % 5000)));
  });
  bench::report("store_credential_attempts_p99", bench::percentile(secret_ms, 0.99), "ms");
  const auto detail_ms = time_queries(500, [&](int) {
    const auto& uuid = uuids[rng() % uuids.size()];
    repo->attackers().get(uuid);
    repo->attackers().targets(uuid);
    store::CredentialQuery cq;
    cq.attacker_uuid = uuid;
    repo->credentials().list(cq);
    repo->credential_reuse().list_for_attacker(uuid);
    store::LogQuery lq;
    lq.attacker_uuid = uuid;
    lq.page = {50, 0};
    repo->logs().list(lq);
  });
  bench::report("store_attacker_detail_p99", bench::percentile(detail_ms, 0.99), "ms");
  // The rows were loaded straight into the tables; the mark tells the pipeline's start that the
  // attacker counters need no recount (what a database ingest made has).
  repo->write_now([&](store::WriteScope& w) {
    repo->state().put(w, ingest::AttackerLedger::kCountedThroughKey,
                      {{"log_id", repo->logs().last_id()}});
  });
  repo->close();
  steady_state(dir, uuids, quick);
  std::filesystem::remove_all(dir);
  return 0;
}
