#include "ingest/attacker_ledger.h"

#include <algorithm>

#include "core/time.h"

namespace decnet::ingest {

void AttackerLedger::merge(store::AttackerActivity& into, const store::AttackerActivity& more) {
  if (into.ip.empty()) {
    into = more;
    return;
  }
  into.first_seen = std::min(into.first_seen, more.first_seen);
  into.last_seen = std::max(into.last_seen, more.last_seen);
  into.event_count += more.event_count;
  into.credential_count += more.credential_count;
  for (const auto& t : more.targets) {
    auto same = std::find_if(into.targets.begin(), into.targets.end(), [&](const auto& x) {
      return x.decky == t.decky && x.service == t.service;
    });
    if (same == into.targets.end()) {
      into.targets.push_back(t);
    } else {
      same->first_seen = std::min(same->first_seen, t.first_seen);
      same->last_seen = std::max(same->last_seen, t.last_seen);
      same->event_count += t.event_count;
    }
  }
}

LedgerResult AttackerLedger::record(store::Repository& repo, store::WriteScope& scope,
                                    const store::AttackerActivity& activity) {
  auto it = entries_.find(activity.ip);
  if (it != entries_.end()) {
    if (it->second.pending.ip.empty()) ++dirty_;
    merge(it->second.pending, activity);
    return {it->second.uuid, false};
  }
  const auto result = repo.attackers().record_activity(scope, activity);
  if (entries_.size() >= max_entries_) flush(repo, scope, true), entries_.clear();
  entries_.emplace(activity.ip, Entry{result.uuid, {}});
  return {result.uuid, result.created};
}

void AttackerLedger::flush(store::Repository& repo, store::WriteScope& scope, bool force) {
  const auto now = core::now_micros();
  if (!force && now - last_flush_ < flush_interval_us_) return;
  last_flush_ = now;
  if (dirty_ == 0) return;
  for (auto& [ip, entry] : entries_) {
    if (entry.pending.ip.empty()) continue;
    repo.attackers().record_activity(scope, entry.pending);
    entry.pending = {};
  }
  dirty_ = 0;
}

}  // namespace decnet::ingest
