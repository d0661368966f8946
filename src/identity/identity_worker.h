// The identity worker: which actor is behind each address, kept current as evidence arrives.
//
// Ingest hands it, once their batch is committed, the attackers that appeared and the identity
// evidence their lines carried (IdentitySink). Each new attacker gets its own identity; evidence
// that changes an attacker's fingerprints, payloads or endpoints updates the identity graph,
// and the components it touched are settled into identity rows (identity_settle.h) — merges,
// unmerges, links and the rollup columns in one transaction per round, announced once committed
// as identity.formed, identity.observation.linked, identity.merged and identity.unmerged.
//
// The graph lives in memory and is loaded from identity_evidence at start; attackers that never
// got an identity (an input dropped, a database from before identities) are swept up at start
// and every sweep interval. A round that fails to write reloads everything from the database,
// so memory never drifts from what is stored. Inputs wait in one bounded queue; when it
// overflows the oldest are dropped and counted (the sweep and `decnet identities rebuild` make
// up for them).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <thread>

#include "bus/bus.h"
#include "core/component.h"
#include "core/thread_annotations.h"
#include "identity/identity_input.h"
#include "identity/identity_resolver.h"
#include "store/identity_repository.h"
#include "store/repository.h"
#include "vector/vector_store.h"

namespace decnet::identity {

// Behavioural twins (further evidence beside the fingerprints): two attackers whose recorded
// sessions type with one rhythm (the "keystroke" vectors, weight 0.6) and run one set of command
// habits (the "cmd_ngram" vectors, weight 0.4). Together the two reach the edge threshold of 1.0,
// either alone does not, and the fingerprint veto applies as for shared payloads. Similarity is
// the cosine of the two vectors; candidates are the nearest keystroke vectors in the store.
inline constexpr double kRhythmWeight = 0.6;
inline constexpr double kHabitWeight = 0.4;
inline constexpr std::size_t kTwinCandidates = 8;

struct IdentityWorkerOptions {
  std::size_t common_after = kDefaultCommonAfter;
  std::chrono::milliseconds sweep_interval = std::chrono::seconds(60);
  // Where the profiler keeps behavioural vectors; without one there are no twins.
  const vector::VectorStore* vectors = nullptr;
  double rhythm_similarity = 0.98;  // cosine of keystroke vectors
  double habit_similarity = 0.95;   // cosine of cmd_ngram vectors
};

// What a full rebuild changed.
struct RebuildReport {
  std::size_t attackers = 0;   // with evidence
  std::size_t components = 0;  // identities they form
  std::size_t created = 0, merged = 0, unmerged = 0, relinked = 0;
  std::size_t singletons = 0;  // attackers without an identity given their own
};

// `decnet identities rebuild`: the identities of every attacker recomputed from the evidence in
// the database alone (components_from_scratch), settled against the rows that exist.
RebuildReport rebuild_identities(store::Repository& repo,
                                 std::size_t common_after = kDefaultCommonAfter);

class IdentityWorker final : public core::Component, public IdentitySink {
 public:
  static constexpr std::size_t kQueueCapacity = 262'144;

  IdentityWorker(store::Repository& repo, bus::Bus& bus, IdentityWorkerOptions options = {});
  ~IdentityWorker() override;

  std::string name() const override { return "identity"; }
  void start() override;
  void stop() override;
  nlohmann::json health() const override;

  void submit(std::vector<IdentityInput> inputs) override;
  // Waits until everything submitted so far is processed and written; false on timeout.
  bool drain(std::chrono::milliseconds timeout);

 private:
  void run();
  void reload();
  void sweep();
  void process(std::deque<IdentityInput>& inputs);
  // The attackers that are `attacker`'s behavioural twins in the vector store now.
  std::vector<std::string> twins_of(const std::string& attacker) const;
  // Writes one round; false (and a reload) when the write failed.
  bool write(IdentityChanges& changes, const std::vector<store::IdentityEvidenceRow>& evidence,
             const std::unordered_map<std::string, std::int64_t>& first_seen);
  void publish(const IdentityChanges& changes);

  store::Repository& repo_;
  bus::Bus& bus_;
  IdentityWorkerOptions options_;
  std::unique_ptr<IdentityResolver> resolver_;  // the worker thread's only
  std::int64_t sweep_bound_ = 0;                // the worker thread's only

  mutable core::Mutex mu_;
  std::condition_variable ready_;
  std::condition_variable idle_;
  std::deque<IdentityInput> queue_ GUARDED_BY(mu_);
  std::uint64_t submitted_ GUARDED_BY(mu_) = 0;
  std::uint64_t processed_ GUARDED_BY(mu_) = 0;
  bool stopping_ GUARDED_BY(mu_) = false;
  int draining_ GUARDED_BY(mu_) = 0;  // drain() callers waiting: no gap between rounds
  std::thread thread_;

  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> formed_{0};
  std::atomic<std::uint64_t> merges_{0};
  std::atomic<std::uint64_t> unmerges_{0};
  std::atomic<std::uint64_t> evidence_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::uint64_t> reloads_{0};
};

}  // namespace decnet::identity
