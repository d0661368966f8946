// The enrichment worker: fills in an attacker's country, AS and PTR name, off the ingest path.
// It wakes on attacker.observed, and at start and every backfill interval picks up attackers not
// looked at yet (a missed event, a restart, a database written by another process). Country and
// AS come from in-memory tables, so a flood of new attackers costs one UPDATE each, written in
// batches; reverse DNS and RPKI origin validation (which ask outside services) run on a few
// threads of their own with timeouts — reverse DNS once per address (ptr_checked_at) — and
// never for non-public addresses. When the table files change (an import
// by `decnet geoip refresh`), the tables are rebuilt on the side and swapped in: lookups never
// stop.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "bus/bus.h"
#include "core/component.h"
#include "core/dns.h"
#include "core/log_limiter.h"
#include "enrich/asn_table.h"
#include "enrich/geoip.h"
#include "enrich/mmdb_database.h"
#include "enrich/rpki_validator.h"
#include "store/attacker_repository.h"
#include "store/repository.h"

namespace decnet::enrich {

struct EnrichmentOptions {
  bool geoip = true;
  bool asn = true;
  bool ptr = true;
  bool rpki = true;
  RpkiOptions rpki_options;
  std::filesystem::path geoip_root;  // RIR delegated files
  std::filesystem::path asn_root;    // iptoasn TSV files
  std::filesystem::path geoip_mmdb;  // when set, countries come from this .mmdb instead
  std::filesystem::path asn_mmdb;    // when set, AS numbers come from this .mmdb instead
  core::DnsOptions dns;
  std::size_t side_threads = 4;     // reverse DNS and RPKI
  std::size_t side_queue = 10'000;  // attackers waiting for them; more are counted and skipped
  std::size_t batch = 2000;         // attackers per write
  std::chrono::milliseconds backfill_interval = std::chrono::seconds(60);
};

struct EnrichmentCounters {
  std::atomic<std::uint64_t> enriched{0};
  std::atomic<std::uint64_t> countries{0};
  std::atomic<std::uint64_t> asns{0};
  std::atomic<std::uint64_t> ptr_lookups{0};
  std::atomic<std::uint64_t> ptr_names{0};
  std::atomic<std::uint64_t> rpki_statuses{0};
  std::atomic<std::uint64_t> side_skipped{0};  // queue full
};

class EnrichmentWorker final : public core::Component {
 public:
  EnrichmentWorker(store::Repository& repo, bus::Bus& bus, EnrichmentOptions options);
  ~EnrichmentWorker() override;

  std::string name() const override { return "enrich"; }
  // Loads the tables (missing files leave a table empty, with a warning) and starts the threads.
  void start() override;
  void stop() override;
  nlohmann::json health() const override;

  // Country, AS and source fields for one address (no database access).
  store::AttackerEnrichment enrich(const store::AttackerAddress& attacker) const;
  const EnrichmentCounters& counters() const { return counters_; }

 private:
  void run();
  // A new attacker's outside lookups: its PTR name, and its prefix's origin validity.
  struct SideWork {
    store::AttackerAddress attacker;
    std::optional<std::int64_t> asn;
    std::optional<std::string> prefix;
  };
  void run_side();
  void look_up_ptr(const store::AttackerAddress& attacker);
  // Rebuilds a table whose files changed since it was loaded (all of them at start).
  void load_tables();
  void write(const std::vector<store::AttackerAddress>& batch);

  store::Repository& repo_;
  bus::Bus& bus_;
  const EnrichmentOptions options_;
  std::shared_ptr<const MmdbDatabase> geoip_mmdb_;
  std::shared_ptr<const MmdbDatabase> asn_mmdb_;
  std::shared_ptr<const GeoIpTable> geoip_;  // swapped under mu_
  std::shared_ptr<const AsnTable> asn_;
  std::optional<std::uint64_t> geoip_files_;  // signature of the files the tables came from
  std::optional<std::uint64_t> asn_files_;
  EnrichmentCounters counters_;
  core::LogLimiter failures_;  // a full disk fails every attacker alike: one line a second
  bus::Subscription observed_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable side_wake_;
  std::deque<store::AttackerAddress> queue_;
  std::deque<SideWork> side_queue_;
  std::unique_ptr<RpkiValidator> rpki_;
  bool stopping_ = false;
  std::thread thread_;
  std::vector<std::thread> side_threads_;
};

}  // namespace decnet::enrich
