// The compact part of the credential-reuse index: one 24-byte slot per distinct secret, in an
// open-addressing table (linear probing, grown at 3/4 full). Almost every secret an attacker
// tries is tried against one target only and never becomes a finding; for those the index only
// needs to know which target that was, so that a second one can be recognised. 600,000 such
// secrets used to cost 1.4 GB as strings, sets and vectors; here they cost tens of bytes each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace decnet::correlate {

// A 128-bit name for a secret; see CredentialReuseIndex::key_of.
struct SecretKey {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  bool operator==(const SecretKey&) const = default;
};

class SecretTable {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  struct Slot {
    SecretKey key;
    std::uint32_t target = kNone;  // the first target; kNone marks an empty slot
    std::uint32_t full = kNone;    // index of the secret's full entry once it is reused
  };

  SecretTable() { slots_.resize(kInitialSlots); }

  // The slot of `key`, created (with `target`) if absent; `inserted` says which.
  Slot& find_or_insert(const SecretKey& key, std::uint32_t target, bool& inserted) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();
    Slot& slot = probe(slots_, key);
    inserted = slot.target == kNone;
    if (inserted) {
      slot.key = key;
      slot.target = target;
      ++size_;
    }
    return slot;
  }

  std::size_t size() const { return size_; }
  std::size_t bytes() const { return slots_.capacity() * sizeof(Slot); }
  void clear() {
    slots_.assign(kInitialSlots, Slot{});
    size_ = 0;
  }

 private:
  static constexpr std::size_t kInitialSlots = 1024;  // a power of two

  static Slot& probe(std::vector<Slot>& slots, const SecretKey& key) {
    const std::size_t mask = slots.size() - 1;
    // The key's halves are uniform already (hash output), so they index directly.
    for (std::size_t i = static_cast<std::size_t>(key.hi ^ key.lo) & mask;; i = (i + 1) & mask) {
      if (slots[i].target == kNone || slots[i].key == key) return slots[i];
    }
  }

  void grow() {
    std::vector<Slot> bigger(slots_.size() * 2);
    for (const auto& slot : slots_) {
      if (slot.target != kNone) probe(bigger, slot.key) = slot;
    }
    slots_.swap(bigger);
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace decnet::correlate
