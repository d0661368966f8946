#include "correlate/credential_reuse_index.h"

#include <algorithm>

#include "core/time.h"

namespace decnet::correlate {

bool CredentialReuseIndex::CappedSet::add(std::uint64_t hash, const std::string& value) {
  if (!all.insert(hash).second) return false;
  if (first.size() < kListCap) first.push_back(value);
  return true;
}

CredentialReuseIndex::CredentialReuseIndex(std::int64_t min_targets)
    : min_targets_(std::max<std::int64_t>(2, min_targets)),
      hash_key_(core::random_short_hash_key()) {}

std::uint64_t CredentialReuseIndex::hash(const std::string& value) const {
  return core::keyed_hash64(hash_key_, value);
}

// Two keyed 64-bit hashes: of the secret's digest, and of its kind and principal ('\x1f'
// cannot appear in a kind identifier, so that pair is unambiguous). Different secrets share a
// key with probability 2^-64 per pair, and no one who lacks the key can make them.
SecretKey CredentialReuseIndex::key_of(const std::string& sha, const std::string& kind,
                                       const std::optional<std::string>& principal) const {
  return {hash(sha), hash(kind + '\x1f' + principal.value_or(""))};
}

std::uint32_t CredentialReuseIndex::target_id(const std::string& decky,
                                              const std::string& service) {
  const auto [it, fresh] = target_ids_.try_emplace(decky + ":" + service,
                                                   static_cast<std::uint32_t>(target_ids_.size()));
  return it->second;
}

bool CredentialReuseIndex::add(Entry& e, const store::CredentialAttempt& a,
                               std::int64_t attempts) const {
  const auto target = a.decky_name + ":" + a.service;
  bool grew = e.targets.add(hash(target), target);
  e.deckies.add(hash(a.decky_name), a.decky_name);
  e.services.add(hash(a.service), a.service);
  if (a.attacker_ip) grew |= e.attacker_ips.add(hash(*a.attacker_ip), *a.attacker_ip);
  if (a.attacker_uuid) grew |= e.attacker_uuids.add(hash(*a.attacker_uuid), *a.attacker_uuid);
  e.attempt_count += attempts;
  if (e.first_seen == 0 || a.seen_at < e.first_seen) e.first_seen = a.seen_at;
  e.last_seen = std::max(e.last_seen, a.seen_at);
  if (!e.principal && a.principal && !a.principal->empty()) e.principal = a.principal;
  return grew;
}

// The full entry of a secret that just became reused, from every stored attempt of it.
CredentialReuseIndex::Entry CredentialReuseIndex::load(const std::string& sha,
                                                       const std::string& kind,
                                                       const std::optional<std::string>& principal,
                                                       const SecretHistory& history) const {
  Entry e;
  e.secret_sha256 = sha;
  e.secret_kind = kind;
  history(sha, kind, principal, [&](const store::Credential& c) {
    store::CredentialAttempt a = c;
    a.seen_at = c.first_seen;
    add(e, a, c.attempt_count);
    e.last_seen = std::max(e.last_seen, c.last_seen);
  });
  return e;
}

store::CredentialReuse CredentialReuseIndex::row_of(const Entry& e) const {
  store::CredentialReuse r;
  r.secret_sha256 = e.secret_sha256;
  r.secret_kind = e.secret_kind;
  r.principal = e.principal;
  r.attacker_uuids = e.attacker_uuids.first;
  r.attacker_ips = e.attacker_ips.first;
  r.deckies = e.deckies.first;
  r.services = e.services.first;
  r.targets = e.targets.first;
  r.target_count = e.targets.size();
  r.attacker_ip_count = e.attacker_ips.size();
  r.attempt_count = e.attempt_count;
  r.confidence = 1.0;
  r.first_seen = e.first_seen;
  r.last_seen = e.last_seen;
  return r;
}

std::optional<ReuseFinding> CredentialReuseIndex::observe(const store::CredentialAttempt& a,
                                                          const SecretHistory& history,
                                                          std::int64_t refresh_us) {
  std::lock_guard lock(mu_);
  const auto target = target_id(a.decky_name, a.service);
  bool inserted = false;
  auto& slot = secrets_.find_or_insert(key_of(a.secret_sha256, a.secret_kind, a.principal), target,
                                       inserted);
  if (inserted) return std::nullopt;
  const auto now = core::now_micros();
  if (slot.full == SecretTable::kNone) {
    if (slot.target == target) return std::nullopt;  // still one target: nothing to keep
    auto entry = load(a.secret_sha256, a.secret_kind, a.principal, history);
    if (entry.targets.size() < min_targets_) return std::nullopt;  // history disagrees: wait
    slot.full = static_cast<std::uint32_t>(reused_.size());
    entry.written_at = now;
    reused_.push_back(std::move(entry));
    return ReuseFinding{row_of(reused_.back()), true};
  }
  auto& e = reused_[slot.full];
  const bool grew = add(e, a, 1);
  if (!grew && now - e.written_at < refresh_us) return std::nullopt;
  e.written_at = now;
  return ReuseFinding{row_of(e), grew};
}

void CredentialReuseIndex::rebuild(store::CredentialRepository& credentials) {
  // Marks a slot whose secret was seen on a second target, to be loaded in the second pass.
  constexpr std::uint32_t kToLoad = SecretTable::kNone - 1;
  struct ToLoad {
    std::string sha, kind;
    std::optional<std::string> principal;
    SecretKey key;
  };
  std::lock_guard lock(mu_);
  secrets_.clear();
  reused_.clear();
  target_ids_.clear();
  std::vector<ToLoad> to_load;
  credentials.for_each([&](const store::Credential& c) {
    const auto key = key_of(c.secret_sha256, c.secret_kind, c.principal);
    const auto target = target_id(c.decky_name, c.service);
    bool inserted = false;
    auto& slot = secrets_.find_or_insert(key, target, inserted);
    if (inserted || slot.target == target || slot.full == kToLoad) return;
    slot.full = kToLoad;
    to_load.push_back({c.secret_sha256, c.secret_kind, c.principal, key});
  });
  const SecretHistory from_database =
      [&](const std::string& sha, const std::string& kind,
          const std::optional<std::string>& principal,
          const std::function<void(const store::Credential&)>& visit) {
        credentials.for_each_of_secret(nullptr, sha, kind, principal, visit);
      };
  for (const auto& secret : to_load) {
    bool inserted = false;
    auto& slot = secrets_.find_or_insert(secret.key, SecretTable::kNone, inserted);
    slot.full = static_cast<std::uint32_t>(reused_.size());
    reused_.push_back(load(secret.sha, secret.kind, secret.principal, from_database));
  }
}

std::vector<store::CredentialReuse> CredentialReuseIndex::findings() const {
  std::lock_guard lock(mu_);
  std::vector<store::CredentialReuse> out;
  out.reserve(reused_.size());
  for (const auto& e : reused_) out.push_back(row_of(e));
  return out;
}

std::size_t CredentialReuseIndex::secrets() const {
  std::lock_guard lock(mu_);
  return secrets_.size();
}

std::size_t CredentialReuseIndex::reused_secrets() const {
  std::lock_guard lock(mu_);
  return reused_.size();
}

std::size_t CredentialReuseIndex::memory_bytes() const {
  std::lock_guard lock(mu_);
  std::size_t bytes = secrets_.bytes() + reused_.capacity() * sizeof(Entry);
  const auto set_bytes = [](const CappedSet& s) {
    std::size_t n = s.all.size() * (sizeof(std::uint64_t) + 2 * sizeof(void*)) +
                    s.all.bucket_count() * sizeof(void*);
    for (const auto& v : s.first) n += sizeof(std::string) + v.capacity();
    return n;
  };
  for (const auto& e : reused_) {
    bytes += set_bytes(e.targets) + set_bytes(e.deckies) + set_bytes(e.services) +
             set_bytes(e.attacker_ips) + set_bytes(e.attacker_uuids);
  }
  for (const auto& [name, id] : target_ids_) bytes += name.capacity() + 48;
  return bytes;
}

}  // namespace decnet::correlate
