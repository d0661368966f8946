#include "ingest/batch_writer.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "ingest/file_tail.h"
#include "ingest/resend_filter.h"
#include "store/attachment_repository.h"
#include "store/attacker_repository.h"
#include "store/credential_repository.h"
#include "store/fingerprint_repository.h"
#include "store/log_repository.h"
#include "store/smtp_target_repository.h"
#include "store/state_repository.h"

namespace decnet::ingest {

CommittedBatch write_batch(store::Repository& repo, store::WriteScope& scope, IngestBatch& batch,
                           correlate::CredentialReuseIndex& reuse, AttackerLedger& attackers) {
  CommittedBatch out;
  std::unordered_map<std::string, LedgerResult> attacker_by_ip;
  std::vector<std::pair<std::string, std::string>> created;  // ip, uuid
  for (const auto& [ip, activity] : batch.activity) {
    const auto result = attackers.record(repo, scope, activity);
    attacker_by_ip.emplace(ip, result);
    if (result.created) created.emplace_back(ip, result.uuid);
  }
  if (!created.empty()) {
    // The first event of each new address in the batch describes its first sighting.
    std::unordered_map<std::string_view, const store::LogRecord*> first_log;
    for (const auto& log : batch.logs) {
      if (log.attacker_ip) first_log.try_emplace(*log.attacker_ip, &log);
    }
    for (const auto& [ip, uuid] : created) {
      const auto* log = first_log.at(ip);
      out.new_attackers.push_back(
          {uuid, ip, log->decky, log->service, log->event_type, batch.activity.at(ip).first_seen});
    }
  }
  const auto attacker_of = [&](const std::optional<std::string>& ip) -> const LedgerResult* {
    if (!ip) return nullptr;
    auto it = attacker_by_ip.find(*ip);
    return it == attacker_by_ip.end() ? nullptr : &it->second;
  };
  const auto uuid_of = [&](const std::optional<std::string>& ip) -> std::optional<std::string> {
    const auto* a = attacker_of(ip);
    return a ? std::optional<std::string>(a->uuid) : std::nullopt;
  };

  if (!batch.logs.empty()) {
    for (auto& log : batch.logs) {
      const auto* a = attacker_of(log.attacker_ip);
      log.attacker_id = a ? std::optional<std::int64_t>(a->id) : std::nullopt;
    }
    out.first_log_id = repo.logs().insert(scope, batch.logs);
    out.log_count = batch.logs.size();
    attackers.stamp_logs(out.first_log_id, out.log_count);
  }
  for (auto& t : batch.tag_events) {
    const auto* a = attacker_of(t.attacker_ip);
    if (!a) continue;
    t.event.attacker_uuid = a->uuid;
    if (t.log_index) {
      t.event.source_id =
          "log:" + std::to_string(out.first_log_id + static_cast<std::int64_t>(*t.log_index));
    } else if (t.event.source_kind == "fingerprint") {
      // One per attacker and fingerprint: the same C2 server seen again is one finding.
      t.event.source_id = a->uuid + "#" + t.event.payload.value("fingerprint_kind", "") + "/" +
                          t.event.payload.value("fingerprint", "");
    }
  }
  for (auto& m : batch.emails) {
    if (const auto* a = attacker_of(m.attacker_ip)) m.payload["attacker_uuid"] = a->uuid;
  }
  for (auto& i : batch.identity_inputs) {
    if (const auto* a = attacker_of(i.attacker_ip)) i.input.attacker_uuid = a->uuid;
  }
  for (const auto& dead : batch.dead_letters) repo.dead_letters().insert(scope, dead);
  out.dead_letters = batch.dead_letters.size();
  const auto last_tailed =
      std::find_if(batch.lines.rbegin(), batch.lines.rend(),
                   [](const RawLine& line) { return line.file_position.has_value(); });
  if (last_tailed != batch.lines.rend()) {
    repo.state().put(scope, file_tail_state_key(last_tailed->peer),
                     {{"inode", last_tailed->file_position->inode},
                      {"offset", last_tailed->file_position->offset}});
  }

  if (batch.resend_state) repo.state().put(scope, ResendFilter::kStateKey, *batch.resend_state);

  const correlate::SecretHistory history =
      [&](const std::string& sha, const std::string& kind,
          const std::optional<std::string>& principal,
          const std::function<void(const store::Credential&)>& visit) {
        repo.credentials().for_each_of_secret(&scope, sha, kind, principal, visit);
      };
  for (const auto& pending : batch.credentials) {
    auto attempt = pending.attempt;
    if (const auto* a = attacker_of(attempt.attacker_ip)) {
      attempt.attacker_uuid = a->uuid;
      attempt.attacker_id = a->id;
    }
    const auto stored = repo.credentials().upsert(scope, attempt);
    out.captured.push_back({attempt, stored.id, stored.attempt_count});
    if (auto finding = reuse.observe(attempt, history)) {
      const auto saved = repo.credential_reuse().upsert_credential_reuse(scope, finding->row);
      if (saved.inserted || finding->grew) {
        auto row = std::move(finding->row);
        row.id = saved.id;
        // A later credential in the same batch may grow the same finding again: publish only
        // its newest state, still marked inserted if the batch created it.
        auto same =
            std::find_if(out.reuse.begin(), out.reuse.end(),
                         [&](const CommittedBatch::Reuse& r) { return r.row.id == row.id; });
        if (same == out.reuse.end()) {
          out.reuse.push_back({std::move(row), saved.inserted});
        } else {
          same->row = std::move(row);
          same->inserted = same->inserted || saved.inserted;
        }
      }
    }
  }
  // The budget grows with the batch, so a flood writes each busy attacker every few seconds
  // rather than in every transaction, while a small, latency-sensitive batch stays small.
  attackers.flush_due(repo, scope, std::max<std::size_t>(32, batch.lines.size() / 8));
  attackers.save_mark(repo, scope);
  for (const auto& t : batch.smtp_targets) {
    if (auto uuid = uuid_of(t.attacker_ip)) {
      repo.smtp_targets().increment_smtp_target(scope, *uuid, t.domain, t.recipients, t.last_seen);
    }
  }
  for (const auto& a : batch.attachments) {
    store::AttachmentObservation obs;
    obs.sha256 = a.sha256;
    obs.decky_uuid = a.decky;
    obs.attacker_uuid = uuid_of(a.attacker_ip);
    obs.extension = a.extension;
    obs.subject = a.subject;
    obs.seen_at = a.seen_at;
    obs.mal_hash_match = a.known_bad;
    if (a.known_bad) obs.mal_hash_match_provider = a.verdict_source;
    repo.attachments().upsert_observed_attachment(scope, obs);
  }
  for (const auto& f : batch.fingerprints) {
    const auto uuid = uuid_of(f.attacker_ip);
    if (!uuid) continue;
    const auto result = repo.fingerprints().record_fingerprint(
        scope, {*uuid, f.port, f.probe_type, f.hash, f.seen_at});
    if (result.outcome == store::FingerprintOutcome::kRotated) {
      out.rotations.push_back({*uuid, f.attacker_ip, f.port, f.probe_type,
                               result.old_hash.value_or(""), result.new_hash, result.rotation_count,
                               f.seen_at});
    }
  }
  return out;
}

}  // namespace decnet::ingest
