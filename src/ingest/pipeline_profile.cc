// The profiler's place in the pipeline. It is fed a batch's events only once the batch is
// committed, so it never counts a line the database lost; it runs on its own thread
// (ProfilerRunner), and what it makes (session rows, behaviour rows, scores) rides in the
// transaction of the next batch, or is written at once when ingest goes quiet, and its events
// (attacker.session.started / .ended, attacker.scored) are published after that write commits.
// Under load this costs no transaction of its own.
#include <spdlog/spdlog.h>

#include "bus/topics.h"
#include "core/log_limiter.h"
#include "core/time.h"
#include "ingest/pipeline.h"
#include "store/attacker_repository.h"
#include "store/behaviour_repository.h"
#include "store/observation_repository.h"
#include "store/session_repository.h"
#include "store/store_error.h"

namespace decnet::ingest {
namespace {

namespace topics = bus::topics;

nlohmann::json command_list(const store::Session& s) {
  auto list = nlohmann::json::array();
  std::size_t i = 0;
  for (const auto& c : s.commands) {
    list.push_back({{"id", (s.session_id ? *s.session_id : s.uuid) + "#" + std::to_string(i++)},
                    {"command_text", c.command},
                    {"ts", core::format_rfc3339(c.ts)},
                    {"decky", s.decky},
                    {"service", s.service}});
  }
  return list;
}

// What attacker.session.started and .ended both say about a session.
nlohmann::json session_payload(const store::Session& s, std::string_view attacker_uuid) {
  return {{"session_uuid", s.uuid},
          {"session_id", s.session_id ? nlohmann::json(*s.session_id) : nullptr},
          {"attacker_uuid", attacker_uuid},
          {"attacker_ip", s.attacker_ip},
          {"decky_id", s.decky},
          {"service", s.service},
          {"started_at", core::format_rfc3339(s.started_at)}};
}

std::string_view attacker_of(const std::unordered_map<std::string, std::string>& attackers,
                             const std::string& ip) {
  const auto it = attackers.find(ip);
  return it == attackers.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace

void IngestPipeline::resume_profiler() {
  if (!options_.profiler) return;
  profiler_ = std::make_unique<ProfilerRunner>(repo_, *options_.profiler, options_.recordings);
  profiler_->start();
}

void IngestPipeline::after_commit(const CommittedBatch& committed, IngestBatch& batch) {
  acknowledge(batch);
  publish(committed, batch);
  if (batch.profile) publish_profile(*batch.profile, committed.profiled_attackers);
  if (profiler_) profiler_->feed(std::move(batch.profile_events));
  if (tag_sink_ && !batch.tag_events.empty()) {
    std::vector<ttp::TagEvent> events;
    events.reserve(batch.tag_events.size());
    for (auto& t : batch.tag_events) {
      if (t.event.attacker_uuid) events.push_back(std::move(t.event));
    }
    tag_sink_->submit(std::move(events));
  }
  if (identity_sink_) {
    std::vector<identity::IdentityInput> inputs;
    inputs.reserve(committed.new_attackers.size() + batch.identity_inputs.size());
    for (const auto& a : committed.new_attackers) {
      inputs.push_back({a.uuid, std::nullopt, {}, a.first_seen});
    }
    for (auto& i : batch.identity_inputs) {
      if (!i.input.attacker_uuid.empty()) inputs.push_back(std::move(i.input));
    }
    identity_sink_->submit(std::move(inputs));
  }
}

// Every row here belongs to an attacker the database already holds (the profiler sees only
// committed events); its id comes from the ledger's memory, so the writer looks up no address.
void IngestPipeline::write_profile(store::WriteScope& scope, const correlate::ProfileUpdate& u,
                                   std::unordered_map<std::string, std::string>& attackers) {
  std::unordered_map<std::string, std::int64_t> ids;
  const auto id_of = [&](const std::string& ip) -> std::int64_t {
    if (const auto it = ids.find(ip); it != ids.end()) return it->second;
    const auto ref = ledger_.find(repo_, scope, ip);
    if (ref) attackers.emplace(ip, ref->uuid);
    return ids.emplace(ip, ref ? ref->id : 0).first->second;
  };
  const auto rows = u.sessions.rows();
  for (const auto& row : rows) {
    if (const auto id = id_of(row.attacker_ip)) repo_.sessions().upsert_session(scope, id, row);
  }
  counters_.session_rows_written.fetch_add(rows.size(), std::memory_order_relaxed);
  // An attacker's latest list, once per update.
  std::unordered_map<std::string_view, const std::string*> commands;
  for (const auto& c : u.commands) commands[c.attacker_ip] = &c.commands_json;
  for (const auto& [ip, json] : commands) {
    if (const auto id = id_of(std::string(ip))) repo_.attackers().set_commands(scope, id, *json);
  }
  for (const auto& o : u.observations) {
    if (!id_of(o.attacker_ip)) continue;
    auto row = o.observation;
    row.attacker_uuid = attackers.at(o.attacker_ip);
    try {
      repo_.observations().upsert_observation(scope, row);
    } catch (const store::StoreError& e) {
      // Refused before any SQL ran (a value the store does not accept): the batch stays good.
      if (e.kind() != store::StoreError::Kind::kInvalid) throw;
      static core::LogLimiter limiter;
      limiter.warn("ingest: observation {} refused: {}", row.primitive, e.what());
    }
  }
  // A profile written twice in one update (a verdict, then a refresh): the latest wins.
  std::unordered_map<std::string_view, const store::AttackerBehaviour*> latest;
  for (const auto& b : u.behaviours) latest[b.attacker_ip] = &b;
  for (const auto& [ip, b] : latest) {
    if (const auto id = id_of(b->attacker_ip)) repo_.behaviour().upsert_behaviour(scope, id, *b);
  }
  counters_.behaviour_rows_written.fetch_add(latest.size(), std::memory_order_relaxed);
  // Vectors are stored after the commit, under the uuid found here.
  for (const auto& v : u.vectors) id_of(v.attacker_ip);
}

void IngestPipeline::publish_profile(
    const correlate::ProfileUpdate& u,
    const std::unordered_map<std::string, std::string>& attackers) {
  for (const auto& s : u.sessions.started) {
    const auto uuid = attacker_of(attackers, s.attacker_ip);
    if (uuid.empty()) continue;
    bus_.publish(topics::kAttackerSessionStartedTopic, session_payload(s, uuid),
                 topics::kAttackerSessionStarted);
  }
  counters_.sessions_started.fetch_add(u.sessions.started.size(), std::memory_order_relaxed);
  for (const auto& s : u.sessions.ended) {
    const auto uuid = attacker_of(attackers, s.attacker_ip);
    if (uuid.empty()) continue;
    const auto ended = s.ended_at.value_or(s.last_event_at);
    auto payload = session_payload(s, uuid);
    payload.update(
        nlohmann::json{{"ended_at", core::format_rfc3339(ended)},
                       {"duration_s", static_cast<double>(ended - s.started_at) / 1e6},
                       {"end_reason", s.end_reason.value_or("")},
                       {"outcome", store::to_string(s.outcome)},
                       {"event_count", s.event_count},
                       {"auth_attempts", s.auth_attempts},
                       {"bytes", s.bytes},
                       {"command_count", s.command_count},
                       {"commands", command_list(s)},
                       {"shard_path", s.recording ? nlohmann::json(*s.recording) : nullptr}});
    bus_.publish(topics::kAttackerSessionEndedTopic, std::move(payload),
                 topics::kAttackerSessionEnded);
  }
  counters_.sessions_ended.fetch_add(u.sessions.ended.size(), std::memory_order_relaxed);
  for (const auto& o : u.observations) {
    const auto uuid = attacker_of(attackers, o.attacker_ip);
    if (uuid.empty()) continue;
    const auto& row = o.observation;
    bus_.publish(topics::attacker_observation(row.primitive),
                 {{"primitive", row.primitive},
                  {"value", nlohmann::json::parse(row.value, nullptr, false)},
                  {"confidence", row.confidence},
                  {"window",
                   {{"start_ts", row.window_start_ts.value_or(0)},
                    {"end_ts", row.window_end_ts.value_or(0)}}},
                  {"source", row.source},
                  {"evidence_ref", row.evidence_ref},
                  {"ts", row.ts},
                  {"v", row.envelope_v},
                  {"attacker_uuid", uuid}},
                 row.primitive);
  }
  // Vectors go to their store once the attacker's rows are committed, under its uuid.
  if (options_.vectors) {
    std::vector<identity::IdentityInput> behaviour;
    for (const auto& v : u.vectors) {
      const auto uuid = attacker_of(attackers, v.attacker_ip);
      if (uuid.empty()) continue;
      try {
        options_.vectors->insert(v.kind, uuid, v.vector);
      } catch (const std::exception& e) {
        static core::LogLimiter limiter;
        limiter.warn("ingest: vector {} not stored: {}", v.kind, e.what());
        continue;
      }
      // A new rhythm or new habits: the identity worker looks for the attacker's twins.
      if (v.kind == "keystroke" || v.kind == "cmd_ngram") {
        behaviour.push_back(
            {std::string(uuid), identity::EvidenceKind::kBehaviour, {}, core::now_micros()});
      }
    }
    if (identity_sink_ && !behaviour.empty()) identity_sink_->submit(std::move(behaviour));
  }
  for (const auto& c : u.scored) {
    const auto uuid = attacker_of(attackers, c.attacker_ip);
    if (uuid.empty()) continue;
    bus_.publish(topics::kAttackerScoredTopic,
                 {{"attacker_uuid", uuid},
                  {"attacker_ip", c.attacker_ip},
                  {"score", c.new_score},
                  {"previous_score", c.old_score},
                  {"threshold", c.threshold},
                  {"direction", c.upward ? "up" : "down"},
                  {"behavior_class", c.behavior_class},
                  {"reasons", c.reasons}},
                 topics::kAttackerScored);
    counters_.attackers_scored.fetch_add(1, std::memory_order_relaxed);
  }
}

// Idle, flush and stop: what the profiler made goes to the database now, in its own
// transaction. Profiles are derived data: a failed write is counted and logged, never retried
// into a loop, and the next write of the same sessions and attackers carries their state anyway.
void IngestPipeline::write_profile_now(std::shared_ptr<correlate::ProfileUpdate> update) {
  if (!update || update->empty()) return;
  try {
    std::unordered_map<std::string, std::string> attackers;
    repo_.write_now([&](store::WriteScope& scope) { write_profile(scope, *update, attackers); });
    publish_profile(*update, attackers);
  } catch (const std::exception& e) {
    counters_.profile_write_failures.fetch_add(1, std::memory_order_relaxed);
    static core::LogLimiter limiter;
    limiter.error("ingest: profile write failed: {}", e.what());
  }
}

void IngestPipeline::stop_profiler() {
  if (profiler_) write_profile_now(profiler_->stop());
}

}  // namespace decnet::ingest
