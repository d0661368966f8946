// One batch of received lines, prepared off the database thread: parsed, normalized, with the
// credential attempts extracted and each attacker's activity aggregated. The writer then only
// has to store it, which keeps the single SQLite writer busy with writing alone.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "correlate/attacker_profiler.h"
#include "correlate/profile_event.h"
#include "ingest/identity_inputs.h"
#include "ingest/normalized_event.h"
#include "ingest/raw_line.h"
#include "ingest/tag_inputs.h"
#include "store/attacker_repository.h"
#include "store/credential_repository.h"
#include "store/log_repository.h"

namespace decnet::ingest {

struct PendingCredential {
  std::size_t log_index;  // index into IngestBatch::logs
  store::CredentialAttempt attempt;
};

struct PendingSmtpTarget {
  std::string attacker_ip;
  std::string domain;
  std::int64_t recipients = 0;
  std::int64_t last_seen = 0;
};

// A prober result for an attacker's service (jarm, hassh, tcpfp on one port).
struct PendingFingerprint {
  std::string attacker_ip;
  std::int64_t port = 0;
  std::string probe_type;
  std::string hash;
  std::int64_t seen_at = 0;
};

// An attachment of a mail an attacker sent through an SMTP decky.
struct PendingAttachment {
  std::string attacker_ip;
  std::string decky;
  std::string sha256;
  std::optional<std::string> extension;
  std::optional<std::string> subject;
  std::int64_t seen_at = 0;
  std::optional<bool> known_bad;  // the hash feed's verdict; null: no opinion
  std::string verdict_source;     // who gave known_bad
};

struct IngestBatch {
  std::vector<RawLine> lines;  // kept so a failed batch can be retried line by line
  std::vector<store::LogRecord> logs;
  std::vector<store::DeadLetterRecord> dead_letters;
  std::vector<PendingCredential> credentials;
  std::map<std::string, store::AttackerActivity> activity;  // by attacker IP
  std::vector<PendingSmtpTarget> smtp_targets;              // one per (address, domain)
  std::vector<PendingFingerprint> fingerprints;
  std::vector<PendingAttachment> attachments;
  // Where each (address, decky, service) and (address, domain) is in the lists above, so adding
  // a line costs the same however many targets a hostile sender spreads a batch over.
  std::unordered_map<std::string, std::size_t> target_index;
  std::unordered_map<std::string, std::size_t> smtp_index;
  std::int64_t invalid_secrets = 0;
  std::int64_t username_only = 0;
  // Acknowledged lines recognised as a sender's resends: not stored again, answered with the batch.
  std::vector<Delivery> resent;
  // The resend filter as of this batch, saved in its transaction (ResendFilter::kStateKey).
  std::optional<nlohmann::json> resend_state;
  // What the profiler is fed once this batch is committed (lines with an attacker address).
  std::vector<correlate::ProfileEvent> profile_events;
  // What the profiler made of earlier batches, written in this batch's transaction.
  std::shared_ptr<correlate::ProfileUpdate> profile;
  // For the ATT&CK tagger (when one is attached), and the mails announced as email.received;
  // the writer fills in their attackers.
  std::vector<PendingTagEvent> tag_events;
  std::vector<PendingEmail> emails;
  // For the identity worker (when one is attached); the writer fills in their attackers.
  std::vector<PendingIdentityInput> identity_inputs;
};

// What the writer learned while storing a batch; published once the batch is committed.
struct CommittedBatch {
  std::int64_t first_log_id = 0;
  std::size_t log_count = 0;
  std::size_t dead_letters = 0;
  struct NewAttacker {
    std::string uuid;
    std::string ip;
    std::string decky, service, event_type;
    std::int64_t first_seen;
  };
  std::vector<NewAttacker> new_attackers;
  struct Captured {
    store::CredentialAttempt attempt;
    std::int64_t credential_id;
    std::int64_t attempt_count;
  };
  std::vector<Captured> captured;
  struct Reuse {
    store::CredentialReuse row;  // with the stored id
    bool inserted;
  };
  std::vector<Reuse> reuse;
  struct Rotation {
    std::string attacker_uuid;
    std::string attacker_ip;
    std::int64_t port;
    std::string probe_type;
    std::string old_hash;
    std::string new_hash;
    std::int64_t rotation_count;
    std::int64_t seen_at;
  };
  std::vector<Rotation> rotations;
  // The attackers the profile rows written with this batch belong to, by address.
  std::unordered_map<std::string, std::string> profiled_attackers;
};

class LineParser;

// Adds one line to the batch: a log record (and its derived records) or a dead letter.
class BatchBuilder {
 public:
  // With `profile`, each line with an attacker address also yields a profile event; with `tag`,
  // login attempts, HTTP requests and fingerprints also yield events for the tagger; with
  // `identity`, identity evidence for the identity worker.
  explicit BatchBuilder(bool profile = false, bool tag = false, bool identity = false);
  ~BatchBuilder();
  void add(IngestBatch& batch, RawLine line);

 private:
  std::unique_ptr<LineParser> parser_;
  bool profile_ = false;
  bool tag_ = false;
  bool identity_ = false;
};

}  // namespace decnet::ingest
