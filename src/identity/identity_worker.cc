#include "identity/identity_worker.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_set>

#include "bus/topics.h"
#include "core/log_limiter.h"
#include "core/thread_name.h"
#include "core/uuid.h"
#include "store/attacker_repository.h"
#include "store/identity_repository.h"

namespace decnet::identity {
namespace {

namespace topics = bus::topics;

constexpr auto kRoundInterval = std::chrono::milliseconds(50);
// Rounds are at least this far apart while ingest is busy: each is a transaction of its own on
// the one writer, and fewer, larger ones cost ingest less (placement waits at most this long).
constexpr auto kRoundGap = std::chrono::milliseconds(250);
constexpr std::size_t kEagerRound = 65'536;  // waiting inputs that start a round at once
constexpr std::size_t kSweepBatch = 10'000;
constexpr int kWorkerNice = 5;

using EvidenceOf = std::function<const AttackerEvidence*(const std::string&)>;

// The database's evidence, per attacker as the graph takes it: the latest JA3 and HASSH, the
// first payloads and endpoints up to the per-attacker bounds.
struct StoredEvidence {
  std::unordered_map<std::string, AttackerEvidence> evidence;
  std::unordered_map<std::string, std::string> home;
  std::vector<std::pair<std::string, std::string>> merged;
};

StoredEvidence read_evidence(store::Repository& repo) {
  StoredEvidence out;
  struct Latest {
    std::int64_t at = -1;
    std::string value;
  };
  std::unordered_map<std::string, std::pair<Latest, Latest>> fingerprints;  // ja3, hassh
  std::unordered_map<std::string, std::vector<std::pair<std::int64_t, std::string>>> payloads, c2,
      twins;
  repo.identities().for_each_evidence([&](const store::IdentityEvidenceRow& row) {
    if (row.identity_id) out.home.try_emplace(row.attacker_uuid, *row.identity_id);
    const auto kind = evidence_kind_from(row.kind);
    if (!kind) return;
    const auto take = [&](Latest& l) {
      if (row.last_seen > l.at || (row.last_seen == l.at && row.value > l.value)) {
        l = {row.last_seen, row.value};
      }
    };
    switch (*kind) {
      case EvidenceKind::kJa3:
        take(fingerprints[row.attacker_uuid].first);
        break;
      case EvidenceKind::kHassh:
        take(fingerprints[row.attacker_uuid].second);
        break;
      case EvidenceKind::kPayload:
        payloads[row.attacker_uuid].emplace_back(row.first_seen, row.value);
        break;
      case EvidenceKind::kC2:
        c2[row.attacker_uuid].emplace_back(row.first_seen, row.value);
        break;
      case EvidenceKind::kTwin:
        twins[row.attacker_uuid].emplace_back(row.first_seen, row.value);
        break;
      case EvidenceKind::kBehaviour:
        break;
    }
  });
  for (auto& [attacker, f] : fingerprints) {
    auto& e = out.evidence[attacker];
    if (f.first.at >= 0) e.ja3 = std::move(f.first.value);
    if (f.second.at >= 0) e.hassh = std::move(f.second.value);
  }
  const auto firsts = [&](auto& lists, std::size_t cap, auto member) {
    for (auto& [attacker, items] : lists) {
      std::sort(items.begin(), items.end());
      auto& set = out.evidence[attacker].*member;
      for (auto& [_, value] : items) {
        if (set.size() >= cap) break;
        set.insert(std::move(value));
      }
    }
  };
  firsts(payloads, kMaxPayloadsPerAttacker, &AttackerEvidence::payloads);
  firsts(c2, kMaxC2PerAttacker, &AttackerEvidence::c2);
  firsts(twins, kMaxTwinsPerAttacker, &AttackerEvidence::twins);
  out.merged = repo.identities().merged_identities();
  return out;
}

// One round's writes, in the order settle() requires.
void apply(store::Repository& repo, store::WriteScope& scope, const IdentityChanges& changes,
           const std::vector<store::IdentityEvidenceRow>& evidence, const EvidenceOf& evidence_of,
           const std::unordered_map<std::string, std::int64_t>& first_seen) {
  auto& ids = repo.identities();
  // A new address with no evidence is an identity of one: its times are its own, there is
  // nothing to roll up, and it is made only if nothing placed the address meanwhile (the
  // start-up sweep and ingest's hand-over can both name an address).
  std::unordered_map<std::string, std::pair<std::string, std::int64_t>> alone;
  for (const auto& t : changes.touched) {
    if (t.attackers.size() != 1 || evidence_of(t.attackers.front())) continue;
    if (const auto it = first_seen.find(t.attackers.front()); it != first_seen.end()) {
      alone.emplace(t.identity, std::make_pair(t.attackers.front(), it->second));
    }
  }
  for (const auto& row : evidence) ids.record_evidence(scope, row);
  for (const auto& uuid : changes.created) {
    store::NewIdentity n;
    n.uuid = uuid;
    if (const auto it = alone.find(uuid); it != alone.end()) {
      n.first_seen_at = n.last_seen_at = it->second.second;
      n.observation_count = 1;
      ids.create_identity_for(scope, it->second.first, n);
      continue;
    }
    ids.create_identity(scope, n);
  }
  for (const auto& uuid : changes.unmerged) ids.unmerge_identity(scope, uuid);
  for (const auto& [loser, winner] : changes.merged) ids.merge_identity(scope, loser, winner);
  for (const auto& [attacker, identity] : changes.links) {
    if (!alone.contains(identity)) ids.relink_attacker(scope, attacker, identity);
  }
  for (const auto& t : changes.touched) {
    if (alone.contains(t.identity)) continue;
    ids.refresh_identity_members(scope, t.identity);
    store::FingerprintSummary summary;
    for (const auto& a : t.attackers) {
      const auto* e = evidence_of(a);
      if (!e) continue;
      if (e->ja3) summary.ja3_hashes.push_back(*e->ja3);
      if (e->hassh) summary.hassh_hashes.push_back(*e->hassh);
      summary.payload_hashes.insert(summary.payload_hashes.end(), e->payloads.begin(),
                                    e->payloads.end());
      summary.c2_endpoints.insert(summary.c2_endpoints.end(), e->c2.begin(), e->c2.end());
    }
    ids.update_fingerprint_summary(scope, t.identity, summary);
  }
}

}  // namespace

std::string_view evidence_kind_name(EvidenceKind kind) {
  switch (kind) {
    case EvidenceKind::kJa3:
      return "ja3";
    case EvidenceKind::kHassh:
      return "hassh";
    case EvidenceKind::kPayload:
      return "payload";
    case EvidenceKind::kC2:
      return "c2";
    case EvidenceKind::kTwin:
      return "twin";
    case EvidenceKind::kBehaviour:
      return "behaviour";
  }
  return "";
}

std::optional<EvidenceKind> evidence_kind_from(std::string_view name) {
  for (const auto kind : {EvidenceKind::kJa3, EvidenceKind::kHassh, EvidenceKind::kPayload,
                          EvidenceKind::kC2, EvidenceKind::kTwin}) {
    if (evidence_kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

RebuildReport rebuild_identities(store::Repository& repo, std::size_t common_after) {
  auto stored = read_evidence(repo);
  IdentityState state;
  state.home = std::move(stored.home);
  for (auto& [loser, winner] : stored.merged) state.merged_into.emplace(loser, winner);
  const auto components = components_from_scratch(stored.evidence, common_after);
  const auto changes = settle(components, state, [] { return core::Uuid::v7().str(); });
  RebuildReport report;
  report.attackers = stored.evidence.size();
  report.components = components.size();
  report.created = changes.created.size();
  report.merged = changes.merged.size();
  report.unmerged = changes.unmerged.size();
  report.relinked = changes.links.size();
  const EvidenceOf evidence_of = [&](const std::string& a) -> const AttackerEvidence* {
    const auto it = stored.evidence.find(a);
    return it == stored.evidence.end() ? nullptr : &it->second;
  };
  repo.write_now(
      [&](store::WriteScope& scope) { apply(repo, scope, changes, {}, evidence_of, {}); });
  // Attackers the worker never reached: an identity each (those with evidence were linked by
  // the settle above).
  const auto newest = repo.identities().newest_attacker_id();
  while (true) {
    const auto unlinked = repo.identities().attackers_without_identity(kSweepBatch, newest);
    if (unlinked.empty()) break;
    std::size_t made = 0;
    repo.write_now([&](store::WriteScope& scope) {
      for (const auto& a : unlinked) {
        store::NewIdentity n;
        n.uuid = core::Uuid::v7().str();
        n.first_seen_at = a.first_seen;
        n.last_seen_at = a.last_seen;
        n.observation_count = 1;
        if (repo.identities().create_identity_for(scope, a.uuid, n)) ++made;
      }
    });
    report.singletons += made;
    if (made == 0) break;
  }
  return report;
}

IdentityWorker::IdentityWorker(store::Repository& repo, bus::Bus& bus,
                               IdentityWorkerOptions options)
    : repo_(repo), bus_(bus), options_(options) {}

IdentityWorker::~IdentityWorker() {
  stop();
}

void IdentityWorker::start() {
  {
    core::MutexLock lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void IdentityWorker::stop() {
  {
    core::MutexLock lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  if (thread_.joinable()) thread_.join();
}

nlohmann::json IdentityWorker::health() const {
  std::size_t waiting = 0;
  {
    core::MutexLock lock(mu_);
    waiting = queue_.size();
  }
  return {{"inputs_waiting", waiting},
          {"inputs_dropped", dropped_.load()},
          {"evidence_recorded", evidence_.load()},
          {"identities_formed", formed_.load()},
          {"merges", merges_.load()},
          {"unmerges", unmerges_.load()},
          {"write_failures", failures_.load()},
          {"reloads", reloads_.load()}};
}

void IdentityWorker::submit(std::vector<IdentityInput> inputs) {
  if (inputs.empty()) return;
  {
    core::MutexLock lock(mu_);
    submitted_ += inputs.size();
    for (auto& i : inputs) queue_.push_back(std::move(i));
    std::uint64_t dropped = 0;
    while (queue_.size() > kQueueCapacity) {
      queue_.pop_front();
      ++dropped;
    }
    processed_ += dropped;
    if (dropped) dropped_.fetch_add(dropped, std::memory_order_relaxed);
  }
  ready_.notify_all();
}

bool IdentityWorker::drain(std::chrono::milliseconds timeout) {
  core::MutexLock lock(mu_);
  const auto target = submitted_;
  ++draining_;
  ready_.notify_all();
  const bool done = idle_.wait_for(lock.native(), timeout, [&] {
    mu_.assert_held();
    return processed_ >= target;
  });
  --draining_;
  return done;
}

void IdentityWorker::reload() {
  reloads_.fetch_add(1, std::memory_order_relaxed);
  auto stored = read_evidence(repo_);
  resolver_ = std::make_unique<IdentityResolver>(options_.common_after);
  for (auto& [attacker, evidence] : stored.evidence) {
    const auto home = stored.home.find(attacker);
    resolver_->load(
        attacker, std::move(evidence),
        home == stored.home.end() ? std::nullopt : std::optional<std::string>(home->second));
  }
  for (const auto& [loser, winner] : stored.merged) resolver_->load_merge(loser, winner);
  // What the database holds is settled as the graph sees it: a round lost to a crash, or a
  // change of common_after, is made good here.
  auto changes = resolver_->settle_all();
  if (!changes.empty()) write(changes, {}, {});
  spdlog::info("identity: {} attackers with evidence in {} identities",
               resolver_->graph().attacker_count(), resolver_->graph().component_count());
}

// Attackers up to the bound taken at the previous sweep (at start: those that existed before the
// worker ran), so that an address whose hand-over is still queued is left to it.
void IdentityWorker::sweep() {
  try {
    while (true) {
      const auto unlinked =
          repo_.identities().attackers_without_identity(kSweepBatch, sweep_bound_);
      if (unlinked.empty()) break;
      std::deque<IdentityInput> inputs;
      for (const auto& a : unlinked) inputs.push_back({a.uuid, std::nullopt, {}, a.first_seen});
      const auto failed = failures_.load();
      process(inputs);
      if (unlinked.size() < kSweepBatch || failures_.load() != failed) break;
    }
    sweep_bound_ = repo_.identities().newest_attacker_id();
  } catch (const std::exception& e) {
    static core::LogLimiter limiter;
    limiter.warn("identity: attackers without identity not swept: {}", e.what());
  }
}

void IdentityWorker::run() {
  core::name_this_thread("identity");
  // Identities are behind ingest, never in its way (as the tagger is).
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kWorkerNice);
  try {
    reload();
  } catch (const std::exception& e) {
    spdlog::error("identity: evidence not loaded, starting empty: {}", e.what());
    resolver_ = std::make_unique<IdentityResolver>(options_.common_after);
  }
  try {
    sweep_bound_ = repo_.identities().newest_attacker_id();
  } catch (const std::exception& e) {
    spdlog::warn("identity: attackers not counted, no sweep at start: {}", e.what());
  }
  sweep();
  auto next_sweep = std::chrono::steady_clock::now() + options_.sweep_interval;
  auto last_round = std::chrono::steady_clock::now() - kRoundGap;
  while (true) {
    std::deque<IdentityInput> inputs;
    bool stopping = false;
    {
      core::MutexLock lock(mu_);
      ready_.wait_for(lock.native(), kRoundInterval, [&] {
        mu_.assert_held();
        return stopping_ || !queue_.empty();
      });
      ready_.wait_until(lock.native(), last_round + kRoundGap, [&] {
        mu_.assert_held();
        return stopping_ || draining_ || queue_.size() >= kEagerRound;
      });
      inputs.swap(queue_);
      stopping = stopping_;
    }
    const auto n = inputs.size();
    if (n) {
      last_round = std::chrono::steady_clock::now();
      process(inputs);
    }
    {
      core::MutexLock lock(mu_);
      processed_ += n;
    }
    idle_.notify_all();
    if (stopping) return;
    if (std::chrono::steady_clock::now() >= next_sweep) {
      sweep();
      next_sweep = std::chrono::steady_clock::now() + options_.sweep_interval;
    }
  }
}

void IdentityWorker::process(std::deque<IdentityInput>& inputs) {
  IdentityChanges changes;
  std::vector<store::IdentityEvidenceRow> rows;
  // Attackers given an identity in this round (not yet stored), and when they were first seen.
  std::unordered_map<std::string, std::string> minted;
  std::unordered_map<std::string, std::int64_t> first_seen;
  // Behaviour news becomes twin evidence, both ways (a pair links once both name each other);
  // one look-up per attacker however many of its vectors changed.
  std::vector<IdentityInput> twins;
  std::unordered_set<std::string> looked_up;
  for (const auto& input : inputs) {
    if (input.kind != EvidenceKind::kBehaviour || !looked_up.insert(input.attacker_uuid).second) {
      continue;
    }
    for (auto& twin : twins_of(input.attacker_uuid)) {
      twins.push_back({input.attacker_uuid, EvidenceKind::kTwin, twin, input.seen_at});
      twins.push_back({std::move(twin), EvidenceKind::kTwin, input.attacker_uuid, input.seen_at});
    }
  }
  for (auto& t : twins) inputs.push_back(std::move(t));
  // A new attacker whose evidence arrives in the same round is placed by that evidence (joining
  // an identity, or forming its own); the others get an identity of their own now.
  std::unordered_set<std::string> with_evidence;
  for (const auto& input : inputs) {
    if (input.kind) with_evidence.insert(input.attacker_uuid);
  }
  std::vector<const IdentityInput*> placed_later;
  std::unordered_set<std::string> new_now;  // appeared in this round: no identity stored yet
  const auto appear = [&](const IdentityInput& input) {
    auto made = resolver_->appeared(input.attacker_uuid, std::nullopt);
    for (const auto& [a, identity] : made.links) minted.emplace(a, identity);
    first_seen.emplace(input.attacker_uuid, input.seen_at);
    changes.append(std::move(made));
  };
  for (const auto& input : inputs) {
    if (input.kind || resolver_->knows(input.attacker_uuid) ||
        minted.contains(input.attacker_uuid)) {
      continue;
    }
    if (with_evidence.contains(input.attacker_uuid)) {
      placed_later.push_back(&input);
      new_now.insert(input.attacker_uuid);
      continue;
    }
    appear(input);
  }
  for (const auto& input : inputs) {
    if (!input.kind) continue;
    std::optional<std::string> home;
    if (!resolver_->knows(input.attacker_uuid)) {
      if (const auto it = minted.find(input.attacker_uuid); it != minted.end()) {
        home = it->second;
      } else if (!new_now.contains(input.attacker_uuid)) {
        try {
          if (const auto a = repo_.attackers().get(input.attacker_uuid)) home = a->identity_id;
        } catch (const std::exception& e) {
          static core::LogLimiter limiter;
          limiter.warn("identity: attacker {} not read: {}", input.attacker_uuid, e.what());
          continue;
        }
      }
    }
    if (resolver_->observe(input, home, changes)) {
      rows.push_back({input.attacker_uuid, std::nullopt,
                      std::string(evidence_kind_name(*input.kind)), input.value, input.seen_at,
                      input.seen_at});
    }
  }
  // Evidence that changed nothing (a payload over the bound, an older fingerprint) placed no one.
  for (const auto* input : placed_later) {
    if (!resolver_->knows(input->attacker_uuid) && !minted.contains(input->attacker_uuid)) {
      appear(*input);
    }
  }
  if (changes.empty() && rows.empty()) return;
  if (write(changes, rows, first_seen)) evidence_.fetch_add(rows.size(), std::memory_order_relaxed);
}

namespace {

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size() || a.empty()) return 0;
  double dot = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0;
}

}  // namespace

std::vector<std::string> IdentityWorker::twins_of(const std::string& attacker) const {
  std::vector<std::string> out;
  const auto* store = options_.vectors;
  if (!store) return out;
  try {
    const auto rhythm = store->get("keystroke", attacker);
    const auto habits = store->get("cmd_ngram", attacker);
    if (!rhythm || !habits) return out;
    for (const auto& n : store->knn("keystroke", rhythm->vector, kTwinCandidates + 1)) {
      if (n.id == attacker) continue;
      const auto their_rhythm = store->get("keystroke", n.id);
      const auto their_habits = store->get("cmd_ngram", n.id);
      if (!their_rhythm || !their_habits) continue;
      const double score = kRhythmWeight * (cosine(rhythm->vector, their_rhythm->vector) >=
                                            options_.rhythm_similarity) +
                           kHabitWeight * (cosine(habits->vector, their_habits->vector) >=
                                           options_.habit_similarity);
      if (score >= 1.0 - 1e-9) out.push_back(n.id);
    }
  } catch (const std::exception& e) {
    static core::LogLimiter limiter;
    limiter.warn("identity: behavioural neighbours of {} not read: {}", attacker, e.what());
  }
  return out;
}

bool IdentityWorker::write(IdentityChanges& changes,
                           const std::vector<store::IdentityEvidenceRow>& evidence,
                           const std::unordered_map<std::string, std::int64_t>& first_seen) {
  const EvidenceOf evidence_of = [this](const std::string& a) {
    return resolver_->graph().evidence_of(a);
  };
  try {
    repo_.write_now([&](store::WriteScope& scope) {
      apply(repo_, scope, changes, evidence, evidence_of, first_seen);
    });
  } catch (const std::exception& e) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("identity: round not written, reloading from the database: {}", e.what());
    try {
      reload();
    } catch (const std::exception& again) {
      spdlog::error("identity: reload failed: {}", again.what());
    }
    return false;
  }
  publish(changes);
  return true;
}

void IdentityWorker::publish(const IdentityChanges& c) {
  formed_.fetch_add(c.formed.size(), std::memory_order_relaxed);
  merges_.fetch_add(c.merged_events.size(), std::memory_order_relaxed);
  unmerges_.fetch_add(c.unmerged_events.size(), std::memory_order_relaxed);
  for (const auto& f : c.formed) {
    bus_.publish(topics::identity(topics::kIdentityFormed),
                 {{"identity_uuid", f.identity}, {"observation_uuids", f.attackers}},
                 topics::kIdentityFormed);
  }
  for (const auto& [identity, attacker] : c.linked_events) {
    bus_.publish(topics::identity(topics::kIdentityObservationLinked),
                 {{"identity_uuid", identity}, {"observation_uuid", attacker}},
                 topics::kIdentityObservationLinked);
  }
  for (const auto& [winner, loser] : c.merged_events) {
    bus_.publish(topics::identity(topics::kIdentityMerged),
                 {{"winner_uuid", winner}, {"loser_uuid", loser}, {"identity_uuid", winner}},
                 topics::kIdentityMerged);
  }
  for (const auto& [resurrected, former] : c.unmerged_events) {
    bus_.publish(topics::identity(topics::kIdentityUnmerged),
                 {{"resurrected_uuid", resurrected}, {"former_winner_uuid", former}},
                 topics::kIdentityUnmerged);
  }
}

}  // namespace decnet::identity
