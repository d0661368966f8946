#include "correlate/session_tracker.h"

#include <algorithm>
#include <array>
#include <span>
#include <unordered_set>

#include "core/uuid.h"

namespace decnet::correlate {
namespace {

constexpr std::size_t kWaitingPerAddress = 64;
constexpr std::int64_t kWaitingFor = 3'600'000'000;  // a bash command waits an hour for its session
// Sensors' clocks drift: a command stamped a little outside its recording still belongs to it.
constexpr std::int64_t kWindowSlack = 2'000'000;

bool one_of(std::string_view value, std::span<const std::string_view> set) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

std::string key_of(std::string_view target, std::string_view session_id) {
  std::string key(target);
  key.push_back('\x1f');
  key.append(session_id);
  return key;
}

}  // namespace

bool is_command_event(std::string_view event_type) {
  // container_create and pod_create carry the command a container is started with.
  static constexpr std::array<std::string_view, 11> kTypes = {
      "command",   "exec", "query",     "input",         "shell_input",
      "execute",   "run",  "sql_query", "redis_command", "container_create",
      "pod_create"};
  return one_of(event_type, kTypes);
}

bool opens_session(std::string_view event_type) {
  static constexpr std::array<std::string_view, 5> kTypes = {
      "connect", "connection", "session_start", "session_opened", "new_connection"};
  return one_of(event_type, kTypes);
}

bool ends_session(std::string_view event_type) {
  static constexpr std::array<std::string_view, 7> kTypes = {
      "disconnect",     "session_recorded",  "session_end",
      "session_closed", "connection_closed", "close",
      "logout"};
  return one_of(event_type, kTypes);
}

std::vector<store::Session> SessionChanges::rows() const {
  // Later states win: an end over a refresh over a start.
  std::vector<store::Session> out;
  std::unordered_set<std::string> written;
  for (const auto* list : {&ended, &refreshed, &started}) {
    for (auto it = list->rbegin(); it != list->rend(); ++it) {
      if (written.insert(it->uuid).second) out.push_back(*it);
    }
  }
  return out;
}

SessionTracker::SessionTracker(SessionTrackerOptions options) : options_(options) {
  options_.max_open = std::max<std::size_t>(options_.max_open, 1);
}

void SessionTracker::resume(std::vector<store::Session> open_sessions, std::int64_t now_received) {
  for (auto& s : open_sessions) {
    if (open_.size() >= options_.max_open) break;
    std::string target = s.attacker_ip + '\x1f' + s.decky + '\x1f' + s.service;
    std::string key = key_of(target, s.session_id.value_or(""));
    if (open_.contains(key)) continue;
    latest_on_target_[target] = key;
    by_silence_.emplace(now_received, key);
    open_.emplace(key, Open{std::move(s), key, std::move(target), now_received, true});
  }
}

void SessionTracker::add(const ProfileEvent& e, SessionChanges& changes) {
  if (e.attacker_ip.empty()) return;
  std::string target = e.attacker_ip + '\x1f' + e.decky + '\x1f' + e.service;
  const bool recorded = e.event_type == "session_recorded";
  const bool command = !e.command.empty();

  std::string key;
  if (!e.session_id.empty()) {
    key = key_of(target, e.session_id);
    if (!open_.contains(key)) {
      // A connection opened without an id and now named by the decky: keep it, with its id.
      const auto latest = latest_on_target_.find(target);
      if (latest != latest_on_target_.end() && latest->second == key_of(target, "")) {
        auto node = open_.extract(latest->second);
        by_silence_.erase({node.mapped().last_received, node.key()});
        node.key() = key;
        node.mapped().key = key;
        node.mapped().session.session_id = e.session_id;
        by_silence_.emplace(node.mapped().last_received, key);
        if (!node.mapped().announced) to_announce_.emplace_back(e.received_at, key);
        open_.insert(std::move(node));
        latest->second = key;
      } else {
        open(e, key, target, changes);
      }
    }
  } else if (opens_session(e.event_type)) {
    key = key_of(target, "");
    if (open_.contains(key)) end(key, e.ts, "replaced", changes);
    open(e, key, target, changes);
  } else {
    const auto latest = latest_on_target_.find(target);
    if (latest == latest_on_target_.end()) {
      if (recorded) {
        key = key_of(target, "");
        open(e, key, target, changes);
      } else {
        if (command) wait_for_recording(e);
        return;
      }
    } else {
      key = latest->second;
    }
  }

  auto& s = open_.at(key);
  touch(s, e);
  if (recorded) {
    s.session.started_at = std::min(
        s.session.started_at,
        e.ts - static_cast<std::int64_t>(std::clamp(e.duration_s.value_or(0.0), 0.0, 1e9) * 1e6));
    s.session.outcome = store::SessionOutcome::kLoggedIn;
    attach_waiting(s);
  }
  if (ends_session(e.event_type)) end(key, e.ts, "end_event", changes);
}

SessionTracker::Open& SessionTracker::open(const ProfileEvent& e, const std::string& key,
                                           std::string target, SessionChanges& changes) {
  if (open_.size() >= options_.max_open && !by_silence_.empty()) {
    const auto oldest = by_silence_.begin()->second;
    end(oldest, open_.at(oldest).session.last_event_at, "evicted", changes);
  }
  store::Session s;
  s.uuid = core::Uuid::v7().str();
  s.attacker_ip = e.attacker_ip;
  s.decky = e.decky;
  s.service = e.service;
  if (!e.session_id.empty()) s.session_id = e.session_id;
  s.started_at = s.last_event_at = e.ts;
  latest_on_target_[target] = key;
  by_silence_.emplace(e.received_at, key);
  to_announce_.emplace_back(e.received_at, key);
  auto [it, inserted] =
      open_.emplace(key, Open{std::move(s), key, std::move(target), e.received_at, false});
  return it->second;
}

void SessionTracker::touch(Open& s, const ProfileEvent& e) {
  auto& row = s.session;
  row.event_count += 1;
  row.started_at = std::min(row.started_at, e.ts);
  row.last_event_at = std::max(row.last_event_at, e.ts);
  if (e.bytes > 0) row.bytes += e.bytes;
  if (e.auth_attempt) {
    row.auth_attempts += 1;
    if (row.outcome == store::SessionOutcome::kClosed)
      row.outcome = store::SessionOutcome::kAuthFailed;
  }
  if (e.auth_success) row.outcome = store::SessionOutcome::kLoggedIn;
  if (!e.command.empty()) {
    append_command(row, e.command, e.ts);
    row.outcome = store::SessionOutcome::kLoggedIn;
  }
  if (e.received_at != s.last_received) {
    by_silence_.erase({s.last_received, s.key});
    s.last_received = std::max(s.last_received, e.received_at);
    by_silence_.emplace(s.last_received, s.key);
  }
}

void SessionTracker::end(const std::string& key, std::int64_t at, std::string_view reason,
                         SessionChanges& changes) {
  auto node = open_.extract(key);
  if (node.empty()) return;
  auto& s = node.mapped();
  by_silence_.erase({s.last_received, key});
  const auto latest = latest_on_target_.find(s.target);
  if (latest != latest_on_target_.end() && latest->second == key) latest_on_target_.erase(latest);
  s.session.ended_at = std::max(at, s.session.last_event_at);
  s.session.end_reason = std::string(reason);
  if (!s.announced) changes.started.push_back(s.session);
  changes.ended.push_back(std::move(s.session));
}

void SessionTracker::close_silent(std::int64_t now_received, SessionChanges& changes) {
  while (!by_silence_.empty() &&
         by_silence_.begin()->first + options_.idle_timeout_us < now_received) {
    const auto key = by_silence_.begin()->second;
    const auto it = open_.find(key);
    if (it == open_.end()) {
      by_silence_.erase(by_silence_.begin());
      continue;
    }
    end(key, it->second.session.last_event_at, "silence", changes);
  }
  while (!to_announce_.empty() &&
         to_announce_.front().first + options_.announce_after_us <= now_received) {
    const auto it = open_.find(to_announce_.front().second);
    if (it != open_.end() && !it->second.announced) {
      it->second.announced = true;
      changes.started.push_back(it->second.session);
    }
    to_announce_.pop_front();
  }
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    auto& list = it->second;
    while (!list.empty() && list.front().received_at + kWaitingFor < now_received) {
      list.pop_front();
    }
    it = list.empty() ? waiting_.erase(it) : std::next(it);
  }
}

