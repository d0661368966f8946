// Threat-intel cache: one attacker_intel row per attacker (keyed by attacker uuid, never by
// address) holding each provider's last answer in a `providers` JSON object. The enrichment
// worker asks for the attackers that are due — never enriched, past their TTL, or past the
// sooner retry time set when a provider failed — and writes each pass back as a per-provider
// merge, so one provider's outage never erases what another (or an earlier pass) found.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/write_scope.h"

namespace decnet::store {

// One provider's answer. `raw` is the provider's JSON document; `error` marks a failed query.
struct ProviderIntel {
  std::optional<std::string>
      verdict;  // malicious | suspicious | benign | unknown; null: no opinion
  std::string raw = "{}";
  std::int64_t queried_at = 0;
  std::optional<std::string> error;
};

// One enrichment pass. A provider entry with `error` keeps the stored verdict, raw and
// queried_at of that provider and only records the error; any other entry replaces the stored
// one. Providers absent from the map are left as stored.
struct AttackerIntelUpdate {
  std::string attacker_uuid;
  std::string attacker_ip;  // denormalised, overwritten on every upsert
  std::map<std::string, ProviderIntel> providers;
  std::int64_t cached_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> retry_at;  // set when a provider failed; null clears it
};

struct AttackerIntel {
  std::string uuid;  // 32 hex digits
  std::string attacker_uuid;
  std::string attacker_ip;
  std::int64_t schema_version = 1;
  std::map<std::string, ProviderIntel> providers;
  std::string aggregate_verdict = "unknown";  // strongest verdict among the stored providers
  std::int64_t cached_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> retry_at;
};

struct UnenrichedAttacker {
  std::string uuid;
  std::string ip;
};

class IntelRepository {
 public:
  virtual ~IntelRepository() = default;

  // Creates or merges the attacker's row and returns it as stored. Throws kInvalid for a verdict
  // outside the four known ones or a `raw` that is not JSON, kConstraint for an unknown attacker.
  virtual AttackerIntel upsert_attacker_intel(WriteScope& scope,
                                              const AttackerIntelUpdate& update) = 0;
  virtual std::optional<AttackerIntel> get_attacker_intel_by_uuid(
      const std::string& attacker_uuid) = 0;
  // Attackers with no intel row, expires_at < now, or retry_at < now; most recently seen first.
  // The limit is clamped to 1..kMaxLimit.
  virtual std::vector<UnenrichedAttacker> get_unenriched_attackers(std::int64_t limit,
                                                                   std::int64_t now) = 0;
};

}  // namespace decnet::store
