#include "identity/attribution_worker.h"

#include <spdlog/spdlog.h>

#include "bus/topics.h"
#include "core/json_text.h"
#include "core/log_limiter.h"
#include "core/thread_name.h"
#include "core/time.h"
#include "identity/attribution_merge.h"
#include "identity/behave_shell_extractor.h"
#include "identity/digraph_simhash.h"
#include "store/attacker_repository.h"
#include "store/identity_repository.h"
#include "store/observation_repository.h"

namespace decnet::identity {
namespace {

namespace topics = bus::topics;

constexpr std::string_view kDigraphSimhashPrimitive = "motor.digraph_simhash";

// An observation's value as the categorical and hash mergers compare it: a JSON string's text,
// any other JSON as its text.
std::string categorical_of(const std::string& json_text) {
  const auto v = nlohmann::json::parse(json_text, nullptr, false);
  if (v.is_string()) return v.get<std::string>();
  return v.is_discarded() ? json_text : core::json_text(v);
}

double numeric_of(const std::string& json_text) {
  const auto v = nlohmann::json::parse(json_text, nullptr, false);
  if (v.is_number()) return v.get<double>();
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  return 0.0;  // null or anything else, as the reference coerced it
}

std::optional<std::string> text_at(const nlohmann::json& p, const char* key) {
  const auto it = p.find(key);
  if (it == p.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

// A merger's verdict onto the state row: confidence and current value; returns the state.
template <typename Value>
AttributionState take(store::AttributionState& row, const Merged<Value>& m) {
  row.confidence = m.confidence;
  if (m.value) row.current_value = core::json_text(nlohmann::json(*m.value));
  return m.state;
}

}  // namespace

AttributionWorker::AttributionWorker(store::Repository& repo, bus::Bus& bus,
                                     AttributionWorkerOptions options)
    : repo_(repo), bus_(bus), options_(options) {}

AttributionWorker::~AttributionWorker() {
  stop();
}

void AttributionWorker::start() {
  {
    core::MutexLock lock(mu_);
    stopping_ = false;
  }
  subscriptions_.push_back(bus_.subscribe(
      std::string(topics::kAttacker) + "." + std::string(topics::kAttackerObservationPrefix) + ".>",
      [this](const bus::Event& e) {
        const auto attacker = text_at(e.payload, "attacker_uuid");
        const auto primitive = text_at(e.payload, "primitive");
        if (attacker && primitive) push({*attacker, {}, *primitive});
      },
      {.name = "attribution", .queue_capacity = 16'384}));
  for (const auto type : {topics::kIdentityMerged, topics::kIdentityUnmerged}) {
    subscriptions_.push_back(bus_.subscribe(
        topics::identity(type),
        [this](const bus::Event& e) {
          for (const char* key : {"winner_uuid", "resurrected_uuid", "former_winner_uuid"}) {
            if (auto identity = text_at(e.payload, key)) push({{}, *identity, {}});
          }
        },
        {.name = "attribution-merges", .queue_capacity = 4096}));
  }
  thread_ = std::thread([this] { run(); });
}

void AttributionWorker::stop() {
  for (auto& s : subscriptions_) s.unsubscribe();
  subscriptions_.clear();
  {
    core::MutexLock lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  if (thread_.joinable()) thread_.join();
}

nlohmann::json AttributionWorker::health() const {
  return {{"derived", derived_.load()},
          {"state_changes", changes_.load()},
          {"dropped", dropped_.load()},
          {"failures", failures_.load()}};
}

void AttributionWorker::push(Job job) {
  {
    core::MutexLock lock(mu_);
    if (queue_.size() >= kQueueCapacity) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    queue_.push_back(std::move(job));
  }
  ready_.notify_one();
}

void AttributionWorker::run() {
  core::name_this_thread("attribution");
  auto next_correlation = std::chrono::steady_clock::now() + options_.correlator_interval;
  while (true) {
    std::deque<Job> jobs;
    {
      core::MutexLock lock(mu_);
      ready_.wait_until(lock.native(), next_correlation, [&] {
        mu_.assert_held();
        return stopping_ || !queue_.empty();
      });
      if (stopping_) return;
      jobs.swap(queue_);
    }
    for (const auto& job : jobs) {
      try {
        handle(job);
      } catch (const std::exception& e) {
        failures_.fetch_add(1, std::memory_order_relaxed);
        static core::LogLimiter limiter;
        limiter.warn("attribution: {} not derived: {}", job.primitive, e.what());
      }
    }
    if (std::chrono::steady_clock::now() >= next_correlation) {
      try {
        correlate();
      } catch (const std::exception& e) {
        static core::LogLimiter limiter;
        limiter.warn("attribution: correlator failed: {}", e.what());
      }
      next_correlation = std::chrono::steady_clock::now() + options_.correlator_interval;
    }
  }
}

void AttributionWorker::handle(const Job& job) {
  if (!job.identity.empty()) {
    // A merge or unmerge: every primitive the identity has a row for, and those its members
    // were observed in.
    std::set<std::string> primitives;
    for (const auto& s : repo_.attribution().get_attribution_state_for_identity(job.identity)) {
      primitives.insert(s.primitive);
    }
    for (const auto& attacker : repo_.identities().attacker_uuids_for_identity(job.identity)) {
      for (const auto& o : repo_.observations().latest_observation_per_primitive(attacker)) {
        primitives.insert(o.primitive);
      }
    }
    for (const auto& p : primitives) derive(job.identity, p);
    return;
  }
  const auto attacker = repo_.attackers().get(job.attacker);
  if (!attacker || !attacker->identity_id) return;  // placed later; its next observation derives
  derive(*attacker->identity_id, job.primitive);
}

bool AttributionWorker::derive(const std::string& identity, const std::string& primitive) {
  derived_.fetch_add(1, std::memory_order_relaxed);
  const auto series = repo_.observations().observations_for_identity_primitive(identity, primitive);
  store::AttributionState row;
  row.identity_uuid = identity;
  row.primitive = primitive;
  row.observation_count = static_cast<std::int64_t>(series.size());
  if (!series.empty()) row.last_observation_ts = series.back().ts;
  AttributionState state = AttributionState::kUnknown;
  std::optional<std::uint64_t> centroid;
  switch (behave_value_kind(primitive)) {
    case BehaveValueKind::numeric: {
      std::vector<double> values;
      values.reserve(series.size());
      for (const auto& p : series) values.push_back(numeric_of(p.value));
      state = take(row, merge_numeric(values));
      break;
    }
    case BehaveValueKind::hash: {
      std::vector<std::pair<std::optional<std::string>, double>> values;
      values.reserve(series.size());
      std::vector<std::string> hashes;
      for (const auto& p : series) {
        const auto v = nlohmann::json::parse(p.value, nullptr, false);
        values.emplace_back(
            v.is_null() ? std::nullopt : std::optional<std::string>(categorical_of(p.value)), p.ts);
        if (values.back().first) hashes.push_back(*values.back().first);
      }
      // The identity's typing rhythm: the majority of its sessions' digraph SimHashes, which
      // the campaign edge compares.
      if (primitive == kDigraphSimhashPrimitive) centroid = simhash_centroid(hashes);
      state = take(row, merge_hash(values));
      break;
    }
    default: {
      std::vector<std::string> values;
      values.reserve(series.size());
      for (const auto& p : series) values.push_back(categorical_of(p.value));
      state = take(row, merge_categorical(values));
      break;
    }
  }
  row.state = std::string(to_string(state));
  const bool rhythm = primitive == kDigraphSimhashPrimitive;
  const auto prior = repo_.attribution().get_attribution_state(identity, primitive);
  const bool changed = !prior || prior->state != row.state;
  row.last_change_ts = changed ? row.last_observation_ts : prior->last_change_ts;
  repo_.write_now([&](store::WriteScope& scope) {
    repo_.attribution().upsert_attribution_state(scope, row);
    if (rhythm) repo_.identities().set_kd_digraph_simhash(scope, identity, centroid);
  });
  if (!changed) return false;
  changes_.fetch_add(1, std::memory_order_relaxed);
  bus_.publish(
      topics::attribution(topics::kAttributionProfileStateChanged),
      {{"identity_uuid", identity},
       {"primitive", primitive},
       {"old_state", prior ? nlohmann::json(prior->state) : nlohmann::json(nullptr)},
       {"new_state", row.state},
       {"current_value", row.current_value
                             ? nlohmann::json::parse(*row.current_value, nullptr, false)
                             : nlohmann::json(nullptr)},
       {"confidence", row.confidence},
       {"observation_count", row.observation_count},
       {"ts", row.last_observation_ts ? nlohmann::json(*row.last_observation_ts) : nullptr}},
      topics::kAttributionProfileStateChanged);
  return true;
}

void AttributionWorker::correlate() {
  std::map<std::string, std::set<std::string>> now;
  for (const auto& m : repo_.attribution().list_multi_actor_identities(2)) {
    // Rows of an identity merged away speak for an identity nobody sees any more.
    const auto row = repo_.identities().get_identity_row(m.identity_uuid);
    if (!row || row->merged_into_uuid) continue;
    now[m.identity_uuid] = {m.primitives.begin(), m.primitives.end()};
  }
  for (const auto& [identity, primitives] : now) {
    const auto fired = fired_.find(identity);
    if (fired != fired_.end() && fired->second == primitives) continue;
    fired_[identity] = primitives;
    bus_.publish(topics::attribution(topics::kAttributionProfileMultiActorSuspected),
                 {{"identity_uuid", identity},
                  {"primitives", primitives},
                  {"evidence_summary",
                   std::to_string(primitives.size()) + " primitives flagged multi_actor"},
                  {"confidence", kMultiActorMaxConfidence},
                  {"ts", static_cast<double>(core::now_micros()) / 1e6}},
                 topics::kAttributionProfileMultiActorSuspected);
  }
  std::erase_if(fired_, [&](const auto& entry) { return !now.contains(entry.first); });
}

}  // namespace decnet::identity
