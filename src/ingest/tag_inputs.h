// What ingest gives the ATT&CK tagger directly, line by line (ttp::TagSink), rather than on the
// bus: login attempts, HTTP requests and fingerprints of attacker hosts are too many to announce
// one by one, and no subscriber but the tagger wants them. They are taken from the parsed line
// while the batch is prepared (bounded copies of a few fields), completed by the writer with the
// attacker's uuid and the log row's id, and handed over once the batch is committed.
//
// Also here: the email.received payload of a stored mail (message_stored), which carries
// hashes, domains, counts and header names only — never an address, a header's value or the body.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ingest/normalized_event.h"
#include "store/credential_repository.h"
#include "ttp/tag_event.h"

namespace decnet::ingest {

struct IngestBatch;

struct PendingTagEvent {
  std::string attacker_ip;
  std::optional<std::size_t> log_index;  // the source id becomes "log:<row id>"
  ttp::TagEvent event;
};

struct PendingEmail {
  std::string attacker_ip;
  nlohmann::json payload;               // email.received, without attacker_uuid
  std::optional<nlohmann::json> probe;  // smtp.probe.pending: a relay decky's mail
};

// `credential` is the attempt the line carried, if any. Adds nothing for a line without an
// attacker address.
void collect_tag_events(const NormalizedEvent& e, const store::CredentialAttempt* credential,
                        IngestBatch& batch);
// email.received for a message_stored line; nullopt for any other.
std::optional<nlohmann::json> email_received_payload(const NormalizedEvent& e);
// smtp.probe.pending for a message_stored line of an smtp_relay decky (a spammer's mail, the
// first of which the decky may have delivered as a probe); nullopt for any other.
std::optional<nlohmann::json> smtp_probe_payload(const NormalizedEvent& e);

}  // namespace decnet::ingest
