#include "correlate/attacker_profiler.h"

#include <cmath>
#include <deque>
#include <nlohmann/json.hpp>
#include <queue>
#include <unordered_set>

#include "core/json_text.h"
#include "core/time.h"
#include "correlate/attacker_score.h"
#include "correlate/behaviour_profile.h"
#include "correlate/feature_hashing.h"
#include "correlate/fingerprint_vector.h"
#include "store/attacker_repository.h"

namespace decnet::correlate {
namespace {

constexpr int kStateVersion = 1;

nlohmann::json optional_number(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json timing_json(const TimingStats& t) {
  return {{"event_count", t.event_count},
          {"duration_s", t.duration_s},
          {"mean_iat_s", optional_number(t.mean_iat_s)},
          {"stdev_iat_s", optional_number(t.stdev_iat_s)},
          {"min_iat_s", optional_number(t.min_iat_s)},
          {"max_iat_s", optional_number(t.max_iat_s)},
          {"cv", optional_number(t.cv)}};
}

nlohmann::json phases_json(const KillChainSummary& k) {
  auto list = nlohmann::json::array();
  for (const auto& p : k.phases) {
    list.push_back({{"phase", to_string(p.phase)}, {"first_at", p.first_ts_us}});
  }
  return list;
}

nlohmann::json tools_json(const std::vector<ToolMatch>& tools) {
  auto list = nlohmann::json::array();
  for (const auto& t : tools) {
    list.push_back(
        {{"tool", t.tool}, {"evidence", to_string(t.evidence)}, {"automated", t.automated}});
  }
  return list;
}

}  // namespace

std::vector<float> timing_vector(const BehaviourVerdict& v) {
  const auto log = [](const std::optional<double>& x) {
    return static_cast<float>(x ? std::log1p(std::max(*x, 0.0)) : 0.0);
  };
  const auto& t = v.timing;
  return {static_cast<float>(std::log1p(static_cast<double>(t.event_count))),
          static_cast<float>(std::log1p(std::max(t.duration_s, 0.0))),
          log(t.mean_iat_s),
          log(t.stdev_iat_s),
          log(t.min_iat_s),
          log(t.max_iat_s),
          static_cast<float>(t.cv ? std::min(*t.cv, 10.0) : 0.0),
          static_cast<float>(std::log1p(static_cast<double>(v.services_count)))};
}

// The profiles held in memory, least recently active last.
class AttackerProfiles {
 public:
  struct Held {
    BehaviourProfile behaviour;
    std::int64_t credential_count = 0;
    bool logged_in = false;
    // Its latest commands ({service, decky, command, timestamp}), as its row lists them.
    std::deque<nlohmann::json> commands;
    // As last written: a new class, or a score past a threshold, is written at once.
    std::int64_t score = 0;
    std::string behavior_class = "unknown";
    std::int64_t announced = 0;  // the score of the last attacker.scored (crossed_threshold)
    std::int64_t written_at = 0;
    std::int64_t judged_at = 0;
    bool unjudged = false;  // events since the last verdict; listed in AttackerProfiles::unjudged
    bool stored = false;    // the attacker has a behaviour row
    bool first_verdict_due = false;  // a judge is scheduled for when its first verdict is due
    std::uint64_t ja3_seen = 0;      // the last client hello's fingerprint, sent as a vector once
    std::list<std::string>::iterator recency;
  };

  std::unordered_map<std::string, Held> held;
  std::list<std::string> recency;  // most recent first
  // Addresses with events since their last verdict, soonest due first (due = last verdict +
  // judge interval), listed once per verdict; Held::unjudged tells which entries still are.
  using Due = std::pair<std::int64_t, std::string>;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> unjudged;

  // Takes every address waiting for a verdict, due or not.
  std::vector<std::string> take_unjudged() {
    std::vector<std::string> out;
    out.reserve(unjudged.size());
    while (!unjudged.empty()) {
      out.push_back(unjudged.top().second);
      unjudged.pop();
    }
    return out;
  }
  std::unordered_set<std::string> unwritten;  // a verdict newer than the stored row

