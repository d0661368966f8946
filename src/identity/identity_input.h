// What the identity worker is given: attackers that appeared (each gets an identity), and the
// evidence lines carry about the actor behind an address — the client's TLS fingerprint (JA3),
// the SSH fingerprint of its own server (HASSH, from the prober), the SHA-256 of a file it
// dropped, and the endpoints its commands download from or call back to; and, once a recorded
// session's vectors are stored, the news that its behaviour changed. Ingest hands these over
// once their batch is committed (IdentitySink), so every attacker named here already exists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::identity {

// kTwin: an attacker (value: its uuid) that types with this one's rhythm and runs its command
// habits. kBehaviour is no evidence itself: the attacker's behavioural vectors changed, and the
// worker looks for its twins in the vector store.
enum class EvidenceKind { kJa3, kHassh, kPayload, kC2, kTwin, kBehaviour };

std::string_view evidence_kind_name(EvidenceKind kind);
std::optional<EvidenceKind> evidence_kind_from(std::string_view name);

struct IdentityInput {
  std::string attacker_uuid;
  std::optional<EvidenceKind> kind;  // none: the attacker appeared
  std::string value;
  std::int64_t seen_at = 0;  // microseconds
};

class IdentitySink {
 public:
  virtual ~IdentitySink() = default;
  virtual void submit(std::vector<IdentityInput> inputs) = 0;
};

}  // namespace decnet::identity
