// The threat-intel worker: asks every configured provider about attackers that are due — never
// looked up, past DECNET_INTEL_TTL_HOURS, or past the sooner retry time a failed provider set
// (the reference waited a full TTL after an outage) — stores each pass as a per-provider merge
// in attacker_intel and publishes attacker.intel.enriched. It wakes on attacker.observed and
// attacker.scored and polls every minute in case the bus is quiet or down. Non-public
// addresses are never sent to an outside service.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "bus/bus.h"
#include "core/component.h"
#include "core/log_limiter.h"
#include "enrich/intel_provider.h"
#include "store/repository.h"

namespace decnet::enrich {

struct IntelWorkerOptions {
  std::chrono::hours ttl{24};
  std::chrono::milliseconds retry_failed = std::chrono::minutes(15);
  std::chrono::milliseconds poll = std::chrono::seconds(60);
  std::int64_t batch = 50;
};

class IntelWorker final : public core::Component {
 public:
  IntelWorker(store::Repository& repo, bus::Bus& bus,
              std::vector<std::unique_ptr<IntelProvider>> providers,
              IntelWorkerOptions options = {});
  ~IntelWorker() override;

  std::string name() const override { return "intel"; }
  void start() override;
  void stop() override;
  nlohmann::json health() const override;

  // One pass over the attackers that are due (also what `decnet enrich` runs); returns how
  // many were looked up.
  std::size_t run_once();
  // Looks one attacker up now, due or not.
  store::AttackerIntel enrich(const std::string& attacker_uuid, const std::string& ip);

 private:
  void run();

  store::Repository& repo_;
  bus::Bus& bus_;
  std::vector<std::unique_ptr<IntelProvider>> providers_;
  const IntelWorkerOptions options_;
  std::atomic<std::uint64_t> enriched_{0};
  std::atomic<std::uint64_t> provider_errors_{0};
  core::LogLimiter failures_;  // a full disk fails every attacker alike: one line a second
  bus::Subscription observed_;
  bus::Subscription scored_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace decnet::enrich
