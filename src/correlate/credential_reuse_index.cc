#include "correlate/credential_reuse_index.h"

#include <algorithm>

namespace decnet::correlate {
namespace {

bool add_unique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) != list.end()) return false;
  list.push_back(value);
  return true;
}

}  // namespace

std::string CredentialReuseIndex::key_of(const std::string& sha, const std::string& kind,
                                         const std::optional<std::string>& principal) {
  // '\x1f' cannot appear in a hex hash or a kind identifier, so the key is unambiguous.
  return sha + '\x1f' + kind + '\x1f' + principal.value_or("");
}

bool CredentialReuseIndex::add(Entry& e, const store::CredentialAttempt& a, std::int64_t attempts) {
  bool grew = add_unique(e.targets, a.decky_name + ":" + a.service);
  add_unique(e.deckies, a.decky_name);
  add_unique(e.services, a.service);
  if (a.attacker_ip) grew |= add_unique(e.attacker_ips, *a.attacker_ip);
  if (a.attacker_uuid) grew |= add_unique(e.attacker_uuids, *a.attacker_uuid);
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
  r.attacker_uuids = e.attacker_uuids;
  r.attacker_ips = e.attacker_ips;
  r.deckies = e.deckies;
  r.services = e.services;
  r.targets = e.targets;
  r.target_count = static_cast<std::int64_t>(e.targets.size());
  r.attacker_ip_count = static_cast<std::int64_t>(e.attacker_ips.size());
  r.attempt_count = e.attempt_count;
  r.confidence = 1.0;
  r.first_seen = e.first_seen;
  r.last_seen = e.last_seen;
  return r;
}

std::optional<ReuseFinding> CredentialReuseIndex::observe(const store::CredentialAttempt& a) {
  std::lock_guard lock(mu_);
  auto& e = entries_[key_of(a.secret_sha256, a.secret_kind, a.principal)];
  if (e.secret_sha256.empty()) {
    e.secret_sha256 = a.secret_sha256;
    e.secret_kind = a.secret_kind;
  }
  const bool grew = add(e, a, 1);
  if (static_cast<std::int64_t>(e.targets.size()) < min_targets_) return std::nullopt;
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
    if (static_cast<std::int64_t>(e.targets.size()) >= min_targets_) out.push_back(row_of(e));
  }
  return out;
}

std::size_t CredentialReuseIndex::secrets() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace decnet::correlate
