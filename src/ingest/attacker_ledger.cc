#include "ingest/attacker_ledger.h"

#include <algorithm>

#include "core/time.h"
#include "store/state_repository.h"

namespace decnet::ingest {

void AttackerLedger::merge(Entry& entry, const store::AttackerActivity& more) {
  auto& into = entry.pending;
  if (into.ip.empty()) {
    into.ip = more.ip;
    into.first_seen = more.first_seen;
    into.last_seen = more.last_seen;
  }
  into.first_seen = std::min(into.first_seen, more.first_seen);
  into.last_seen = std::max(into.last_seen, more.last_seen);
  into.event_count += more.event_count;
  into.credential_count += more.credential_count;
  for (const auto& t : more.targets) {
    const auto [it, fresh] = entry.pending_index.try_emplace(target_key(t), into.targets.size());
    if (fresh) {
      into.targets.push_back(t);
      continue;
    }
    auto& same = into.targets[it->second];
    same.first_seen = std::min(same.first_seen, t.first_seen);
    same.last_seen = std::max(same.last_seen, t.last_seen);
    same.event_count += t.event_count;
  }
}

void AttackerLedger::remember(Entry& entry, const std::vector<store::TargetActivity>& targets) {
  for (const auto& t : targets) {
    if (entry.targets_overflow) return;
    entry.targets.insert(target_key(t));
    entry.services.insert(t.service);
    entry.deckies.insert(t.decky);
    if (entry.targets.size() > kMaxRememberedTargets) {
      entry.targets.clear();
      entry.services.clear();
      entry.deckies.clear();
      entry.targets_overflow = true;
    }
  }
}

std::string AttackerLedger::target_key(const store::TargetActivity& t) {
  return t.decky + '\x1f' + t.service;
}

// The ledger knows every target of the attacker, so it tells the store which are new and which
// services and deckies they add; the store then inserts and updates without looking anything up.
// An attacker with more targets than the ledger remembers takes the full path.
void AttackerLedger::write(store::Repository& repo, store::WriteScope& scope, Entry& entry) {
  if (entry.targets_overflow) {
    repo.attackers().record_activity(scope, entry.pending);
  } else {
    store::TargetNews news;
    const auto& targets = entry.pending.targets;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      if (entry.targets.contains(target_key(targets[i]))) continue;
      news.new_targets.push_back(i);
      if (entry.services.insert(targets[i].service).second) {
        news.new_services.push_back(targets[i].service);
      }
      if (entry.deckies.insert(targets[i].decky).second) {
        news.new_deckies.push_back(targets[i].decky);
      }
    }
    repo.attackers().add_known_activity(scope, entry.id, entry.pending, news);
    remember(entry, targets);
  }
  entry.pending = {};
  entry.pending_index.clear();
}

LedgerResult AttackerLedger::record(store::Repository& repo, store::WriteScope& scope,
                                    const store::AttackerActivity& activity) {
  auto it = entries_.find(activity.ip);
  if (it != entries_.end()) {
    if (it->second.pending.ip.empty()) dirty_.push_back({activity.ip, core::now_micros()});
    merge(it->second, activity);
    return {it->second.uuid, it->second.id, false};
  }
  const auto result = repo.attackers().record_activity(scope, activity);
  if (entries_.size() >= options_.max_entries) {
    flush_all(repo, scope);
    entries_.clear();
  }
  Entry entry;
  entry.uuid = result.uuid;
  entry.id = result.id;
  if (!result.created) {
    // Stored before this ledger met it: learn the targets it already has (this activity's
    // included, written just now in the same transaction).
    remember(entry, repo.attackers().targets_in(scope, result.id, kMaxRememberedTargets + 1));
  }
  remember(entry, activity.targets);
  entries_.emplace(activity.ip, std::move(entry));
  return {result.uuid, result.id, result.created};
}

std::optional<store::AttackerRef> AttackerLedger::find(store::Repository& repo,
                                                       store::WriteScope& scope,
                                                       const std::string& ip) const {
  if (const auto it = entries_.find(ip); it != entries_.end()) {
    return store::AttackerRef{it->second.id, it->second.uuid};
  }
  return repo.attackers().find_in(scope, ip);
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
  save_mark(repo, scope);
}

void AttackerLedger::forget() {
  entries_.clear();
  dirty_.clear();
  last_log_id_ = 0;
  saved_mark_ = -1;
}

void AttackerLedger::stamp_logs(std::int64_t first_log_id, std::size_t count) {
  if (count == 0) return;
  for (auto it = dirty_.rbegin(); it != dirty_.rend() && it->first_log_id == 0; ++it) {
    it->first_log_id = first_log_id;
  }
  last_log_id_ = first_log_id + static_cast<std::int64_t>(count) - 1;
}

std::int64_t AttackerLedger::counted_through() const {
  if (dirty_.empty() || dirty_.front().first_log_id == 0) return last_log_id_;
  return dirty_.front().first_log_id - 1;
}

void AttackerLedger::save_mark(store::Repository& repo, store::WriteScope& scope) {
  const auto mark = counted_through();
  if (mark == saved_mark_ || last_log_id_ == 0) return;
  repo.state().put(scope, kCountedThroughKey, {{"log_id", mark}});
  saved_mark_ = mark;
}

bool AttackerLedger::write_oldest(store::Repository& repo, store::WriteScope& scope) {
  auto it = entries_.find(dirty_.front().ip);
  dirty_.pop_front();
  if (it == entries_.end() || it->second.pending.ip.empty()) return false;
  write(repo, scope, it->second);
  return true;
}

}  // namespace decnet::ingest
