#include "identity/campaign_worker.h"

#include <spdlog/spdlog.h>

#include <set>

#include "bus/topics.h"
#include "core/log_limiter.h"
#include "core/thread_name.h"
#include "core/uuid.h"
#include "identity/campaign_clusterer.h"
#include "identity/identity_settle.h"
#include "store/identity_repository.h"

namespace decnet::identity {
namespace {

namespace topics = bus::topics;

nlohmann::json optional_json(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

CampaignWorker::CampaignWorker(store::Repository& repo, bus::Bus& bus,
                               CampaignWorkerOptions options)
    : repo_(repo), bus_(bus), options_(options) {}

CampaignWorker::~CampaignWorker() {
  stop();
}

void CampaignWorker::start() {
  {
    core::MutexLock lock(mu_);
    stopping_ = false;
  }
  subscription_ =
      bus_.subscribe(std::string(topics::kIdentity) + ".>",
                     [this](const bus::Event& e) {
                       // Its own identity.campaign.assigned changes nothing a tick reads.
                       if (e.topic == topics::identity(topics::kIdentityCampaignAssigned)) return;
                       {
                         core::MutexLock lock(mu_);
                         changed_ = true;
                       }
                       wake_.notify_all();
                     },
                     {.name = "campaigns", .queue_capacity = 4096});
  thread_ = std::thread([this] { run(); });
}

void CampaignWorker::stop() {
  subscription_.unsubscribe();
  {
    core::MutexLock lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

nlohmann::json CampaignWorker::health() const {
  return {{"ticks", ticks_.load()},
          {"tick_failures", failures_.load()},
          {"campaigns_formed", campaigns_formed_.load()}};
}

void CampaignWorker::run() {
  core::name_this_thread("campaigns");
  auto last = std::chrono::steady_clock::now() - options_.debounce;
  while (true) {
    try {
      tick();
    } catch (const std::exception& e) {
      failures_.fetch_add(1, std::memory_order_relaxed);
      static core::LogLimiter limiter;
      limiter.error("campaigns: tick failed: {}", e.what());
    }
    last = std::chrono::steady_clock::now();
    core::MutexLock lock(mu_);
    wake_.wait_for(lock.native(), options_.poll_interval, [&] {
      mu_.assert_held();
      return stopping_ || changed_;
    });
    // Identities change in bursts: let one settle before ticking.
    wake_.wait_until(lock.native(), last + options_.debounce, [&] {
      mu_.assert_held();
      return stopping_;
    });
    if (stopping_) return;
    changed_ = false;
  }
}

CampaignTick CampaignWorker::tick() {
  core::MutexLock one(tick_mu_);
  ticks_.fetch_add(1, std::memory_order_relaxed);
  auto& campaigns = repo_.campaigns();
  const auto candidates = campaigns.campaign_candidates();
  std::vector<store::IdentityDeckyTactic> tactics;
  campaigns.for_each_handoff_tactic(
      [&](const store::IdentityDeckyTactic& t) { tactics.push_back(t); });
  const auto features = campaign_features(candidates, tactics);
  const auto edges = campaign_edges(features);
  auto components = campaign_groups(edges);

  IdentityState state;
  for (const auto& c : candidates) {
    if (c.campaign_id) state.home[c.identity_uuid] = *c.campaign_id;
  }
  for (auto& [loser, winner] : campaigns.merged_campaigns()) state.merged_into[loser] = winner;
  // An identity in a campaign but in no group any more leaves it.
  std::set<std::string> grouped;
  for (const auto& g : components) grouped.insert(g.begin(), g.end());
  std::vector<std::string> leaving;
  for (const auto& [identity, _] : state.home) {
    if (!grouped.contains(identity)) leaving.push_back(identity);
  }
  std::sort(leaving.begin(), leaving.end());
  const auto prior = state.home;
  for (const auto& identity : leaving) state.home.erase(identity);
  const auto changes = settle(components, state, [] { return core::Uuid::v7().str(); });

  CampaignTick out;
  out.candidates = features.size();
  out.edges = edges.size();
  out.groups = components.size();
  out.formed = changes.formed.size();
  out.merged = changes.merged_events.size();
  out.unmerged = changes.unmerged_events.size();
  out.assigned = changes.links.size() + leaving.size();
  if (changes.empty() && leaving.empty()) return out;

  std::map<std::string, std::size_t> sizes;
  for (const auto& t : changes.touched) sizes[t.identity] = t.attackers.size();
  repo_.write_now([&](store::WriteScope& scope) {
    for (const auto& uuid : changes.created) {
      store::NewCampaign n;
      n.uuid = uuid;
      n.identity_count = static_cast<std::int64_t>(sizes[uuid]);
      campaigns.create_campaign(scope, n);
    }
    for (const auto& uuid : changes.unmerged) campaigns.unmerge_campaign(scope, uuid);
    for (const auto& [loser, winner] : changes.merged) {
      campaigns.merge_campaign(scope, loser, winner);
    }
    for (const auto& [identity, campaign] : changes.links) {
      repo_.identities().set_identity_campaign(scope, identity, campaign);
    }
    for (const auto& identity : leaving) {
      repo_.identities().set_identity_campaign(scope, identity, std::nullopt);
    }
  });
  campaigns_formed_.fetch_add(changes.formed.size(), std::memory_order_relaxed);

  const auto assigned = [&](const std::string& identity,
                            const std::optional<std::string>& campaign) {
    const auto was = prior.find(identity);
    const auto before =
        was == prior.end() ? std::optional<std::string>() : std::optional<std::string>(was->second);
    nlohmann::json payload = {{"identity_uuid", identity},
                              {"campaign_uuid", optional_json(campaign)},
                              {"prior_campaign_uuid", optional_json(before)}};
    bus_.publish(topics::identity(topics::kIdentityCampaignAssigned), payload,
                 topics::kIdentityCampaignAssigned);
    return payload;
  };
  for (const auto& f : changes.formed) {
    bus_.publish(topics::campaign(topics::kCampaignFormed),
                 {{"campaign_uuid", f.identity}, {"identity_uuids", f.attackers}},
                 topics::kCampaignFormed);
    for (const auto& identity : f.attackers) assigned(identity, f.identity);
  }
  for (const auto& [campaign, identity] : changes.linked_events) {
    bus_.publish(topics::campaign(topics::kCampaignIdentityAssigned), assigned(identity, campaign),
                 topics::kCampaignIdentityAssigned);
  }
  for (const auto& [winner, loser] : changes.merged_events) {
    bus_.publish(topics::campaign(topics::kCampaignMerged),
                 {{"winner_uuid", winner}, {"loser_uuid", loser}}, topics::kCampaignMerged);
  }
  for (const auto& [resurrected, former] : changes.unmerged_events) {
    bus_.publish(topics::campaign(topics::kCampaignUnmerged),
                 {{"resurrected_uuid", resurrected}, {"former_winner_uuid", former}},
                 topics::kCampaignUnmerged);
  }
  for (const auto& identity : leaving) assigned(identity, std::nullopt);
  return out;
}

}  // namespace decnet::identity
