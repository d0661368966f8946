// Recognises the lines a RELP sender sends a second time. A sender keeps every frame until it is
// answered and sends the unanswered ones again after a reconnect; a line that was committed but
// whose answer was lost (the server was killed between the commit and the write, or the
// connection broke) therefore arrives twice. The pipeline remembers a keyed 64-bit digest of the
// last kCapacity acknowledged lines it took, saves them with every batch (in the batch's own
// transaction, so they describe exactly what is stored), and drops a line that is among the
// first frames of a connection and matches one of them. Lines later in a connection are never
// dropped: two identical lines sent on purpose (a brute-force loop within one second) are both
// kept. The bound: up to kCapacity lines may be awaiting their answer across all RELP senders
// (64 senders at librelp's default window of 128).
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/hash.h"

namespace decnet::ingest {

class ResendFilter {
 public:
  static constexpr std::size_t kCapacity = 8192;
  static constexpr const char* kStateKey = "ingest.relp_recent_lines";

  ResendFilter();

  // Carries on from the digests saved with the last committed batch; anything unreadable
  // starts afresh (the only cost is a resent line stored twice).
  void restore(const nlohmann::json& saved);
  // Whether `line` repeats a recent one and may be a resend; if not, it is remembered.
  bool is_resend(std::string_view line, bool may_be_resent);
  nlohmann::json save() const;
  std::size_t size() const { return ring_.size(); }

 private:
  void remember(std::uint64_t digest);

  core::ShortHashKey key_;
  std::vector<std::uint64_t> ring_;  // oldest first once full, from next_
  std::size_t next_ = 0;
  std::unordered_map<std::uint64_t, std::uint32_t> count_;
};

}  // namespace decnet::ingest