  Held& touch(Held& p) {
    if (p.recency != recency.begin()) recency.splice(recency.begin(), recency, p.recency);
    return p;
  }

  Held& hold(const std::string& ip, bool& created) {
    auto it = held.find(ip);
    created = it == held.end();
    if (created) {
      it = held.emplace(ip, Held{}).first;
      recency.push_front(ip);
      it->second.recency = recency.begin();
    } else if (it->second.recency != recency.begin()) {
      recency.splice(recency.begin(), recency, it->second.recency);
    }
    return it->second;
  }
};

AttackerProfiler::AttackerProfiler(ProfilerOptions options)
    : options_(std::move(options)),
      sessions_(options_.sessions),
      profiles_(std::make_unique<AttackerProfiles>()) {
  options_.max_profiles = std::max<std::size_t>(options_.max_profiles, 1);
}

AttackerProfiler::~AttackerProfiler() = default;

std::size_t AttackerProfiler::profiles() const {
  return profiles_->held.size();
}

void AttackerProfiler::resume_sessions(std::vector<store::Session> open,
                                       std::int64_t now_received) {
  sessions_.resume(std::move(open), now_received);
}

void AttackerProfiler::resume_profiles(const std::vector<store::AttackerBehaviour>& stored) {
  for (const auto& row : stored) {
    bool created = false;
    auto& p = profiles_->hold(row.attacker_ip, created);
    if (!created) continue;
    const auto state = nlohmann::json::parse(row.state, nullptr, false);
    if (state.is_object() && state.value("v", 0) == kStateVersion) {
      if (const auto it = state.find("profile"); it != state.end()) p.behaviour.restore(*it);
      p.credential_count = std::max<std::int64_t>(state.value("credentials", 0), 0);
      p.logged_in = state.value("logged_in", false);
      p.announced = state.value("announced", row.score);
    } else {
      p.announced = row.score;
    }
    // Rows written before the commands moved out of `state` still carry them there.
    auto commands = state.is_object() ? state.value("commands", nlohmann::json()) : nullptr;
    if (!commands.is_array()) commands = nlohmann::json::parse(row.commands, nullptr, false);
    if (commands.is_array()) {
      for (const auto& c : commands) {
        if (c.is_object() && p.commands.size() < store::kMaxAttackerCommands) {
          p.commands.push_back(c);
        }
      }
    }
    p.score = row.score;
    p.behavior_class = row.behavior_class;
    p.written_at = row.updated_at;
    p.stored = true;
  }
}

void AttackerProfiler::note_fingerprint(const ProfileEvent& e, ProfileUpdate& update) {
  std::vector<float> vector;
  if (e.fingerprint_kind == "ja3") {
    vector = ja3_vector(e.fingerprint, e.fingerprint_text);
  } else if (e.fingerprint_kind == "hassh") {
    vector = hassh_vector(e.fingerprint, e.fingerprint_text);
  } else if (e.fingerprint_kind == "jarm") {
    vector = jarm_vector(e.fingerprint);
  }
  if (!vector.empty())
    update.vectors.push_back({e.attacker_ip, e.fingerprint_kind, std::move(vector)});
}

void AttackerProfiler::note_commands(std::size_t first_ended, ProfileUpdate& update) {
  std::vector<std::string> changed;
  for (std::size_t i = first_ended; i < update.sessions.ended.size(); ++i) {
    const auto& s = update.sessions.ended[i];
    if (s.commands.empty()) continue;
    const auto it = profiles_->held.find(s.attacker_ip);
    if (it == profiles_->held.end()) continue;
    auto& list = it->second.commands;
    for (const auto& c : s.commands) {
      list.push_back({{"service", s.service},
                      {"decky", s.decky},
                      {"command", c.command},
                      {"timestamp", core::format_rfc3339(c.ts)}});
      if (list.size() > store::kMaxAttackerCommands) list.pop_front();
    }
    if (std::find(changed.begin(), changed.end(), s.attacker_ip) == changed.end()) {
      changed.push_back(s.attacker_ip);
    }
  }
  for (const auto& ip : changed) {
    update.commands.push_back(
        {ip, core::json_text(nlohmann::json(profiles_->held.at(ip).commands))});
  }
}

void AttackerProfiler::observe(const std::vector<ProfileEvent>& events, std::int64_t now_received,
                               ProfileUpdate& update, const StoredProfiles& stored) {
  const auto first_ended = update.sessions.ended.size();
  // Addresses not held are looked up in the store once per batch, before their events count.
  std::vector<AttackerProfiles::Held*> held(events.size(), nullptr);
  std::vector<std::string> unknown;
  std::unordered_set<std::string_view> asked;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].probe) continue;
    const auto it = profiles_->held.find(events[i].attacker_ip);
    if (it != profiles_->held.end()) {
      held[i] = &it->second;
    } else if (asked.insert(events[i].attacker_ip).second) {
      unknown.push_back(events[i].attacker_ip);
    }
  }
  if (!unknown.empty() && stored) resume_profiles(stored(unknown));
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.probe) {
      if (!e.fingerprint_kind.empty()) note_fingerprint(e, update);
      continue;
    }
    sessions_.add(e, update.sessions);
    bool created = false;
    auto& p = held[i] ? profiles_->touch(*held[i]) : profiles_->hold(e.attacker_ip, created);
    if (created) p.written_at = now_received;
    if (!e.fingerprint_kind.empty()) {
      const auto seen =
          HashedFeatures::fnv1a(e.fingerprint_text, HashedFeatures::fnv1a(e.fingerprint));
      if (seen != p.ja3_seen) {
        p.ja3_seen = seen;
        note_fingerprint(e, update);
      }
    }
    p.behaviour.add({e.ts, e.decky, e.service, e.event_type, e.user_agent, e.command, e.bytes,
                     e.client_banner});
    if (e.auth_attempt) p.credential_count += 1;
    if (e.auth_success || !e.command.empty() || e.event_type == "session_recorded") {
      p.logged_in = true;
    }
    if (!p.unjudged) {
      p.unjudged = true;
      profiles_->unjudged.emplace(p.judged_at + options_.judge_interval_us, e.attacker_ip);
    }
  }
  note_commands(first_ended, update);
  judge_due(now_received, update);
  while (profiles_->held.size() > options_.max_profiles) {
    const auto ip = profiles_->recency.back();
    if (profiles_->held.at(ip).unjudged || profiles_->unwritten.contains(ip)) {
      judge(ip, now_received, true, update);
    }
    profiles_->unwritten.erase(ip);
    profiles_->recency.pop_back();
    profiles_->held.erase(ip);
  }
}

