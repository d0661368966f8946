// Credential reuse, detected as credentials are written rather than by a periodic scan. The
// index maps each secret — (secret_sha256, secret_kind, principal) — to the distinct
// decky:service targets it was tried against and who tried it. When a secret reaches two or
// more targets, every change to that set (a new target, a new attacker address or uuid) yields
// a finding to upsert into credential_reuse and announce on credential.reuse.detected.
//
// Memory follows what must be kept, not what was seen. Each secret is a 24-byte slot in a
// SecretTable holding its first target; only when a second target appears does the secret get a
// full entry (targets, deckies, services, addresses, attackers, counts), loaded once from the
// credentials table, which holds every attempt. Members of a full entry's sets are kept as
// keyed 64-bit hashes, their first kListCap values as text for display.
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
#include <unordered_set>
#include <vector>

#include "core/hash.h"
#include "correlate/secret_table.h"
#include "store/credential_repository.h"

namespace decnet::correlate {

// Lists in a finding are capped: a password every botnet tries ("admin") is reused by tens of
// thousands of addresses, and rewriting and announcing such lists on every attempt would make
// ingest quadratic. The counts stay exact; the lists keep the first kListCap members in the
// order they were seen, and the credentials table holds every attempt.
inline constexpr std::size_t kListCap = 100;

struct ReuseFinding {
  store::CredentialReuse row;  // the row to upsert; the store keeps the id of an existing one
  bool grew = false;           // a new target, address or attacker: worth announcing
};

// Every stored attempt of one secret (sha256, kind, principal), visited in any order.
using SecretHistory = std::function<void(const std::string& sha256, const std::string& kind,
                                         const std::optional<std::string>& principal,
                                         const std::function<void(const store::Credential&)>&)>;

class CredentialReuseIndex {
 public:
  explicit CredentialReuseIndex(std::int64_t min_targets = 2);

  // Records one stored credential attempt (after its upsert, with its attacker_uuid). `history`
  // reads the secret's stored attempts, this one included, when it becomes reused. Returns the
  // finding to write when the secret is reused and either grew or was last written more than
  // `refresh_us` ago (so attempt counts and last_seen stay current without a write per
  // attempt); nullopt otherwise.
  std::optional<ReuseFinding> observe(const store::CredentialAttempt& attempt,
                                      const SecretHistory& history,
                                      std::int64_t refresh_us = 1'000'000);

  // Replaces the index with what the credentials table holds.
  void rebuild(store::CredentialRepository& credentials);

  // Every finding the index holds (secrets with >= min_targets targets).
  std::vector<store::CredentialReuse> findings() const;

  std::size_t secrets() const;
  std::size_t reused_secrets() const;
  // Bytes the index holds, by its own account (tables, entries, strings).
  std::size_t memory_bytes() const;
  std::int64_t min_targets() const { return min_targets_; }

 private:
  // Members in first-seen order, the first kListCap of them kept as text for display.
  struct CappedSet {
    std::unordered_set<std::uint64_t> all;
    std::vector<std::string> first;
    bool add(std::uint64_t hash, const std::string& value);
    std::int64_t size() const { return static_cast<std::int64_t>(all.size()); }
  };

  struct Entry {
    std::string secret_sha256;
    std::string secret_kind;
    std::optional<std::string> principal;
    CappedSet targets;
    CappedSet deckies;
    CappedSet services;
    CappedSet attacker_ips;
    CappedSet attacker_uuids;
    std::int64_t attempt_count = 0;
    std::int64_t first_seen = 0;
    std::int64_t last_seen = 0;
    std::int64_t written_at = 0;  // when observe() last returned a finding for it
  };

  SecretKey key_of(const std::string& sha, const std::string& kind,
                   const std::optional<std::string>& principal) const;
  std::uint64_t hash(const std::string& value) const;
  std::uint32_t target_id(const std::string& decky, const std::string& service);
  store::CredentialReuse row_of(const Entry& e) const;
  // Adds the attempt; returns whether a target, address or attacker was new.
  bool add(Entry& e, const store::CredentialAttempt& a, std::int64_t attempts) const;
  Entry load(const std::string& sha, const std::string& kind,
             const std::optional<std::string>& principal, const SecretHistory& history) const;

  const std::int64_t min_targets_;
  const core::ShortHashKey hash_key_;  // drawn at construction: collisions cannot be aimed
  mutable std::mutex mu_;
  SecretTable secrets_;
  std::vector<Entry> reused_;  // full entries, indexed by SecretTable::Slot::full
  std::unordered_map<std::string, std::uint32_t> target_ids_;  // "decky:service" -> id
};

}  // namespace decnet::correlate
