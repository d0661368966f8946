// What ingest gives the identity worker (identity::IdentitySink) from each line: the evidence
// that can tie addresses to one actor. A client hello's JA3 (any line carrying `ja3` but the
// prober's), the HASSH of the attacker's own SSH server (the prober's hassh_fingerprint), the
// SHA-256 of a file it dropped (file_captured), and the endpoints its commands fetch from or
// call back to (identity/infrastructure.h). Values are checked for their shape (hex of the
// right length) so that a hostile line cannot plant arbitrary text as a fingerprint. Like the
// tagger's inputs, they are taken while the batch is prepared and completed by the writer with
// the attacker's uuid.
#pragma once

#include <string>

#include "identity/identity_input.h"
#include "ingest/normalized_event.h"

namespace decnet::ingest {

struct IngestBatch;

struct PendingIdentityInput {
  std::string attacker_ip;
  identity::IdentityInput input;  // attacker_uuid filled by the writer
};

// Adds nothing for a line without an attacker address or evidence.
void collect_identity_evidence(const NormalizedEvent& e, IngestBatch& batch);

}  // namespace decnet::ingest