// Each attacker is judged at most once per judge interval, however many batches its events
// come in: a verdict builds the whole profile's summary, which per line would cost more than
// the line itself.
void AttackerProfiler::judge_due(std::int64_t now, ProfileUpdate& update) {
  auto& due = profiles_->unjudged;
  while (!due.empty() && due.top().first <= now) {
    const auto ip = due.top().second;
    due.pop();
    const auto it = profiles_->held.find(ip);
    if (it != profiles_->held.end() && (it->second.unjudged || !it->second.stored)) {
      judge(ip, now, false, update);
    }
  }
}

void AttackerProfiler::tick(std::int64_t now_received, ProfileUpdate& update) {
  const auto first_ended = update.sessions.ended.size();
  sessions_.close_silent(now_received, update.sessions);
  note_commands(first_ended, update);
  judge_due(now_received, update);
  std::vector<std::string> due;
  for (const auto& ip : profiles_->unwritten) {
    const auto it = profiles_->held.find(ip);
    if (it == profiles_->held.end() ||
        now_received - it->second.written_at >= options_.refresh_interval_us) {
      due.push_back(ip);
    }
  }
  for (const auto& ip : due) judge(ip, now_received, true, update);
}

void AttackerProfiler::settle(std::int64_t now_received, ProfileUpdate& update) {
  for (const auto& ip : profiles_->take_unjudged()) {
    const auto it = profiles_->held.find(ip);
    if (it != profiles_->held.end() && it->second.unjudged) judge(ip, now_received, false, update);
  }
}

