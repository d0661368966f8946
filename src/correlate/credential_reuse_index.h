// Credential reuse, detected as credentials are written rather than by a periodic scan. The
// index maps each secret — (secret_sha256, secret_kind, principal) — to the distinct
// decky:service targets it was tried against and who tried it. When a secret reaches two or
// more targets, every change to that set (a new target, a new attacker address or uuid) yields
// a finding to upsert into credential_reuse and announce on credential.reuse.detected.
//
// The ingest writer calls observe() inside the transaction that stores the credential, so the
// finding commits with the rows it describes. rebuild() reloads the index from the database at
// start and reconcile() repairs any drift (e.g. after a failed transaction); both are safety
// nets, not the detector.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/credential_repository.h"

namespace decnet::correlate {

struct ReuseFinding {
  store::CredentialReuse row;  // the full row to upsert; the store keeps the id of an existing one
  bool grew = false;           // a new target, address or attacker: worth announcing
};

class CredentialReuseIndex {
 public:
  explicit CredentialReuseIndex(std::int64_t min_targets = 2) : min_targets_(min_targets) {}

  // Records one stored credential attempt (after its upsert, with its attacker_uuid). Returns
  // the finding to write when the secret is reused, nullopt otherwise.
  std::optional<ReuseFinding> observe(const store::CredentialAttempt& attempt);

  // Replaces the index with what the credentials table holds.
  void rebuild(store::CredentialRepository& credentials);

  // Every finding the index holds (secrets with >= min_targets targets).
  std::vector<store::CredentialReuse> findings() const;

  std::size_t secrets() const;
  std::int64_t min_targets() const { return min_targets_; }

 private:
  struct Entry {
    std::string secret_sha256;
    std::string secret_kind;
    std::optional<std::string> principal;
    std::vector<std::string> targets;  // insertion order; small, so linear search is fine
    std::vector<std::string> deckies;
    std::vector<std::string> services;
    std::vector<std::string> attacker_ips;
    std::vector<std::string> attacker_uuids;
    std::int64_t attempt_count = 0;
    std::int64_t first_seen = 0;
    std::int64_t last_seen = 0;
  };

  static std::string key_of(const std::string& sha, const std::string& kind,
                            const std::optional<std::string>& principal);
  store::CredentialReuse row_of(const Entry& e) const;
  // Adds the attempt; returns whether a target, address or attacker was new.
  static bool add(Entry& e, const store::CredentialAttempt& a, std::int64_t attempts);

  const std::int64_t min_targets_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace decnet::correlate
