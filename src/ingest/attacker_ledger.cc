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

std::string AttackerLedger::target_key(const store::TargetActivity& t) {
  return t.decky + '\x1f' + t.service;
}

// Known targets only: one UPDATE per row touched. A new target also changes the attacker's
// service and decky lists, which the full path maintains.
void AttackerLedger::write(store::Repository& repo, store::WriteScope& scope, Entry& entry) {
  const bool all_known =
      std::all_of(entry.pending.targets.begin(), entry.pending.targets.end(),
                  [&](const auto& t) { return entry.targets.count(target_key(t)); });
  if (all_known) {
    repo.attackers().add_known_activity(scope, entry.uuid, entry.pending);
  } else {
    repo.attackers().record_activity(scope, entry.pending);
    for (const auto& t : entry.pending.targets) entry.targets.insert(target_key(t));
  }
  entry.pending = {};
}

LedgerResult AttackerLedger::record(store::Repository& repo, store::WriteScope& scope,
                                    const store::AttackerActivity& activity) {
  auto it = entries_.find(activity.ip);
  if (it != entries_.end()) {
    if (it->second.pending.ip.empty()) dirty_.push_back({activity.ip, core::now_micros()});
    merge(it->second.pending, activity);
    return {it->second.uuid, false};
  }
  const auto result = repo.attackers().record_activity(scope, activity);
  if (entries_.size() >= options_.max_entries) {
    flush_all(repo, scope);
    entries_.clear();
  }
  Entry entry{result.uuid, {}, {}};
  for (const auto& t : activity.targets) entry.targets.insert(target_key(t));
  entries_.emplace(activity.ip, std::move(entry));
  return {result.uuid, result.created};
}

void AttackerLedger::flush_due(store::Repository& repo, store::WriteScope& scope,
                               std::size_t limit) {
  const auto due = core::now_micros() - options_.flush_after_us;
  limit = std::min(limit, options_.flush_per_batch);
  std::size_t written = 0;
  while (!dirty_.empty() && dirty_.front().since <= due && written < limit) {
    written += write_oldest(repo, scope);
  }
}

void AttackerLedger::flush_all(store::Repository& repo, store::WriteScope& scope) {
  while (!dirty_.empty()) write_oldest(repo, scope);
}

bool AttackerLedger::write_oldest(store::Repository& repo, store::WriteScope& scope) {
  auto it = entries_.find(dirty_.front().ip);
  dirty_.pop_front();
  if (it == entries_.end() || it->second.pending.ip.empty()) return false;
  write(repo, scope, it->second);
  return true;
}

}  // namespace decnet::ingest
