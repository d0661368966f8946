#include <nlohmann/json.hpp>

#include "correlate/smtp_domains.h"
#include "ingest/credential_extractor.h"
#include "ingest/ingest_batch.h"
#include "ingest/normalizer.h"
#include "ingest/profile_extractor.h"
#include "ingest/syslog_parser.h"

namespace decnet::ingest {
namespace {

// SMTP recipients an attacker addressed. Each rcpt_to / rcpt_denied line is one recipient, so a
// target's count is the number of recipients (the reference counted profiler ticks instead).
// message_accepted repeats recipients already announced by rcpt_to and is not counted again.
void collect_smtp_targets(const NormalizedEvent& e, IngestBatch& batch) {
  if (e.service != "smtp" || !e.attacker_ip) return;
  if (e.event_type != "rcpt_to" && e.event_type != "rcpt_denied") return;
  const auto* value = e.field("value");
  if (!value) return;
  auto domain = correlate::recipient_domain(*value);
  if (!domain) return;
  const auto [it, fresh] =
      batch.smtp_index.try_emplace(*e.attacker_ip + '\x1f' + *domain, batch.smtp_targets.size());
  if (!fresh) {
    auto& t = batch.smtp_targets[it->second];
    t.recipients += 1;
    t.last_seen = std::max(t.last_seen, e.timestamp);
    return;
  }
  batch.smtp_targets.push_back({*e.attacker_ip, std::move(*domain), 1, e.timestamp});
}

// The prober's fingerprint of a service on the attacker's host; the hash field is named after
// the probe.
void collect_fingerprint(const NormalizedEvent& e, IngestBatch& batch) {
  if (!e.attacker_ip) return;
  struct Probe {
    std::string_view event_type, probe_type, hash_field;
  };
  static constexpr Probe kProbes[] = {{"jarm_fingerprint", "jarm", "jarm_hash"},
                                      {"hassh_fingerprint", "hassh", "hassh_server"},
                                      {"tcpfp_fingerprint", "tcpfp", "tcpfp_hash"}};
  for (const auto& probe : kProbes) {
    if (e.event_type != probe.event_type) continue;
    const auto* hash = e.field(probe.hash_field);
    const auto* port = e.field("target_port");
    if (!hash || hash->empty() || !port) return;
    std::int64_t value = 0;
    for (char c : *port) {
      if (c < '0' || c > '9' || value > 65535) return;
      value = value * 10 + (c - '0');
    }
    if (port->empty() || value > 65535) return;
    batch.fingerprints.push_back(
        {*e.attacker_ip, value, std::string(probe.probe_type), *hash, e.timestamp});
    return;
  }
}

// message_stored carries the attachment manifest of a quarantined mail as JSON.
void collect_attachments(const NormalizedEvent& e, IngestBatch& batch) {
  if (e.event_type != "message_stored" || !e.attacker_ip) return;
  const auto* manifest = e.field("attachments_json");
  if (!manifest) return;
  const auto list = nlohmann::json::parse(*manifest, nullptr, false);
  if (!list.is_array()) return;
  const auto* subject = e.field("subject");
  for (const auto& item : list) {
    if (!item.is_object()) continue;
    const auto sha = item.value("sha256", std::string());
    if (sha.size() != 64) continue;
    std::optional<std::string> extension;
    const auto filename = item.value("filename", std::string());
    const auto dot = filename.rfind('.');
    if (dot != std::string::npos && dot > 0 && dot + 1 < filename.size()) {
      extension = filename.substr(dot);
      for (auto& c : *extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    batch.attachments.push_back({*e.attacker_ip, e.decky, sha, std::move(extension),
                                 subject ? std::optional<std::string>(*subject) : std::nullopt,
                                 e.timestamp});
  }
}

void collect_activity(const NormalizedEvent& e, bool credential, IngestBatch& batch) {
  if (!e.attacker_ip) return;
  auto& a = batch.activity[*e.attacker_ip];
  if (a.ip.empty()) {
    a.ip = *e.attacker_ip;
    a.first_seen = a.last_seen = e.timestamp;
  }
  a.first_seen = std::min(a.first_seen, e.timestamp);
  a.last_seen = std::max(a.last_seen, e.timestamp);
  a.event_count += 1;
  a.credential_count += credential ? 1 : 0;
  const auto [it, fresh] = batch.target_index.try_emplace(
      *e.attacker_ip + '\x1f' + e.decky + '\x1f' + e.service, a.targets.size());
  if (!fresh) {
    auto& t = a.targets[it->second];
    t.first_seen = std::min(t.first_seen, e.timestamp);
    t.last_seen = std::max(t.last_seen, e.timestamp);
    t.event_count += 1;
    return;
  }
  a.targets.push_back({e.decky, e.service, e.timestamp, e.timestamp, 1});
}

}  // namespace

class LineParser {
 public:
  SyslogMessage message;
  NormalizedEvent event;
  std::string error;
};

BatchBuilder::BatchBuilder(bool profile, bool tag, bool identity)
    : parser_(std::make_unique<LineParser>()), profile_(profile), tag_(tag), identity_(identity) {}
BatchBuilder::~BatchBuilder() = default;

void BatchBuilder::add(IngestBatch& batch, RawLine line) {
  auto& p = *parser_;
  const auto dead = [&](std::string reason) {
    batch.dead_letters.push_back(
        {line.received_at, line.source,
         line.peer.empty() ? std::nullopt : std::optional<std::string>(line.peer),
         std::move(reason), line.bytes, line.truncated});
  };
  if (!line.framing_error.empty()) {
    dead(line.framing_error);
    batch.lines.push_back(std::move(line));
    return;
  }
  if (line.truncated) {
    dead("line longer than the configured limit; kept truncated");
    batch.lines.push_back(std::move(line));
    return;
  }
  p.error.clear();
  if (!parse_syslog(line.bytes, p.message, &p.error)) {
    dead(p.error.empty() ? "not a syslog line" : p.error);
    batch.lines.push_back(std::move(line));
    return;
  }
  normalize(p.message, line.bytes, line.received_at, p.event);
  const auto& e = p.event;

  store::LogRecord record;
  record.timestamp = e.timestamp;
  record.received_at = line.received_at;
  record.timestamp_estimated = e.timestamp_estimated;
  record.timestamp_offset_missing = e.timestamp_offset_missing;
  record.decky = e.decky;
  record.service = e.service;
  record.event_type = e.event_type;
  record.attacker_ip = e.attacker_ip;
  record.raw_line = line.bytes;
  record.fields = fields_json(e);
  if (!e.msg.empty()) record.msg = e.msg;
  record.sd_other = e.sd_other;
  batch.logs.push_back(std::move(record));

  auto credential = extract_credential(e);
  if (tag_) {
    collect_tag_events(
        e, credential.outcome == CredentialOutcome::kCredential ? &credential.attempt : nullptr,
        batch);
  }
  if (identity_) collect_identity_evidence(e, batch);
  if (auto mail = email_received_payload(e))
    batch.emails.push_back({*e.attacker_ip, std::move(*mail), smtp_probe_payload(e)});
  switch (credential.outcome) {
    case CredentialOutcome::kCredential:
      batch.credentials.push_back({batch.logs.size() - 1, std::move(credential.attempt)});
      break;
    case CredentialOutcome::kInvalidSecret:
      ++batch.invalid_secrets;
      break;
    case CredentialOutcome::kUsernameOnly:
      ++batch.username_only;
      break;
    case CredentialOutcome::kNoCredential:
      break;
  }
  collect_activity(e, credential.outcome == CredentialOutcome::kCredential, batch);
  if (profile_) {
    auto event = profile_event_of(e, line.received_at,
                                  credential.outcome != CredentialOutcome::kNoCredential);
    if (event) batch.profile_events.push_back(std::move(*event));
  }
  collect_smtp_targets(e, batch);
  collect_fingerprint(e, batch);
  collect_attachments(e, batch);
  batch.lines.push_back(std::move(line));
}

}  // namespace decnet::ingest
