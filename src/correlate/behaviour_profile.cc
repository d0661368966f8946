#include "correlate/behaviour_profile.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/hash.h"

namespace decnet::correlate {
namespace {

// A fixed key, because the hashes are saved with the profile and must mean the same in the next
// process. Service and decky names come from the deckies, not from attackers, so nobody aims
// collisions at it.
constexpr core::ShortHashKey kNameHashKey = {'d', 'e', 'c', 'n', 'e', 't', '.', 'b',
                                             'e', 'h', 'a', 'v', 'i', 'o', 'u', 'r'};

double round_to(double v, double scale) {
  return std::round(v * scale) / scale;
}
double round3(double v) {
  return round_to(v, 1e3);
}

constexpr double kMicrosPerSecond = 1e6;

std::optional<std::int64_t> integer_at(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

std::optional<double> number_at(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  const auto v = it->get<double>();
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

const nlohmann::json& array_at(const nlohmann::json& j, const char* key) {
  static const nlohmann::json empty = nlohmann::json::array();
  const auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : empty;
}

nlohmann::json optional_integer(const std::optional<std::int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::optional<KillChainPhase> parse_phase(std::string_view text) {
  for (std::size_t i = 0; i < kKillChainPhaseCount; ++i) {
    const auto phase = static_cast<KillChainPhase>(i);
    if (to_string(phase) == text) return phase;
  }
  return std::nullopt;
}

nlohmann::json save_kill_chain(const KillChainSummary& k) {
  auto phases = nlohmann::json::array();
  for (const auto& p : k.phases) phases.push_back({to_string(p.phase), p.first_ts_us});
  return {{"recon_end_us", optional_integer(k.recon_end_us)},
          {"exfil_start_us", optional_integer(k.exfil_start_us)},
          {"large_payloads", k.large_payload_count},
          {"phases", std::move(phases)}};
}

KillChainSummary restore_kill_chain(const nlohmann::json& j) {
  KillChainSummary k;
  k.recon_end_us = integer_at(j, "recon_end_us");
  k.exfil_start_us = integer_at(j, "exfil_start_us");
  k.large_payload_count = integer_at(j, "large_payloads").value_or(0);
  for (const auto& p : array_at(j, "phases")) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_string() || !p[1].is_number_integer()) continue;
    if (const auto phase = parse_phase(p[0].get<std::string>())) {
      k.phases.push_back({*phase, p[1].get<std::int64_t>()});
    }
  }
  return k;
}

}  // namespace

std::string_view to_string(BehaviourClass behaviour) {
  switch (behaviour) {
    case BehaviourClass::unknown:
      return "unknown";
    case BehaviourClass::slow_scan:
      return "slow_scan";
    case BehaviourClass::scanning:
      return "scanning";
    case BehaviourClass::brute_force:
      return "brute_force";
    case BehaviourClass::beaconing:
      return "beaconing";
    case BehaviourClass::interactive:
      return "interactive";
    case BehaviourClass::mixed:
      return "mixed";
  }
  return "unknown";
}

BehaviourClass classify_behaviour(const TimingStats& timing, std::int64_t services_count) {
  const auto n = timing.event_count;
  if (n < 3 || !timing.mean_iat_s) return BehaviourClass::unknown;
  const double mean = *timing.mean_iat_s;
  const auto& cv = timing.cv;
  if (services_count >= 2 && mean >= 10 && n >= 4) return BehaviourClass::slow_scan;
  if ((services_count >= 3 && mean < 10) || (services_count >= 2 && mean < 2)) {
    return BehaviourClass::scanning;
  }
  if (services_count == 1 && n >= 8 && mean < 5 && cv && *cv < 0.6) {
    return BehaviourClass::brute_force;
  }
  if (cv && *cv < 0.35 && mean >= 5 && n >= 4) return BehaviourClass::beaconing;
  if (cv && *cv >= 0.5 && mean < 5 && n >= 6) return BehaviourClass::interactive;
  return BehaviourClass::mixed;
}

namespace {
constexpr std::size_t kScannedNames = kNamesKept;
}  // namespace

void BehaviourProfile::FirstSeenNames::add(std::string_view name, std::int64_t ts_us) {
  name = name.substr(0, kMaxNameBytes);
  // Most attackers touch a handful of names: while every name counted is also kept, comparing
  // them is cheaper than hashing the name on every event.
  if (named_.size() == index_.size() && named_.size() <= kScannedNames) {
    for (auto& n : named_) {
      if (n.name == name) {
        n.first_seen_us = std::min(n.first_seen_us, ts_us);
        return;
      }
    }
  }
  const auto hash = core::keyed_hash64(kNameHashKey, name);
  if (const auto it = index_.find(hash); it != index_.end()) {
    if (it->second != kUnnamed) {
      auto& first = named_[it->second].first_seen_us;
      first = std::min(first, ts_us);
    }
    return;
  }
  if (index_.size() >= kNamesCounted) return;
  auto slot = kUnnamed;
  if (named_.size() < kNamesKept) {
    slot = static_cast<std::uint16_t>(named_.size());
    named_.push_back({std::string(name), ts_us});
  }
  index_.emplace(hash, slot);
}

std::vector<std::string> BehaviourProfile::FirstSeenNames::by_first_seen() const {
  auto ordered = named_;
  std::stable_sort(ordered.begin(), ordered.end(), [](const Named& a, const Named& b) {
    return a.first_seen_us < b.first_seen_us;
  });
  std::vector<std::string> names;
  names.reserve(ordered.size());
  for (auto& n : ordered) names.push_back(std::move(n.name));
  return names;
}

nlohmann::json BehaviourProfile::FirstSeenNames::save() const {
  auto names = nlohmann::json::array();
  for (const auto& n : named_) names.push_back({n.name, n.first_seen_us});
  auto others = nlohmann::json::array();
  if (index_.size() > named_.size()) {
    for (const auto& [hash, slot] : index_) {
      if (slot == kUnnamed) others.push_back(hash);
    }
  }
  return {{"names", std::move(names)}, {"others", std::move(others)}};
}

bool BehaviourProfile::FirstSeenNames::restore(const nlohmann::json& saved) {
  index_.clear();
  named_.clear();
  for (const auto& n : array_at(saved, "names")) {
    if (!n.is_array() || n.size() != 2 || !n[0].is_string() || !n[1].is_number_integer()) {
      return false;
    }
    add(n[0].get<std::string>(), n[1].get<std::int64_t>());
  }
  for (const auto& hash : array_at(saved, "others")) {
    if (!hash.is_number_unsigned()) return false;
    if (index_.size() >= kNamesCounted) break;
    index_.emplace(hash.get<std::uint64_t>(), kUnnamed);
  }
  return true;
}

void BehaviourProfile::add_interval(double iat_s) {
  ++interval_count_;
  const double delta = iat_s - interval_mean_s_;
  interval_mean_s_ += delta / static_cast<double>(interval_count_);
  interval_m2_ += delta * (iat_s - interval_mean_s_);
  if (interval_count_ == 1) {
    interval_min_s_ = interval_max_s_ = iat_s;
  } else {
    interval_min_s_ = std::min(interval_min_s_, iat_s);
    interval_max_s_ = std::max(interval_max_s_, iat_s);
  }
}

void BehaviourProfile::add(const BehaviourEvent& event) {
  const auto ts = event.ts_us;
  if (event_count_ == 0) {
    first_us_ = latest_us_ = ts;
  } else if (ts >= latest_us_) {
    add_interval(static_cast<double>(ts - latest_us_) / kMicrosPerSecond);
    latest_us_ = ts;
  } else {
    first_us_ = std::min(first_us_, ts);
  }
  ++event_count_;

  if (!event.service.empty()) services_.add(event.service, ts);
  if (!event.decky.empty() && !event.decky.starts_with("decnet-")) deckies_.add(event.decky, ts);
  if (kill_chain_.add(ts, event.event_type, event.payload_bytes) == KillChainPhase::execution) {
    ++commands_count_;
  }

  if (!event.user_agent.empty()) append_new_tools(tools_, match_user_agent(event.user_agent));
  if (!event.client_banner.empty()) {
    if (const auto banner = match_client_banner(event.client_banner)) {
      append_new_tools(tools_, {&*banner, 1});
    }
  }
  if (!event.command.empty()) append_new_tools(tools_, match_command(event.command));

  // Checked on every event so that command and control keeps the time beaconing was first
  // seen, even if later traffic blurs the timing.
  if (!kill_chain_.reached(KillChainPhase::command_and_control) &&
      classify_behaviour(timing(), services_.count()) == BehaviourClass::beaconing) {
    kill_chain_.reach(KillChainPhase::command_and_control, latest_us_);
  }
}

TimingStats BehaviourProfile::timing() const {
  TimingStats t;
  t.event_count = event_count_;
  if (event_count_ == 0) return t;
  t.duration_s = round3(static_cast<double>(latest_us_ - first_us_) / kMicrosPerSecond);
  if (interval_count_ == 0) return t;
  const double stdev = std::sqrt(interval_m2_ / static_cast<double>(interval_count_));
  t.mean_iat_s = round3(interval_mean_s_);
  t.stdev_iat_s = round3(stdev);
  t.min_iat_s = round3(interval_min_s_);
  t.max_iat_s = round3(interval_max_s_);
  if (interval_mean_s_ != 0) t.cv = round_to(stdev / interval_mean_s_, 1e4);
  return t;
}

nlohmann::json BehaviourProfile::save() const {
  auto tools = nlohmann::json::array();
  for (const auto& t : tools_) tools.push_back({t.tool, to_string(t.evidence)});
  return {{"events", event_count_},
          {"first_us", first_us_},
          {"latest_us", latest_us_},
          {"intervals",
           {{"n", interval_count_},
            {"mean", interval_mean_s_},
            {"m2", interval_m2_},
            {"min", interval_min_s_},
            {"max", interval_max_s_}}},
          {"services", services_.save()},
          {"deckies", deckies_.save()},
          {"kill_chain", save_kill_chain(kill_chain_.summary())},
          {"tools", std::move(tools)},
          {"commands", commands_count_}};
}

bool BehaviourProfile::restore(const nlohmann::json& saved) {
  *this = BehaviourProfile();
  if (!saved.is_object()) return false;
  const auto events = integer_at(saved, "events");
  const auto first = integer_at(saved, "first_us");
  const auto latest = integer_at(saved, "latest_us");
  const auto it = saved.find("intervals");
  if (!events || !first || !latest || it == saved.end() || !it->is_object()) return false;
  const auto& intervals = *it;
  const auto n = integer_at(intervals, "n");
  const auto mean = number_at(intervals, "mean");
  const auto m2 = number_at(intervals, "m2");
  const auto min = number_at(intervals, "min");
  const auto max = number_at(intervals, "max");
  const bool consistent = *events >= 0 && *first <= *latest && n && *n >= 0 &&
                          (*events == 0 || *n < *events) && mean && m2 && *m2 >= 0 && min && max &&
                          *min <= *max;
  const auto services = saved.find("services");
  const auto deckies = saved.find("deckies");
  const auto kill_chain = saved.find("kill_chain");
  if (!consistent || services == saved.end() || deckies == saved.end() ||
      kill_chain == saved.end() || !services_.restore(*services) || !deckies_.restore(*deckies)) {
    *this = BehaviourProfile();
    return false;
  }
  event_count_ = *events;
  first_us_ = *first;
  latest_us_ = *latest;
  interval_count_ = *n;
  interval_mean_s_ = *mean;
  interval_m2_ = *m2;
  interval_min_s_ = *min;
  interval_max_s_ = *max;
  kill_chain_ = KillChain(restore_kill_chain(*kill_chain));
  for (const auto& t : array_at(saved, "tools")) {
    if (!t.is_array() || t.size() != 2 || !t[0].is_string() || !t[1].is_string()) continue;
    const auto evidence = parse_tool_evidence(t[1].get<std::string>());
    if (!evidence) continue;
    if (const auto match = known_tool(t[0].get<std::string>(), *evidence)) {
      append_new_tools(tools_, {&*match, 1});
    }
  }
  commands_count_ = std::max<std::int64_t>(integer_at(saved, "commands").value_or(0), 0);
  return true;
}

BehaviourVerdict BehaviourProfile::verdict(bool names) const {
  BehaviourVerdict v;
  v.timing = timing();
  v.services_count = services_.count();
  if (names) v.services = services_.by_first_seen();
  v.behaviour = classify_behaviour(v.timing, v.services_count);
  if (v.behaviour == BehaviourClass::beaconing) {
    v.beacon_interval_s = v.timing.mean_iat_s;
    v.beacon_jitter_pct = round_to(*v.timing.cv * 100.0, 1e2);
    v.tools = match_beacon_timing(*v.timing.mean_iat_s, *v.timing.cv);
  }
  append_new_tools(v.tools, tools_);
  v.kill_chain = kill_chain_.summary();

  auto& traversal = v.traversal;
  if (names) traversal.deckies = deckies_.by_first_seen();
  traversal.decky_count = deckies_.count();
  for (const auto& decky : traversal.deckies) {
    if (!traversal.path.empty()) traversal.path += " → ";
    traversal.path += decky;
  }
  traversal.is_traversal = traversal.decky_count >= kMinTraversalDeckies;

  v.commands_count = commands_count_;
  if (event_count_ > 0) {
    v.first_seen_us = first_us_;
    v.last_seen_us = latest_us_;
  }
  return v;
}

}  // namespace decnet::correlate
