// Captured credentials and the reuse findings derived from them. A credential row is one
// (attacker address, decky, service, secret kind, secret hash, principal) with an attempt count;
// a reuse finding is one secret seen against two or more distinct decky:service targets.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/page.h"
#include "store/write_scope.h"

namespace decnet::store {

struct CredentialAttempt {
  std::optional<std::string> attacker_ip;
  std::optional<std::string> attacker_uuid;
  // attackers.id when the caller knows it (the ingest writer does); otherwise the store finds it
  // from attacker_uuid.
  std::optional<std::int64_t> attacker_id;
  std::string decky_name;
  std::string service;
  std::optional<std::string> principal;  // NULL when the protocol has none
  std::string secret_kind = "plaintext";
  std::string secret_sha256;  // hex SHA-256 of the full secret bytes
  std::optional<std::string> secret_b64;
  std::optional<std::string> secret_printable;
  std::optional<std::string> outcome;
  std::string fields = "{}";
  bool truncated = false;  // a column cap shortened principal, secret_b64 or printable
  std::int64_t seen_at = 0;
};

struct Credential : CredentialAttempt {
  std::int64_t id = 0;
  std::int64_t first_seen = 0;
  std::int64_t last_seen = 0;
  std::int64_t attempt_count = 0;
};

struct CredentialUpsert {
  std::int64_t id = 0;
  bool inserted = false;
  std::int64_t attempt_count = 0;
};

struct CredentialQuery {
  PageRequest page;
  std::optional<std::string> secret_kind;
  std::optional<std::string> service;
  std::optional<std::string> decky;
  std::optional<std::string> attacker_ip;
  std::optional<std::string> attacker_uuid;
  std::optional<std::string> principal;
  std::optional<std::string> secret_sha256;
};

class CredentialRepository {
 public:
  virtual ~CredentialRepository() = default;

  // Inserts, or on the dedup key increments attempt_count and last_seen (outcome only
  // overwritten by a non-null one).
  virtual CredentialUpsert upsert(WriteScope& scope, const CredentialAttempt& attempt) = 0;
  // Sets attacker_uuid on rows of `ip` that have none; returns how many changed.
  virtual std::int64_t update_credential_attacker_uuid(WriteScope& scope, const std::string& ip,
                                                       const std::string& uuid) = 0;

  virtual Page<Credential> list(const CredentialQuery& query) = 0;
  // Every row for one secret hash (optionally one kind), newest first.
  virtual std::vector<Credential> get_credential_attempts_for_secret(
      const std::string& secret_sha256, const std::optional<std::string>& secret_kind = {}) = 0;
  // Streams every row in id order (rebuilding in-memory indexes at start).
  virtual void for_each(const std::function<void(const Credential&)>& visit) = 0;
  // Every row of one secret (sha256, kind, principal): inside the caller's transaction, so rows
  // it wrote are seen, or on a read connection when `scope` is null.
  virtual void for_each_of_secret(WriteScope* scope, const std::string& secret_sha256,
                                  const std::string& secret_kind,
                                  const std::optional<std::string>& principal,
                                  const std::function<void(const Credential&)>& visit) = 0;
  virtual std::int64_t count() = 0;
};

struct CredentialReuse {
  std::string id;
  std::string secret_sha256;
  std::string secret_kind;
  std::optional<std::string> principal;
  std::vector<std::string> attacker_uuids;
  std::vector<std::string> attacker_ips;
  std::vector<std::string> deckies;
  std::vector<std::string> services;
  std::vector<std::string> targets;  // "decky:service"
  std::int64_t target_count = 0;
  std::int64_t attacker_ip_count = 0;
  std::int64_t attempt_count = 0;
  double confidence = 1.0;
  std::int64_t first_seen = 0;
  std::int64_t last_seen = 0;
  std::int64_t updated_at = 0;
  std::optional<std::string> secret_printable;  // filled by reads from a matching credential
};

struct ReuseUpsert {
  std::string id;
  bool inserted = false;
};

class CredentialReuseRepository {
 public:
  virtual ~CredentialReuseRepository() = default;
  // Writes the finding for (secret_sha256, secret_kind, principal) as given: the caller (the
  // reuse correlator) owns the accumulated lists. A new row gets a uuid4 id.
  virtual ReuseUpsert upsert_credential_reuse(WriteScope& scope,
                                              const CredentialReuse& finding) = 0;
  // target_count >= min_targets, optional kind; most targets first, then most recent.
  virtual Page<CredentialReuse> list_credential_reuses(std::int64_t min_targets,
                                                       const std::optional<std::string>& kind,
                                                       const PageRequest& page) = 0;
  virtual std::optional<CredentialReuse> get_credential_reuse_by_id(const std::string& id) = 0;
  virtual std::vector<CredentialReuse> list_for_attacker(const std::string& attacker_uuid) = 0;
};

}  // namespace decnet::store
