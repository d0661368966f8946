#include "enrich/enrichment_worker.h"

#include <spdlog/spdlog.h>

#include "bus/topics.h"
#include "core/time.h"
#include "enrich/table_files.h"

namespace decnet::enrich {

EnrichmentWorker::EnrichmentWorker(store::Repository& repo, bus::Bus& bus,
                                   EnrichmentOptions options)
    : repo_(repo), bus_(bus), options_(std::move(options)) {}

EnrichmentWorker::~EnrichmentWorker() {
  stop();
}

void EnrichmentWorker::load_tables() {
  const auto open_mmdb = [](const std::filesystem::path& path, const char* what) {
    std::shared_ptr<const MmdbDatabase> db;
    try {
      db = std::make_shared<MmdbDatabase>(path);
      spdlog::info("enrich: {} from {}", what, path.string());
    } catch (const std::exception& e) {
      spdlog::warn("enrich: {}", e.what());
    }
    return db;
  };
  if (options_.geoip && !options_.geoip_mmdb.empty()) {
    if (!geoip_mmdb_) {
      auto db = open_mmdb(options_.geoip_mmdb, "countries");
      std::lock_guard lock(mu_);
      geoip_mmdb_ = std::move(db);
    }
  } else if (options_.geoip) {
    const auto files = files_signature(options_.geoip_root);
    if (files != geoip_files_) {
      auto table = std::make_shared<GeoIpTable>(GeoIpTable::load_dir(options_.geoip_root));
      if (table->v4_ranges() + table->v6_ranges() == 0) {
        spdlog::warn("enrich: no RIR delegated files in {}; countries stay unknown",
                     options_.geoip_root.string());
      } else {
        spdlog::info("enrich: GeoIP table holds {} IPv4 and {} IPv6 ranges", table->v4_ranges(),
                     table->v6_ranges());
      }
      std::lock_guard lock(mu_);
      geoip_ = std::move(table);
      geoip_files_ = files;
    }
  }
  if (options_.asn && !options_.asn_mmdb.empty()) {
    if (!asn_mmdb_) {
      auto db = open_mmdb(options_.asn_mmdb, "AS numbers");
      std::lock_guard lock(mu_);
      asn_mmdb_ = std::move(db);
    }
  } else if (options_.asn) {
    const auto files = files_signature(options_.asn_root);
    if (files != asn_files_) {
      try {
        auto table = std::make_shared<AsnTable>(AsnTable::load_dir(options_.asn_root));
        if (table->ranges() == 0) {
          spdlog::warn("enrich: no iptoasn files in {}; AS numbers stay unknown",
                       options_.asn_root.string());
        } else {
          spdlog::info("enrich: AS table holds {} ranges", table->ranges());
        }
        std::lock_guard lock(mu_);
        asn_ = std::move(table);
        asn_files_ = files;
      } catch (const std::exception& e) {
        spdlog::warn("enrich: cannot read the iptoasn files: {}", e.what());
      }
    }
  }
}

void EnrichmentWorker::start() {
  load_tables();
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  observed_ = bus_.subscribe(
      bus::topics::kAttackerObservedTopic,
      [this](const bus::Event& e) {
        const auto uuid = e.payload.value("attacker_uuid", "");
        const auto ip = e.payload.value("attacker_ip", "");
        if (uuid.empty() || ip.empty()) return;
        std::lock_guard lock(mu_);
        queue_.push_back({uuid, ip});
        wake_.notify_one();
      },
      {.name = "enrich", .queue_capacity = 65'536, .overflow = bus::Overflow::kDropNewest});
  thread_ = std::thread([this] { run(); });
  if (options_.rpki) rpki_ = std::make_unique<RpkiValidator>(options_.rpki_options);
  if (options_.ptr || options_.rpki) {
    for (std::size_t i = 0; i < options_.side_threads; ++i) {
      side_threads_.emplace_back([this] { run_side(); });
    }
  }
}

void EnrichmentWorker::stop() {
  observed_.unsubscribe();
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  side_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& t : side_threads_) t.join();
  side_threads_.clear();
}

nlohmann::json EnrichmentWorker::health() const {
  std::lock_guard lock(mu_);
  return {{"enriched", counters_.enriched.load()},
          {"countries", counters_.countries.load()},
          {"asns", counters_.asns.load()},
          {"ptr_lookups", counters_.ptr_lookups.load()},
          {"ptr_names", counters_.ptr_names.load()},
          {"rpki_statuses", counters_.rpki_statuses.load()},
          {"side_skipped", counters_.side_skipped.load()},
          {"queued", queue_.size()},
          {"side_queued", side_queue_.size()}};
}

store::AttackerEnrichment EnrichmentWorker::enrich(const store::AttackerAddress& a) const {
  std::shared_ptr<const GeoIpTable> geoip;
  std::shared_ptr<const AsnTable> asn;
  std::shared_ptr<const MmdbDatabase> geoip_mmdb;
  std::shared_ptr<const MmdbDatabase> asn_mmdb;
  {
    std::lock_guard lock(mu_);
    geoip = geoip_;
    asn = asn_;
    geoip_mmdb = geoip_mmdb_;
    asn_mmdb = asn_mmdb_;
  }
  store::AttackerEnrichment out;
  out.uuid = a.uuid;
  out.enriched_at = core::now_micros();
  const auto ip = core::IpAddress::parse(a.ip);
  if (!ip) return out;
  if (geoip_mmdb) {
    if (auto cc = geoip_mmdb->country(*ip)) {
      out.country_code = std::move(cc);
      out.country_source = "mmdb";
    }
  } else if (geoip) {
    if (auto cc = geoip->country(*ip)) {
      out.country_code = std::move(cc);
      out.country_source = "rir";
    }
  }
  std::optional<AsnInfo> info;
  const char* asn_source = "iptoasn";
  if (asn_mmdb) {
    info = asn_mmdb->asn(*ip);
    asn_source = "mmdb";
  } else if (asn) {
    info = asn->lookup(*ip);
  }
  if (info) {
    out.asn = info->asn;
    if (!info->name.empty()) out.as_name = info->name.substr(0, 128);
    if (!info->prefix.empty()) out.bgp_prefix = info->prefix;
    out.asn_source = asn_source;
  }
  return out;
}

void EnrichmentWorker::write(const std::vector<store::AttackerAddress>& batch) {
  std::vector<store::AttackerEnrichment> rows;
  rows.reserve(batch.size());
  for (const auto& a : batch) rows.push_back(enrich(a));
  // An attacker can arrive twice (its event and a backfill page); only the first write counts.
  const auto written = repo_.write_now([&](store::WriteScope& scope) {
    std::vector<bool> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(repo_.attackers().set_enrichment(scope, r));
    return out;
  });
  std::lock_guard lock(mu_);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!written[i]) continue;
    ++counters_.enriched;
    counters_.countries += rows[i].country_code.has_value();
    counters_.asns += rows[i].asn.has_value();
    if (!options_.ptr && !options_.rpki) continue;
    const auto ip = core::IpAddress::parse(batch[i].ip);
    if (!ip || !core::is_public(ip->unmapped())) continue;
    if (side_queue_.size() >= options_.side_queue) {
      ++counters_.side_skipped;
      continue;
    }
    side_queue_.push_back({batch[i], rows[i].asn, rows[i].bgp_prefix});
  }
  side_wake_.notify_all();
}

