// Attacker rows, maintained write-back. Every event advances its attacker's counters, last seen
// time and targets; writing that to the attackers table per batch costs an UPDATE of several
// indexed columns for almost every line when many addresses are active at once. The ledger keeps
// what each known attacker did since it was last written and writes it once it has been pending
// for the flush interval, oldest first and a bounded number per batch, so a busy attacker costs
// one UPDATE per interval and no batch carries a burst of them. A new attacker is written at
// once, so its uuid exists for the log and credential rows that follow.
//
// What is held back is lost if the process dies, so the ledger also knows how far the stored
// counters are complete: every log row up to counted_through() is reflected in them. The batch
// writer stores that mark in the same transaction as the rows, and start-up recounts, from
// `logs`, the attackers that have rows past it (IngestPipeline::reconcile_attackers).
//
// Used only on the store's writer thread (inside write_batch), so it needs no lock.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/attacker_repository.h"
#include "store/repository.h"

namespace decnet::ingest {

struct LedgerResult {
  std::string uuid;
  std::int64_t id = 0;
  bool created = false;
};

class AttackerLedger {
 public:
  struct Options {
    std::int64_t flush_after_us = 2'000'000;  // how long activity may stay pending
    std::size_t flush_per_batch = 4096;       // attackers written per batch at most
    std::size_t max_entries = 200'000;        // known attackers remembered
  };
  AttackerLedger() : AttackerLedger(Options{}) {}
  explicit AttackerLedger(Options options) : options_(options) {}

  LedgerResult record(store::Repository& repo, store::WriteScope& scope,
                      const store::AttackerActivity& activity);
  // The attacker of an address: from memory when the ledger knows it, else from the store.
  std::optional<store::AttackerRef> find(store::Repository& repo, store::WriteScope& scope,
                                         const std::string& ip) const;
  // Writes the activity that has been pending long enough, at most `limit` attackers (and never
  // more than flush_per_batch): a small batch carries few of them, so it commits quickly.
  void flush_due(store::Repository& repo, store::WriteScope& scope, std::size_t limit);
  // Writes everything pending.
  void flush_all(store::Repository& repo, store::WriteScope& scope);
  std::size_t pending() const { return dirty_.size(); }
  // After a transaction that failed: what the ledger learned in it (attackers it created, their
  // ids) may not exist. Forgets every attacker and everything pending; the counters it held back
  // are then recounted from the stored mark (IngestPipeline::reconcile_attackers).
  void forget();

  // The batch's log rows were given ids from `first_log_id` on: activity that became pending in
  // this batch is not counted from that id.
  void stamp_logs(std::int64_t first_log_id, std::size_t count);
  // At start, after the counters were made whole: everything up to `last_log_id` is counted.
  void start_at(std::int64_t last_log_id) { last_log_id_ = last_log_id; }
  // Every log row up to this id is reflected in the stored counters.
  std::int64_t counted_through() const;
  // Stores counted_through() in the state table when it moved.
  void save_mark(store::Repository& repo, store::WriteScope& scope);
  static constexpr const char* kCountedThroughKey = "ingest:attackers_counted_through";

 private:
  struct Entry {
    std::string uuid;
    std::int64_t id = 0;
    store::AttackerActivity pending;                             // ip empty when nothing is pending
    std::unordered_map<std::string, std::size_t> pending_index;  // target key -> pending.targets
    // Every target row the attacker has ("decky\x1fservice"), and the services and deckies among
    // them, loaded when the ledger first meets an attacker it did not create: so the ledger
    // tells the store which targets are new and the store looks nothing up. Past
    // kMaxRememberedTargets the entry stops remembering (targets_overflow) and always takes the
    // full path, which checks the table.
    std::unordered_set<std::string> targets;
    std::unordered_set<std::string> services;
    std::unordered_set<std::string> deckies;
    bool targets_overflow = false;
  };
  static constexpr std::size_t kMaxRememberedTargets = 1024;
  static void remember(Entry& entry, const std::vector<store::TargetActivity>& targets);
  static std::string target_key(const store::TargetActivity& t);
  void write(store::Repository& repo, store::WriteScope& scope, Entry& entry);
  // Pops the oldest pending entry and writes it; false when it had nothing left to write.
  bool write_oldest(store::Repository& repo, store::WriteScope& scope);
  struct Dirty {
    std::string ip;
    std::int64_t since;
    std::int64_t first_log_id = 0;  // 0 until stamp_logs() of its batch
  };
  static void merge(Entry& entry, const store::AttackerActivity& more);

  const Options options_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<Dirty> dirty_;  // in the order entries became pending
  std::int64_t last_log_id_ = 0;
  std::int64_t saved_mark_ = -1;
};

}  // namespace decnet::ingest
