// Active-probe fingerprint state: the last JARM / HASSH / TCP fingerprint hash seen per
// (attacker, port, probe type). A changed hash is a rotation — the attacker swapped tooling or
// infrastructure behind the same address — and is counted on the state row and on the
// attacker in the same transaction, so the attacker's rotation_count never disagrees with the
// state rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/write_scope.h"

namespace decnet::store {

struct FingerprintSighting {
  std::string attacker_uuid;
  std::int64_t port = 0;   // 0..65535
  std::string probe_type;  // jarm | hassh | tcpfp
  std::string hash;
  std::int64_t seen_at = 0;
};

enum class FingerprintOutcome { kNoAttacker, kFirstSighting, kUnchanged, kRotated };

struct FingerprintResult {
  FingerprintOutcome outcome = FingerprintOutcome::kNoAttacker;
  std::string attacker_ip;              // for the attacker.fingerprint_rotated payload
  std::optional<std::string> old_hash;  // set when rotated
  std::string new_hash;
  std::int64_t rotation_count = 0;  // the state row's, after this sighting
};

struct FingerprintState {
  std::string uuid;
  std::string attacker_uuid;
  std::int64_t port = 0;
  std::string probe_type;
  std::string last_hash;
  std::int64_t last_seen = 0;
  std::int64_t rotation_count = 0;
};

class FingerprintRepository {
 public:
  virtual ~FingerprintRepository() = default;

  // Records one probe result. An unknown attacker writes nothing (kNoAttacker); a rotation also
  // bumps attackers.rotation_count and last_rotation_at. A probe type outside jarm/hassh/tcpfp or
  // a port outside 0..65535 throws kConstraint.
  virtual FingerprintResult record_fingerprint(WriteScope& scope,
                                               const FingerprintSighting& sighting) = 0;
  virtual std::optional<FingerprintState> get_fingerprint_state(const std::string& attacker_uuid,
                                                                std::int64_t port,
                                                                const std::string& probe_type) = 0;
  // Ordered by port, then probe type.
  virtual std::vector<FingerprintState> list_fingerprint_states(
      const std::string& attacker_uuid) = 0;
};

}  // namespace decnet::store
