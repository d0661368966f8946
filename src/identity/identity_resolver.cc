#include "identity/identity_resolver.h"

#include <algorithm>

#include "core/uuid.h"

namespace decnet::identity {

IdentityResolver::IdentityResolver(std::size_t common_after, std::function<std::string()> mint)
    : graph_(common_after), mint_(std::move(mint)) {
  if (!mint_) mint_ = [] { return core::Uuid::v7().str(); };
}

void IdentityResolver::load(const std::string& attacker, AttackerEvidence evidence,
                            const std::optional<std::string>& home) {
  if (home) state_.home[attacker] = *home;
  if (!evidence.empty()) graph_.set(attacker, std::move(evidence));
}

void IdentityResolver::load_merge(const std::string& loser, const std::string& winner) {
  state_.merged_into[loser] = winner;
}

std::vector<std::string> IdentityResolver::sorted_members(IdentityGraph::Component c) const {
  const auto& m = graph_.members(c);
  return {m.begin(), m.end()};  // std::set: already sorted
}

IdentityChanges IdentityResolver::settle_all() {
  std::vector<std::vector<std::string>> components;
  graph_.for_each_component([&](const std::set<std::string>& members) {
    components.emplace_back(members.begin(), members.end());
  });
  std::sort(components.begin(), components.end(),
            [](const auto& a, const auto& b) { return a.front() < b.front(); });
  return settle(components, state_, mint_);
}

IdentityChanges IdentityResolver::settle_update(const IdentityGraph::Update& update) {
  std::vector<std::vector<std::string>> components;
  components.reserve(update.changed.size());
  for (const auto c : update.changed) components.push_back(sorted_members(c));
  std::sort(components.begin(), components.end(),
            [](const auto& a, const auto& b) { return a.front() < b.front(); });
  return settle(components, state_, mint_);
}

IdentityChanges IdentityResolver::appeared(const std::string& attacker,
                                           const std::optional<std::string>& home) {
  IdentityChanges out;
  if (home || state_.home.contains(attacker)) return out;
  const auto identity = mint_();
  out.created.push_back(identity);
  out.formed.push_back({identity, {attacker}});
  out.links.emplace_back(attacker, identity);
  out.touched.push_back({identity, {attacker}});
  return out;
}

bool IdentityResolver::observe(const IdentityInput& input, const std::optional<std::string>& home,
                               IdentityChanges& changes) {
  if (!input.kind || input.value.empty()) return false;
  const auto* current = graph_.evidence_of(input.attacker_uuid);
  AttackerEvidence next = current ? *current : AttackerEvidence{};
  const auto newer = [&](std::int64_t Seen::*slot) {
    auto& at = seen_[input.attacker_uuid].*slot;
    if (input.seen_at < at) return false;
    at = input.seen_at;
    return true;
  };
  switch (*input.kind) {
    case EvidenceKind::kJa3:
      if (!newer(&Seen::ja3)) return false;
      next.ja3 = input.value;
      break;
    case EvidenceKind::kHassh:
      if (!newer(&Seen::hassh)) return false;
      next.hassh = input.value;
      break;
    case EvidenceKind::kPayload:
      if (next.payloads.size() >= kMaxPayloadsPerAttacker) return false;
      next.payloads.insert(input.value);
      break;
    case EvidenceKind::kC2:
      if (next.c2.size() >= kMaxC2PerAttacker) return false;
      next.c2.insert(input.value);
      break;
    case EvidenceKind::kTwin:
      if (next.twins.size() >= kMaxTwinsPerAttacker || input.value == input.attacker_uuid) {
        return false;
      }
      next.twins.insert(input.value);
      break;
    case EvidenceKind::kBehaviour:
      return false;  // the worker turns it into twins first
  }
  if (current && *current == next) return false;
  if (!current && home && !state_.home.contains(input.attacker_uuid)) {
    state_.home[input.attacker_uuid] = *home;
  }
  changes.append(settle_update(graph_.set(input.attacker_uuid, std::move(next))));
  return true;
}

IdentityResolver::Rollup IdentityResolver::rollup(const std::vector<std::string>& attackers) const {
  Rollup out;
  for (const auto& a : attackers) {
    const auto* e = graph_.evidence_of(a);
    if (!e) continue;
    if (e->ja3) out.ja3.insert(*e->ja3);
    if (e->hassh) out.hassh.insert(*e->hassh);
    out.payloads.insert(e->payloads.begin(), e->payloads.end());
    out.c2.insert(e->c2.begin(), e->c2.end());
  }
  return out;
}

}  // namespace decnet::identity
