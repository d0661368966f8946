// When two identities work one campaign: the reference's campaign edge. One hands a decky to the
// other (it left it at command-and-control or persistence, the other arrived there at discovery
// or lateral movement within a day), they share payloads or C2, their sessions overlap in time,
// they share a cohort (AS, tool, decky), or they type with the same rhythm. Handoff or shared
// infrastructure alone joins two identities; rhythm alone never does, rhythm with overlapping
// sessions does.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace decnet::identity {

struct IdentityFeatures {
  std::set<std::string> payloads;                          // payload hashes
  std::set<std::string> c2;                                // command-and-control endpoints
  std::vector<std::pair<double, double>> session_windows;  // (start, end), seconds
  std::set<std::string> cohort;  // "asn:<n>", "tool:<name>", "decky:<name>"
  std::optional<std::uint64_t> kd_digraph_simhash;
  // Per decky: the kill-chain phase (UKC vocabulary) first and last seen there, and when.
  std::map<std::string, std::pair<std::string, double>> first_phase_per_decky;
  std::map<std::string, std::pair<std::string, double>> last_phase_per_decky;
};

inline constexpr double kHandoffWindowSeconds = 86'400;
inline constexpr int kKeystrokeHammingMax = 8;
inline constexpr double kCampaignEdgeThreshold = 1.0;

// Each part, then the weighted sum (1.0 handoff, 1.0 shared infra, 0.4 temporal, 0.1 cohort,
// 0.6 keystroke) that makes an edge at 1.0.
double phase_handoff(const IdentityFeatures& a, const IdentityFeatures& b);
double shared_infra(const IdentityFeatures& a, const IdentityFeatures& b);
double temporal_overlap(const IdentityFeatures& a, const IdentityFeatures& b);  // normalised by a
// A pair's temporal part: the larger of the two directions, so that an edge never depends on
// which identity's uuid sorts first.
double pair_temporal_overlap(const IdentityFeatures& a, const IdentityFeatures& b);
double cohort_similarity(const IdentityFeatures& a, const IdentityFeatures& b);
double keystroke_similarity(const IdentityFeatures& a, const IdentityFeatures& b);
double campaign_edge_score(const IdentityFeatures& a, const IdentityFeatures& b);
bool campaign_linked(const IdentityFeatures& a, const IdentityFeatures& b);

// The ATT&CK tactic's Unified Kill Chain phase ("TA0011" -> "command_and_control"); empty for a
// tactic outside the map.
std::string ukc_phase(const std::string& tactic_id);

}  // namespace decnet::identity
