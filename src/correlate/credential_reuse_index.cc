#include "correlate/credential_reuse_index.h"

#include <algorithm>

#include "core/time.h"

namespace decnet::correlate {
bool CredentialReuseIndex::CappedSet::add(const std::string& value) {
  if (!all.insert(value).second) return false;
  if (first.size() < kListCap) first.push_back(value);
  return true;
}

std::string CredentialReuseIndex::key_of(const std::string& sha, const std::string& kind,
                                         const std::optional<std::string>& principal) {
  // '\x1f' cannot appear in a hex hash or a kind identifier, so the key is unambiguous.
  return sha + '\x1f' + kind + '\x1f' + principal.value_or("");
}

bool CredentialReuseIndex::add(Entry& e, const store::CredentialAttempt& a, std::int64_t attempts) {
  bool grew = e.targets.add(a.decky_name + ":" + a.service);
  e.deckies.add(a.decky_name);
  e.services.add(a.service);
  if (a.attacker_ip) grew |= e.attacker_ips.add(*a.attacker_ip);
  if (a.attacker_uuid) grew |= e.attacker_uuids.add(*a.attacker_uuid);
  e.attempt_count += attempts;
  if (e.first_seen == 0 || a.seen_at < e.first_seen) e.first_seen = a.seen_at;
  e.last_seen = std::max(e.last_seen, a.seen_at);
  if (!e.principal && a.principal && !a.principal->empty()) e.principal = a.principal;
  return grew;
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
                                                          std::int64_t refresh_us) {
  std::lock_guard lock(mu_);
  auto& e = entries_[key_of(a.secret_sha256, a.secret_kind, a.principal)];
  if (e.secret_sha256.empty()) {
    e.secret_sha256 = a.secret_sha256;
    e.secret_kind = a.secret_kind;
  }
  const bool grew = add(e, a, 1);
  if (e.targets.size() < min_targets_) return std::nullopt;
  const auto now = core::now_micros();
  if (!grew && now - e.written_at < refresh_us) return std::nullopt;
  e.written_at = now;
  return ReuseFinding{row_of(e), grew};
}

void CredentialReuseIndex::rebuild(store::CredentialRepository& credentials) {
  std::unordered_map<std::string, Entry> fresh;
  credentials.for_each([&](const store::Credential& c) {
    auto& e = fresh[key_of(c.secret_sha256, c.secret_kind, c.principal)];
    if (e.secret_sha256.empty()) {
      e.secret_sha256 = c.secret_sha256;
      e.secret_kind = c.secret_kind;
    }
    store::CredentialAttempt a = c;
    a.seen_at = c.first_seen;
    add(e, a, c.attempt_count);
    e.last_seen = std::max(e.last_seen, c.last_seen);
  });
  std::lock_guard lock(mu_);
  entries_ = std::move(fresh);
}

std::vector<store::CredentialReuse> CredentialReuseIndex::findings() const {
  std::lock_guard lock(mu_);
  std::vector<store::CredentialReuse> out;
  for (const auto& [key, e] : entries_) {
    if (e.targets.size() >= min_targets_) out.push_back(row_of(e));
  }
  return out;
}

std::size_t CredentialReuseIndex::secrets() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace decnet::correlate