void EnrichmentWorker::run() {
  auto next_backfill = std::chrono::steady_clock::now();  // at once, then every interval
  while (true) {
    std::vector<store::AttackerAddress> batch;
    bool backfill = false;
    {
      std::unique_lock lock(mu_);
      wake_.wait_until(lock, next_backfill, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      while (!queue_.empty() && batch.size() < options_.batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      backfill = std::chrono::steady_clock::now() >= next_backfill;
    }
    try {
      if (backfill) {
        next_backfill = std::chrono::steady_clock::now() + options_.backfill_interval;
        load_tables();
        // The event path covers new attackers; this catches everything else, a page at a time.
        while (true) {
          const auto page =
              repo_.attackers().list_unenriched(static_cast<std::int64_t>(options_.batch));
          if (page.empty()) break;
          write(page);
          std::lock_guard lock(mu_);
          if (stopping_) return;
        }
      }
      if (!batch.empty()) write(batch);
    } catch (const std::exception& e) {
      failures_.error("enrich: writing enrichment failed: {}", e.what());
    }
  }
}

void EnrichmentWorker::run_side() {
  while (true) {
    SideWork work;
    {
      std::unique_lock lock(mu_);
      side_wake_.wait(lock, [&] { return stopping_ || !side_queue_.empty(); });
      if (stopping_) return;
      work = std::move(side_queue_.front());
      side_queue_.pop_front();
    }
    if (options_.ptr) look_up_ptr(work.attacker);
    if (rpki_ && work.asn && work.prefix) {
      const auto status = rpki_->validate(*work.prefix, *work.asn);
      if (!status) continue;
      ++counters_.rpki_statuses;
      try {
        repo_.write_now([&](store::WriteScope& scope) {
          repo_.attackers().set_rpki(scope, work.attacker.uuid, *status, "ripestat");
        });
      } catch (const std::exception& e) {
        failures_.warn("enrich: storing the RPKI status of {} failed: {}", work.attacker.ip,
                       e.what());
      }
    }
  }
}

void EnrichmentWorker::look_up_ptr(const store::AttackerAddress& a) {
  const auto ip = core::IpAddress::parse(a.ip);
  if (!ip) return;
  try {
    const bool mine = repo_.write_now([&](store::WriteScope& scope) {
      return repo_.attackers().claim_ptr_check(scope, a.uuid, core::now_micros());
    });
    if (!mine) return;  // checked before (another pass, an earlier run, another process)
    ++counters_.ptr_lookups;
    auto name = core::reverse_lookup(*ip, options_.dns);
    if (!name) return;
    if (name->size() > 256) name->resize(256);
    ++counters_.ptr_names;
    repo_.write_now(
        [&](store::WriteScope& scope) { repo_.attackers().set_ptr(scope, a.uuid, name); });
  } catch (const std::exception& e) {
    failures_.warn("enrich: reverse DNS of {} failed: {}", a.ip, e.what());
  }
}

}  // namespace decnet::enrich
