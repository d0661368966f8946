// Attacker rows, maintained write-back. Every event advances its attacker's counters, last seen
// time and targets; writing that to the attackers table per batch costs an UPDATE of several
// indexed columns for almost every line when many addresses are active at once. The ledger keeps
// what each known attacker did since it was last written and writes it once it has been pending
// for the flush interval, oldest first and a bounded number per batch, so a busy attacker costs
// one UPDATE per interval and no batch carries a burst of them. A new attacker is written at
// once, so its uuid exists for the log and credential rows that follow.
//
// Used only on the store's writer thread (inside write_batch), so it needs no lock.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "store/attacker_repository.h"
#include "store/repository.h"

namespace decnet::ingest {

struct LedgerResult {
  std::string uuid;
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
  // Writes the activity that has been pending long enough, at most `limit` attackers (and never
  // more than flush_per_batch): a small batch carries few of them, so it commits quickly.
  void flush_due(store::Repository& repo, store::WriteScope& scope, std::size_t limit);
  // Writes everything pending.
  void flush_all(store::Repository& repo, store::WriteScope& scope);
  std::size_t pending() const { return dirty_.size(); }

 private:
  struct Entry {
    std::string uuid;
    store::AttackerActivity pending;          // ip empty when nothing is pending
    std::unordered_set<std::string> targets;  // "decky\x1fservice" already stored
  };
  static std::string target_key(const store::TargetActivity& t);
  void write(store::Repository& repo, store::WriteScope& scope, Entry& entry);
  // Pops the oldest pending entry and writes it; false when it had nothing left to write.
  bool write_oldest(store::Repository& repo, store::WriteScope& scope);
  struct Dirty {
    std::string ip;
    std::int64_t since;
  };
  static void merge(store::AttackerActivity& into, const store::AttackerActivity& more);

  const Options options_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<Dirty> dirty_;  // in the order entries became pending
};

}  // namespace decnet::ingest