std::vector<store::Session> SessionTracker::open_sessions() const {
  std::vector<store::Session> out;
  out.reserve(open_.size());
  for (const auto& [key, s] : open_) out.push_back(s.session);
  return out;
}

void SessionTracker::wait_for_recording(const ProfileEvent& e) {
  auto it = waiting_.find(e.attacker_ip);
  if (it == waiting_.end()) {
    if (waiting_.size() >= options_.max_open) return;
    it = waiting_.emplace(e.attacker_ip, std::deque<WaitingCommand>{}).first;
  }
  auto& list = it->second;
  if (list.size() >= kWaitingPerAddress) list.pop_front();
  list.push_back({e.command.substr(0, store::kMaxSessionCommandBytes), e.ts, e.received_at});
}

void SessionTracker::attach_waiting(Open& s) {
  const auto it = waiting_.find(s.session.attacker_ip);
  if (it == waiting_.end()) return;
  auto& list = it->second;
  const auto from = s.session.started_at - kWindowSlack;
  const auto to = s.session.last_event_at + kWindowSlack;
  std::vector<WaitingCommand> taken;
  std::erase_if(list, [&](const WaitingCommand& c) {
    if (c.ts < from || c.ts > to) return false;
    taken.push_back(c);
    return true;
  });
  std::stable_sort(taken.begin(), taken.end(),
                   [](const auto& a, const auto& b) { return a.ts < b.ts; });
  for (const auto& c : taken) append_command(s.session, c.command, c.ts);
  if (list.empty()) waiting_.erase(it);
}

void SessionTracker::append_command(store::Session& s, std::string_view command, std::int64_t ts) {
  s.command_count += 1;
  if (s.commands.size() >= store::kMaxSessionCommands) return;
  s.commands.push_back({std::string(command.substr(0, store::kMaxSessionCommandBytes)), ts});
}

}  // namespace decnet::correlate
