// Mail attachments seen by the SMTP deckies, one row per content hash across the fleet: when and
// by whom it was first and last sent, under which extensions, and whether a malware-hash feed
// knows it. The feed verdict is sticky: once an attachment is known bad it stays known bad even
// if a later lookup fails or the feed forgets it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/page.h"
#include "store/write_scope.h"

namespace decnet::store {

struct AttachmentObservation {
  std::string sha256;  // 64 hex digits, either case; stored lowercase
  std::optional<std::string> decky_uuid;
  std::optional<std::string> attacker_uuid;
  std::optional<std::string> extension;  // lowercased; empty is ignored
  std::optional<std::string> subject;
  std::optional<bool> mal_hash_match;  // null: no lookup was made or it failed
  std::optional<std::string> mal_hash_match_provider;
  std::int64_t seen_at = 0;
};

struct ObservedAttachment {
  std::string uuid;
  std::string sha256;
  std::int64_t first_seen = 0;
  std::int64_t last_seen = 0;
  std::int64_t observation_count = 0;
  std::optional<std::string> first_seen_decky_uuid;
  std::optional<std::string> first_seen_attacker_uuid;
  std::optional<std::string> last_seen_attacker_uuid;
  std::vector<std::string> extensions;  // deduplicated, first-seen order
  std::optional<std::string> first_subject;
  std::optional<bool> mal_hash_match;
  std::optional<std::string> mal_hash_match_provider;
  std::optional<std::int64_t> mal_hash_match_at;
};

struct AttachmentQuery {
  PageRequest page;
  std::optional<bool> mal_hash_match;
  std::optional<std::string> attacker_uuid;  // first or last sender
};

class AttachmentRepository {
 public:
  virtual ~AttachmentRepository() = default;

  // Inserts the hash or records another sighting (count + 1, last sender, new extension). The
  // verdict only moves null -> false -> true; a true verdict is never downgraded. Returns the row
  // as stored. Throws kInvalid unless sha256 is 64 hex digits.
  virtual ObservedAttachment upsert_observed_attachment(WriteScope& scope,
                                                        const AttachmentObservation& seen) = 0;
  virtual std::optional<ObservedAttachment> get_observed_attachment(const std::string& sha256) = 0;
  // Most recently seen first.
  virtual Page<ObservedAttachment> list_observed_attachments(const AttachmentQuery& query) = 0;
};

}  // namespace decnet::store
