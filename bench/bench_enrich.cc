// Offline GeoIP lookups over a full-size table: 250,000 IPv4 ranges in the RIR delegated format,
// parsed and built by GeoIpTable, then random public addresses looked up on one core. Printed
// beside it, as the reference, is std::upper_bound over the same sorted starts (the reference's
// bisect, in C++).
//
// Then ingest end to end (fleet stream over TCP into SQLite) with 100,000 distinct attacker
// addresses, without the enrichment worker and with it enriching every new attacker from the
// same full-size table (reverse DNS and RPKI off: no outside service is reachable here). Best of
// two runs each.
#include <algorithm>
#include <random>
#include <vector>

#include "bench_support.h"
#include "enrich/enrichment_worker.h"
#include "enrich/geoip.h"
#include "fleet_lines.h"
#include "ingest_harness.h"

using namespace decnet;
using Clock = std::chrono::steady_clock;

namespace {

double ingest_rate(const std::filesystem::path& db, const std::string& stream, std::size_t lines,
                   const std::filesystem::path* geoip_root) {
  bench::IngestStack stack(db);
  std::unique_ptr<enrich::EnrichmentWorker> worker;
  if (geoip_root) {
    enrich::EnrichmentOptions options;
    options.geoip_root = *geoip_root;
    options.asn_root = *geoip_root;
    options.ptr = false;
    options.rpki = false;
    worker = std::make_unique<enrich::EnrichmentWorker>(*stack.repo, stack.bus, options);
    worker->start();
  }
  const double rate = bench::committed_lines_per_second(stack, stream, lines);
  if (worker) {
    std::fprintf(stderr, "enriched during the run: %llu\n",
                 static_cast<unsigned long long>(worker->counters().enriched.load()));
    worker->stop();
  }
  return rate;
}

}  // namespace

int main() {
  constexpr std::size_t kRanges = 250'000;
  constexpr std::size_t kLookups = 20'000'000;
  std::mt19937 rng(7);
  // Disjoint ranges of 256 to 16384 addresses spread over the unicast space.
  std::vector<std::uint32_t> starts;
  std::uint32_t cursor = 0x01000000;
  std::string text;
  const char* countries[] = {"US", "DE", "CN", "BR", "RU", "FR", "GB", "JP", "IN", "NL"};
  for (std::size_t i = 0; i < kRanges; ++i) {
    const std::uint32_t size = 256u << (rng() % 7);
    starts.push_back(cursor);
    const auto ip = core::IpAddress::from_v4(cursor);
    cursor += size * (1 + rng() % 3);
    text += "ripencc|" + std::string(countries[rng() % 10]) + "|ipv4|" + ip.str() + "|" +
            std::to_string(size) + "|20200101|allocated\n";
  }
  enrich::GeoIpTable table;
  const auto build_start = Clock::now();
  table.add_delegations(text);
  table.finish();
  bench::report("enrich_geoip_build", bench::seconds_since(build_start) * 1000, "ms");
  std::vector<std::uint32_t> queries(1 << 20);
  for (auto& q : queries) q = 0x01000000 + rng() % (cursor - 0x01000000);

  std::size_t hits = 0;
  auto start = Clock::now();
  for (std::size_t i = 0; i < kLookups; ++i) {
    hits += table.country_v4(queries[i & (queries.size() - 1)]) != nullptr;
  }
  const double ours = kLookups / bench::seconds_since(start);

  std::size_t ref_hits = 0;
  start = Clock::now();
  for (std::size_t i = 0; i < kLookups; ++i) {
    const auto q = queries[i & (queries.size() - 1)];
    const auto it = std::upper_bound(starts.begin(), starts.end(), q);
    ref_hits += it != starts.begin();
  }
  const double reference = kLookups / bench::seconds_since(start);
  if (hits == 0 || ref_hits == 0) std::fprintf(stderr, "no hits?\n");
  bench::report("enrich_geoip_ranges", static_cast<double>(table.v4_ranges()), "ranges");
  bench::report("enrich_geoip_lookups", ours, "lookups/s");
  bench::report("enrich_geoip_upper_bound_reference", reference, "lookups/s");

  const auto dir = std::filesystem::temp_directory_path() /
                   ("decnet-bench-enrich-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "tables");
  {
    std::FILE* f = std::fopen((dir / "tables" / "ripe.txt").c_str(), "w");
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  constexpr std::size_t kLines = 300'000;
  bench::FleetLineMaker maker({.attackers = 100'000});
  std::vector<std::string> fleet;
  for (std::size_t i = 0; i < kLines; ++i) fleet.push_back(maker.next());
  const auto stream = bench::joined(fleet);
  const auto tables = dir / "tables";
  bench::report_best_of_two(
      "enrich_ingest", "without_worker", "with_worker", "ratio", [&](bool with, int round) {
        const auto db = dir / ((with ? "on" : "off") + std::to_string(round) + ".db");
        return ingest_rate(db, stream, kLines, with ? &tables : nullptr);
      });
  std::filesystem::remove_all(dir);
  return 0;
}
