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
#include <unordered_set>
#include <vector>

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

class CredentialReuseIndex {
 public:
  explicit CredentialReuseIndex(std::int64_t min_targets = 2) : min_targets_(min_targets) {}

  // Records one stored credential attempt (after its upsert, with its attacker_uuid). Returns
  // the finding to write when the secret is reused and either grew or was last written more
  // than `refresh_us` ago (so attempt counts and last_seen stay current without a write per
  // attempt); nullopt otherwise.
  std::optional<ReuseFinding> observe(const store::CredentialAttempt& attempt,
                                      std::int64_t refresh_us = 1'000'000);

  // Replaces the index with what the credentials table holds.
  void rebuild(store::CredentialRepository& credentials);

  // Every finding the index holds (secrets with >= min_targets targets).
  std::vector<store::CredentialReuse> findings() const;

  std::size_t secrets() const;
  std::int64_t min_targets() const { return min_targets_; }

 private:
  // Members in first-seen order, the first kListCap of them kept for display.
  struct CappedSet {
    std::unordered_set<std::string> all;
    std::vector<std::string> first;
    bool add(const std::string& value);
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
