#include "enrich/intel_worker.h"

#include <spdlog/spdlog.h>

#include "bus/topics.h"
#include "core/ip.h"
#include "core/time.h"

namespace decnet::enrich {

IntelWorker::IntelWorker(store::Repository& repo, bus::Bus& bus,
                         std::vector<std::unique_ptr<IntelProvider>> providers,
                         IntelWorkerOptions options)
    : repo_(repo), bus_(bus), providers_(std::move(providers)), options_(options) {}

IntelWorker::~IntelWorker() {
  stop();
}

void IntelWorker::start() {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  const auto wake = [this](const bus::Event&) {
    std::lock_guard lock(mu_);
    woken_ = true;
    wake_.notify_one();
  };
  observed_ = bus_.subscribe(bus::topics::kAttackerObservedTopic, wake, {.name = "intel"});
  scored_ = bus_.subscribe(bus::topics::kAttackerScoredTopic, wake, {.name = "intel-scored"});
  thread_ = std::thread([this] { run(); });
}

void IntelWorker::stop() {
  observed_.unsubscribe();
  scored_.unsubscribe();
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

nlohmann::json IntelWorker::health() const {
  auto names = nlohmann::json::array();
  for (const auto& p : providers_) names.push_back(p->name());
  return {{"providers", names},
          {"enriched", enriched_.load()},
          {"provider_errors", provider_errors_.load()}};
}

store::AttackerIntel IntelWorker::enrich(const std::string& attacker_uuid, const std::string& ip) {
  const auto now = core::now_micros();
  store::AttackerIntelUpdate update;
  update.attacker_uuid = attacker_uuid;
  update.attacker_ip = ip;
  update.cached_at = now;
  update.expires_at =
      now + std::chrono::duration_cast<std::chrono::microseconds>(options_.ttl).count();
  const auto address = core::IpAddress::parse(ip);
  const bool public_address = address && core::is_public(address->unmapped());
  bool failed = false;
  auto summary = nlohmann::json::object();
  if (public_address) {
    for (const auto& provider : providers_) {
      auto result = provider->lookup(ip);
      if (result.error) {
        failed = true;
        ++provider_errors_;
        spdlog::info("intel: {} failed for {}: {}", provider->name(), ip, *result.error);
      }
      summary[provider->name()] = {
          {"verdict", result.verdict ? nlohmann::json(*result.verdict) : nlohmann::json(nullptr)},
          {"error", result.error ? nlohmann::json(*result.error) : nlohmann::json(nullptr)}};
      update.providers.emplace(provider->name(), std::move(result));
    }
  }
  if (failed) {
    update.retry_at =
        now + std::chrono::duration_cast<std::chrono::microseconds>(options_.retry_failed).count();
  }
  auto stored = repo_.write_now(
      [&](store::WriteScope& scope) { return repo_.intel().upsert_attacker_intel(scope, update); });
  ++enriched_;
  bus_.publish(bus::topics::kAttackerIntelEnrichedTopic,
               {{"attacker_uuid", attacker_uuid},
                {"attacker_ip", ip},
                {"verdict", stored.aggregate_verdict},
                {"providers", std::move(summary)}},
               "intel.enriched");
  return stored;
}

std::size_t IntelWorker::run_once() {
  if (providers_.empty()) return 0;
  const auto due = repo_.intel().get_unenriched_attackers(options_.batch, core::now_micros());
  std::size_t done = 0;
  for (const auto& a : due) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    try {
      enrich(a.uuid, a.ip);
      ++done;
    } catch (const std::exception& e) {
      failures_.error("intel: enriching {} failed: {}", a.ip, e.what());
    }
  }
  return done;
}

void IntelWorker::run() {
  while (true) {
    std::size_t done = 0;
    try {
      done = run_once();
    } catch (const std::exception& e) {
      spdlog::error("intel: pass failed: {}", e.what());
    }
    std::unique_lock lock(mu_);
    if (stopping_) return;
    // A full batch means more are due: go on at once; otherwise sleep until woken or the poll.
    if (done < static_cast<std::size_t>(options_.batch)) {
      wake_.wait_for(lock, options_.poll, [&] { return stopping_ || woken_; });
    }
    woken_ = false;
    if (stopping_) return;
  }
}

}  // namespace decnet::enrich
