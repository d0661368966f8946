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
  if (options_.geoip) {
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
  if (options_.asn) {
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
  if (options_.ptr) {
    for (std::size_t i = 0; i < options_.ptr_threads; ++i) {
      ptr_threads_.emplace_back([this] { run_ptr(); });
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
  ptr_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& t : ptr_threads_) t.join();
  ptr_threads_.clear();
}

nlohmann::json EnrichmentWorker::health() const {
  std::lock_guard lock(mu_);
  return {{"enriched", counters_.enriched.load()},
          {"countries", counters_.countries.load()},
          {"asns", counters_.asns.load()},
          {"ptr_lookups", counters_.ptr_lookups.load()},
          {"ptr_names", counters_.ptr_names.load()},
          {"ptr_skipped", counters_.ptr_skipped.load()},
          {"queued", queue_.size()},
          {"ptr_queued", ptr_queue_.size()}};
}

store::AttackerEnrichment EnrichmentWorker::enrich(const store::AttackerAddress& a) const {
  std::shared_ptr<const GeoIpTable> geoip;
  std::shared_ptr<const AsnTable> asn;
  {
    std::lock_guard lock(mu_);
    geoip = geoip_;
    asn = asn_;
  }
  store::AttackerEnrichment out;
  out.uuid = a.uuid;
  out.enriched_at = core::now_micros();
  const auto ip = core::IpAddress::parse(a.ip);
  if (!ip) return out;
  if (geoip) {
    if (auto cc = geoip->country(*ip)) {
      out.country_code = std::move(cc);
      out.country_source = "rir";
    }
  }
  if (asn) {
    if (auto info = asn->lookup(*ip)) {
      out.asn = info->asn;
      if (!info->name.empty()) out.as_name = info->name.substr(0, 128);
      out.bgp_prefix = info->prefix;
      out.asn_source = "iptoasn";
    }
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
    if (!options_.ptr) continue;
    const auto ip = core::IpAddress::parse(batch[i].ip);
    if (!ip || !core::is_public(ip->unmapped())) continue;
    if (ptr_queue_.size() >= options_.ptr_queue) {
      ++counters_.ptr_skipped;
      continue;
    }
    ptr_queue_.push_back(batch[i]);
  }
  ptr_wake_.notify_all();
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
      spdlog::error("enrich: writing enrichment failed: {}", e.what());
    }
  }
}

void EnrichmentWorker::run_ptr() {
  while (true) {
    store::AttackerAddress a;
    {
      std::unique_lock lock(mu_);
      ptr_wake_.wait(lock, [&] { return stopping_ || !ptr_queue_.empty(); });
      if (stopping_) return;
      a = std::move(ptr_queue_.front());
      ptr_queue_.pop_front();
    }
    const auto ip = core::IpAddress::parse(a.ip);
    if (!ip) continue;
    try {
      const bool mine = repo_.write_now([&](store::WriteScope& scope) {
        return repo_.attackers().claim_ptr_check(scope, a.uuid, core::now_micros());
      });
      if (!mine) continue;  // checked before (another pass, an earlier run, another process)
      ++counters_.ptr_lookups;
      auto name = core::reverse_lookup(*ip, options_.dns);
      if (!name) continue;
      if (name->size() > 256) name->resize(256);
      ++counters_.ptr_names;
      repo_.write_now(
          [&](store::WriteScope& scope) { repo_.attackers().set_ptr(scope, a.uuid, name); });
    } catch (const std::exception& e) {
      spdlog::warn("enrich: reverse DNS of {} failed: {}", a.ip, e.what());
    }
  }
}

}  // namespace decnet::enrich
