// The attribution worker: how each behavioural primitive of each identity reads over time. Every
// BEHAVE observation (attacker.observation.<primitive>) re-derives the state of that primitive
// for the identity the attacker belongs to now, from all the identity's observations of it —
// its merged-in identities' included, which the reference left out — with the mergers of
// attribution_merge.h (categorical, numeric, hash by the primitive's kind). The row is written
// every time; attribution.profile.state_changed is announced only when the state changes. A merge
// or unmerge of identities re-derives every primitive of the identities it touched. The
// identity's kd_digraph_simhash (the bitwise majority of its sessions' digraph SimHashes, the
// rhythm the campaign edge compares) is kept with the motor.digraph_simhash primitive.
//
// Every correlator interval, identities with two or more primitives in multi_actor are announced
// once as attribution.profile.multi_actor_suspected (again when the set grows, and again after
// dropping below two).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <set>
#include <thread>

#include "bus/bus.h"
#include "core/component.h"
#include "core/thread_annotations.h"
#include "store/repository.h"

namespace decnet::identity {

struct AttributionWorkerOptions {
  std::chrono::milliseconds correlator_interval = std::chrono::seconds(60);
};

class AttributionWorker final : public core::Component {
 public:
  static constexpr std::size_t kQueueCapacity = 65'536;

  AttributionWorker(store::Repository& repo, bus::Bus& bus, AttributionWorkerOptions options = {});
  ~AttributionWorker() override;

  std::string name() const override { return "attribution"; }
  void start() override;
  void stop() override;
  nlohmann::json health() const override;

  // Re-derives (identity, primitive) from the stored observations; returns whether the state
  // changed (and was announced).
  bool derive(const std::string& identity, const std::string& primitive);
  // The multi-actor correlator, once.
  void correlate();

 private:
  struct Job {
    std::string attacker;  // an observation's attacker, or empty
    std::string identity;  // a merged or unmerged identity, or empty
    std::string primitive;
  };
  void run();
  void handle(const Job& job);
  void push(Job job);

  store::Repository& repo_;
  bus::Bus& bus_;
  AttributionWorkerOptions options_;
  std::vector<bus::Subscription> subscriptions_;
  mutable core::Mutex mu_;
  std::condition_variable ready_;
  std::deque<Job> queue_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
  std::map<std::string, std::set<std::string>> fired_;  // the worker thread's only
  std::atomic<std::uint64_t> derived_{0};
  std::atomic<std::uint64_t> changes_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> failures_{0};
};

}  // namespace decnet::identity
