// Attacker rows, maintained write-back. Every event advances its attacker's counters, last seen
// time and targets; writing that to the attackers table per batch costs an UPDATE of several
// indexed columns for almost every line when many addresses are active at once. The ledger keeps
// what each known attacker did since it was last written and writes it at most once per flush
// interval, so a busy attacker costs one UPDATE per second instead of one per batch. A new
// attacker is written at once, so its uuid exists for the log and credential rows that follow.
//
// Used only on the store's writer thread (inside write_batch), so it needs no lock.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "store/attacker_repository.h"
#include "store/repository.h"

namespace decnet::ingest {

struct LedgerResult {
  std::string uuid;
  bool created = false;
};

class AttackerLedger {
 public:
  explicit AttackerLedger(std::int64_t flush_interval_us = 1'000'000,
                          std::size_t max_entries = 200'000)
      : flush_interval_us_(flush_interval_us), max_entries_(max_entries) {}

  LedgerResult record(store::Repository& repo, store::WriteScope& scope,
                      const store::AttackerActivity& activity);
  // Writes pending activity when the interval has passed (or always with force).
  void flush(store::Repository& repo, store::WriteScope& scope, bool force = false);
  std::size_t pending() const { return dirty_; }

 private:
  struct Entry {
    std::string uuid;
    store::AttackerActivity pending;  // ip empty when nothing is pending
  };
  static void merge(store::AttackerActivity& into, const store::AttackerActivity& more);

  const std::int64_t flush_interval_us_;
  const std::size_t max_entries_;
  std::unordered_map<std::string, Entry> entries_;
  std::size_t dirty_ = 0;
  std::int64_t last_flush_ = 0;
};

}  // namespace decnet::ingest
