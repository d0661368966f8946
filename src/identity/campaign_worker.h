// The campaign worker: which identities work one operation. Each tick reads the identities that
// can join a campaign (payloads, C2, a typing rhythm, ATT&CK tags on deckies, or a campaign
// already), scores the candidate pairs (campaign_clusterer.h), and settles the groups into
// campaign rows with the identity rules (identity_settle.h): the oldest campaign of a group
// survives a merge, a split unmerges or forms. Only groups of two or more identities form a
// campaign (the reference gave every identity a campaign of its own, a million rows that say
// nothing); an identity whose campaign split away from it keeps it.
//
// It ticks at start, every poll interval, and shortly after identities change (identity.>),
// at most once per debounce interval. Announced once committed: campaign.formed,
// campaign.identity.assigned, campaign.merged, campaign.unmerged, and identity.campaign.assigned
// for each identity placed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>

#include "bus/bus.h"
#include "core/component.h"
#include "core/thread_annotations.h"
#include "store/repository.h"

namespace decnet::identity {

struct CampaignWorkerOptions {
  std::chrono::milliseconds poll_interval = std::chrono::seconds(60);
  std::chrono::milliseconds debounce = std::chrono::seconds(2);
};

// What one tick did.
struct CampaignTick {
  std::size_t candidates = 0, edges = 0, groups = 0;
  std::size_t formed = 0, merged = 0, unmerged = 0, assigned = 0;
};

class CampaignWorker final : public core::Component {
 public:
  CampaignWorker(store::Repository& repo, bus::Bus& bus, CampaignWorkerOptions options = {});
  ~CampaignWorker() override;

  std::string name() const override { return "campaigns"; }
  void start() override;
  void stop() override;
  nlohmann::json health() const override;

  // One tick, now, on the calling thread (the worker's own, or a test's).
  CampaignTick tick();

 private:
  void run();

  store::Repository& repo_;
  bus::Bus& bus_;
  CampaignWorkerOptions options_;
  bus::Subscription subscription_;
  mutable core::Mutex mu_;
  std::condition_variable wake_;
  bool stopping_ GUARDED_BY(mu_) = false;
  bool changed_ GUARDED_BY(mu_) = false;
  std::thread thread_;
  core::Mutex tick_mu_;  // one tick at a time
  std::atomic<std::uint64_t> ticks_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::uint64_t> campaigns_formed_{0};
};

}  // namespace decnet::identity
