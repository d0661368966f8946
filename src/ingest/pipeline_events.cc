// What the pipeline announces once a batch is committed: new attackers (attacker.observed, each
// recorded as announced so a crash re-announces rather than forgets), captured credentials,
// reuse findings, fingerprint rotations, and a system.log summary of the batch for live views.
// Everything here runs after the commit, so a subscriber that reads the database finds the rows.
#include <spdlog/spdlog.h>

#include "bus/topics.h"
#include "core/time.h"
#include "ingest/pipeline.h"
#include "store/attacker_repository.h"

namespace decnet::ingest {
namespace {

namespace topics = bus::topics;

nlohmann::json optional_json(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

void IngestPipeline::publish(const CommittedBatch& c, const IngestBatch& batch) {
  counters_.committed.fetch_add(c.log_count, std::memory_order_relaxed);
  counters_.dead_letters.fetch_add(c.dead_letters, std::memory_order_relaxed);
  counters_.credentials.fetch_add(c.captured.size(), std::memory_order_relaxed);
  counters_.reuse_findings.fetch_add(c.reuse.size(), std::memory_order_relaxed);

  publish_observed(c.new_attackers, false);

  for (const auto& cap : c.captured) {
    const auto& a = cap.attempt;
    bus_.publish(topics::kCredentialCapturedTopic,
                 {{"credential_id", cap.credential_id},
                  {"secret_sha256", a.secret_sha256},
                  {"secret_kind", a.secret_kind},
                  {"attacker_ip", optional_json(a.attacker_ip)},
                  {"attacker_uuid", optional_json(a.attacker_uuid)},
                  {"decky", a.decky_name},
                  {"service", a.service},
                  {"attempt_count", cap.attempt_count}},
                 topics::kCredentialCaptured);
  }
  for (const auto& reuse : c.reuse) {
    const auto& r = reuse.row;
    bus_.publish(topics::kCredentialReuseDetectedTopic,
                 {{"id", r.id},
                  {"secret_kind", r.secret_kind},
                  {"target_count", r.target_count},
                  {"attacker_ip_count", r.attacker_ip_count},
                  {"attacker_uuids", r.attacker_uuids},
                  {"attacker_ips", r.attacker_ips},
                  {"deckies", r.deckies},
                  {"services", r.services},
                  {"targets", r.targets},
                  {"inserted", reuse.inserted}},
                 topics::kCredentialReuseDetected);
  }
  for (const auto& r : c.rotations) {
    bus_.publish(topics::kAttackerFingerprintRotatedTopic,
                 {{"attacker_uuid", r.attacker_uuid},
                  {"attacker_ip", r.attacker_ip},
                  {"port", r.port},
                  {"probe_type", r.probe_type},
                  {"old_hash", r.old_hash},
                  {"new_hash", r.new_hash},
                  {"rotation_count", r.rotation_count},
                  {"ts", core::format_rfc3339(r.seen_at)}},
                 topics::kAttackerFingerprintRotated);
  }
  for (const auto& m : batch.emails) {
    if (!m.payload.contains("attacker_uuid")) continue;  // no attacker: neither is published
    bus_.publish(topics::email(topics::kEmailReceived), m.payload, topics::kEmailReceived);
    if (m.probe)
      bus_.publish(topics::smtp(topics::kSmtpProbePending), *m.probe, topics::kSmtpProbePending);
  }
  if (c.log_count == 0 && c.dead_letters == 0) return;
  auto events = nlohmann::json::array();
  for (std::size_t i = 0; i < c.log_count && i < options_.live_events_per_batch; ++i) {
    const auto& log = batch.logs[i];
    events.push_back({{"id", c.first_log_id + static_cast<std::int64_t>(i)},
                      {"timestamp", core::format_rfc3339(log.timestamp)},
                      {"decky", log.decky},
                      {"service", log.service},
                      {"event_type", log.event_type},
                      {"attacker_ip", optional_json(log.attacker_ip)}});
  }
  bus_.publish(
      topics::kSystemLogTopic,
      {{"component", "ingest"},
       {"flushed", c.log_count},
       {"first_id", c.first_log_id},
       {"last_id", c.log_count ? c.first_log_id + static_cast<std::int64_t>(c.log_count) - 1 : 0},
       {"dead_letters", c.dead_letters},
       {"events", std::move(events)}},
      "batch_committed");
}

void IngestPipeline::publish_observed(const std::vector<CommittedBatch::NewAttacker>& attackers,
                                      bool wait_for_record) {
  if (attackers.empty()) return;
  std::vector<std::string> uuids;
  for (const auto& a : attackers) {
    bus_.publish(topics::kAttackerObservedTopic,
                 {{"attacker_uuid", a.uuid},
                  {"attacker_ip", a.ip},
                  {"decky", a.decky},
                  {"service", a.service},
                  {"event_type", a.event_type},
                  {"first_seen", core::format_rfc3339(a.first_seen)}},
                 topics::kAttackerObserved);
    uuids.push_back(a.uuid);
  }
  counters_.attackers_created.fetch_add(attackers.size(), std::memory_order_relaxed);
  // Recorded asynchronously on the hot path: the pipeline must not wait for the writer. If this
  // write is lost, the next start announces these attackers again (at least once).
  if (wait_for_record) {
    repo_.write_now(
        [&](store::WriteScope& scope) { repo_.attackers().mark_observed_published(scope, uuids); });
    return;
  }
  repo_.submit({[this, uuids = std::move(uuids)](store::WriteScope& scope) {
                  repo_.attackers().mark_observed_published(scope, uuids);
                },
                [](const std::exception_ptr& error) {
                  if (!error) return;
                  try {
                    std::rethrow_exception(error);
                  } catch (const std::exception& e) {
                    spdlog::warn("ingest: could not record attacker.observed publication: {}",
                                 e.what());
                  }
                }});
}

}  // namespace decnet::ingest
