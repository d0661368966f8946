#include "identity/campaign_edge.h"

#include <algorithm>
#include <bit>

namespace decnet::identity {
namespace {

double jaccard(const std::set<std::string>& a, const std::set<std::string>& b) {
  if (a.empty() && b.empty()) return 0;
  std::size_t common = 0;
  for (const auto& x : a) common += b.contains(x) ? 1 : 0;
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

bool hands_off(const IdentityFeatures& out, const IdentityFeatures& in) {
  for (const auto& [decky, last] : out.last_phase_per_decky) {
    const auto first = in.first_phase_per_decky.find(decky);
    if (first == in.first_phase_per_decky.end()) continue;
    const auto& [out_phase, left_at] = last;
    const auto& [in_phase, arrived_at] = first->second;
    if (out_phase != "command_and_control" && out_phase != "persistence") continue;
    if (in_phase != "discovery" && in_phase != "lateral_movement") continue;
    const double gap = arrived_at - left_at;
    if (gap >= 0 && gap <= kHandoffWindowSeconds) return true;
  }
  return false;
}

}  // namespace

double phase_handoff(const IdentityFeatures& a, const IdentityFeatures& b) {
  return hands_off(a, b) || hands_off(b, a) ? 1.0 : 0.0;
}

double shared_infra(const IdentityFeatures& a, const IdentityFeatures& b) {
  std::set<std::string> x = a.payloads;
  x.insert(a.c2.begin(), a.c2.end());
  std::set<std::string> y = b.payloads;
  y.insert(b.c2.begin(), b.c2.end());
  return jaccard(x, y);
}

double temporal_overlap(const IdentityFeatures& a, const IdentityFeatures& b) {
  if (a.session_windows.empty() || b.session_windows.empty()) return 0;
  double total = 0;
  for (const auto& [s, e] : a.session_windows) total += e - s;
  if (total <= 0) return 0;
  double overlap = 0;
  for (const auto& [as, ae] : a.session_windows) {
    for (const auto& [bs, be] : b.session_windows) {
      overlap += std::max(0.0, std::min(ae, be) - std::max(as, bs));
    }
  }
  return std::min(1.0, overlap / total);
}

double pair_temporal_overlap(const IdentityFeatures& a, const IdentityFeatures& b) {
  return std::max(temporal_overlap(a, b), temporal_overlap(b, a));
}

double cohort_similarity(const IdentityFeatures& a, const IdentityFeatures& b) {
  return jaccard(a.cohort, b.cohort);
}

double keystroke_similarity(const IdentityFeatures& a, const IdentityFeatures& b) {
  if (!a.kd_digraph_simhash || !b.kd_digraph_simhash) return 0;
  const int d = std::popcount(*a.kd_digraph_simhash ^ *b.kd_digraph_simhash);
  if (d >= kKeystrokeHammingMax) return 0;
  return 1.0 - static_cast<double>(d) / kKeystrokeHammingMax;
}

double campaign_edge_score(const IdentityFeatures& a, const IdentityFeatures& b) {
  return 1.0 * phase_handoff(a, b) + 1.0 * shared_infra(a, b) + 0.4 * pair_temporal_overlap(a, b) +
         0.1 * cohort_similarity(a, b) + 0.6 * keystroke_similarity(a, b);
}

bool campaign_linked(const IdentityFeatures& a, const IdentityFeatures& b) {
  return campaign_edge_score(a, b) >= kCampaignEdgeThreshold;
}

std::string ukc_phase(const std::string& tactic_id) {
  static const std::map<std::string, std::string> kPhases = {
      {"TA0043", "reconnaissance"},  {"TA0042", "resource_development"},
      {"TA0001", "delivery"},        {"TA0002", "execution"},
      {"TA0003", "persistence"},     {"TA0004", "privilege_escalation"},
      {"TA0005", "defense_evasion"}, {"TA0006", "credential_access"},
      {"TA0007", "discovery"},       {"TA0008", "lateral_movement"},
      {"TA0009", "collection"},      {"TA0011", "command_and_control"},
      {"TA0010", "exfiltration"},    {"TA0040", "impact"},
      {"TA0100", "collection"},      {"TA0102", "discovery"},
      {"TA0105", "impact"},          {"TA0106", "impact"}};
  const auto it = kPhases.find(tactic_id);
  return it == kPhases.end() ? std::string() : it->second;
}

}  // namespace decnet::identity
