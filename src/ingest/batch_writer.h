// Stores a prepared batch in one transaction: attackers first (so every row can carry its
// attacker_id), then the log rows, dead letters, credentials, the reuse findings they cause,
// SMTP targets, observed attachments and fingerprint rotations. Runs on the store's writer thread
// inside Repository::write(). It fills in each log row's attacker_id, which is why the batch is
// not const; running it again (a replayed group commit) sets the same values.
#pragma once

#include "correlate/credential_reuse_index.h"
#include "ingest/attacker_ledger.h"
#include "ingest/ingest_batch.h"
#include "store/repository.h"

namespace decnet::ingest {

CommittedBatch write_batch(store::Repository& repo, store::WriteScope& scope, IngestBatch& batch,
                           correlate::CredentialReuseIndex& reuse, AttackerLedger& attackers);

}  // namespace decnet::ingest