void AttackerProfiler::flush_all(std::int64_t now_received, ProfileUpdate& update) {
  std::unordered_set<std::string> held_back(profiles_->unwritten.begin(),
                                            profiles_->unwritten.end());
  for (const auto& ip : profiles_->take_unjudged()) {
    const auto it = profiles_->held.find(ip);
    if (it != profiles_->held.end() && it->second.unjudged) held_back.insert(ip);
  }
  for (const auto& ip : held_back) judge(ip, now_received, true, update);
  update.sessions.refreshed = sessions_.open_sessions();
}

// Scores the attacker and writes its row when the verdict changed, when `write` says so, or when
// its figures drifted for longer than the refresh interval; otherwise marks it for later.
void AttackerProfiler::judge(const std::string& ip, std::int64_t now, bool write,
                             ProfileUpdate& update) {
  const auto it = profiles_->held.find(ip);
  if (it == profiles_->held.end()) {
    profiles_->unwritten.erase(ip);
    return;
  }
  auto& p = it->second;
  p.judged_at = now;
  p.unjudged = false;
  const auto verdict = p.behaviour.verdict(false);
  auto input = score_input(verdict);
  input.credential_count = p.credential_count;
  input.logged_in = p.logged_in;
  const auto score = attacker_score(input);
  const auto behavior_class = std::string(to_string(verdict.behaviour));
  const auto crossing =
      crossed_threshold(static_cast<int>(p.announced), score.score, options_.score_thresholds);
  // A threshold crossed, a new class, or the first verdict of an attacker seen for
  // first_verdict_after is news; anything else (a score moving within its band, a phase or tool,
  // the timing) is written with the next refresh. A first verdict waits because one event says
  // little: an attacker that goes on is written once, with a class that means something, instead
  // of once per step of its first seconds. (written_at of a profile never written is when it
  // was first held.)
  const bool first_due = !p.stored && now - p.written_at >= options_.first_verdict_after_us;
  const bool news = crossing || (p.stored && behavior_class != p.behavior_class) || first_due;
  if (!news && !write && now - p.written_at < options_.refresh_interval_us) {
    profiles_->unwritten.insert(ip);
    if (!p.stored && !p.first_verdict_due) {
      p.first_verdict_due = true;
      profiles_->unjudged.emplace(p.written_at + options_.first_verdict_after_us, ip);
    }
    return;
  }
  if (crossing) {
    update.scored.push_back({ip, p.announced, score.score, crossing->threshold,
                             crossing->direction == ThresholdDirection::upward, behavior_class,
                             score.reasons});
  }
  store::AttackerBehaviour row;
  row.attacker_ip = ip;
  row.behavior_class = behavior_class;
  row.score = score.score;
  row.reasons = core::json_text(score.reasons);
  row.timing = core::json_text(timing_json(verdict.timing));
  row.beacon_interval_s = verdict.beacon_interval_s;
  row.beacon_jitter_pct = verdict.beacon_jitter_pct;
  row.phases = core::json_text(phases_json(verdict.kill_chain));
  row.tools = core::json_text(tools_json(verdict.tools));
  row.state = core::json_text({{"v", kStateVersion},
                               {"profile", p.behaviour.save()},
                               {"credentials", p.credential_count},
                               {"logged_in", p.logged_in},
                               {"announced", p.announced}});
  row.updated_at = now;
  update.behaviours.push_back(std::move(row));
  update.vectors.push_back({ip, "timing", timing_vector(verdict)});
  if (crossing) p.announced = score.score;
  p.score = score.score;
  p.behavior_class = behavior_class;
  p.written_at = now;
  p.stored = true;
  profiles_->unwritten.erase(ip);
}

}  // namespace decnet::correlate
