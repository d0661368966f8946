// Recipient domains the SMTP deckies saw an attacker target, one row per (attacker, domain) with
// a running count. Local parts are never stored. smtp_target_seen() is the gossip-shaped
// aggregate a peer may ask ("have your attackers targeted corp1.com?"): it answers with totals
// only, never with which attackers or how many of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/write_scope.h"

namespace decnet::store {

struct SmtpTarget {
  std::string attacker_uuid;
  std::string domain;
  std::int64_t first_seen = 0;
  std::int64_t last_seen = 0;
  std::int64_t count = 0;
};

struct SmtpTargetSeen {
  bool seen = false;
  std::int64_t count = 0;
  std::optional<std::int64_t> first_seen;
  std::optional<std::int64_t> last_seen;
};

class SmtpTargetRepository {
 public:
  virtual ~SmtpTargetRepository() = default;

  // Adds `count` recipients at `domain` (exact; the caller normalises) for the attacker, creating
  // the row on first sight; returns the new total. count < 1 or an empty domain throws kInvalid,
  // an unknown attacker kConstraint.
  virtual std::int64_t increment_smtp_target(WriteScope& scope, const std::string& attacker_uuid,
                                             const std::string& domain, std::int64_t count,
                                             std::int64_t seen_at) = 0;
  // Most recently targeted first.
  virtual std::vector<SmtpTarget> list_smtp_targets(const std::string& attacker_uuid) = 0;
  virtual SmtpTargetSeen smtp_target_seen(const std::string& domain) = 0;
};

}  // namespace decnet::store
