// Which identities work one campaign: the campaign edge (campaign_edge.h) over the pairs worth
// scoring, and the groups its links form. Scoring every pair of identities would be quadratic
// in a fleet's identities, so pairs are drawn only where an edge can come from: identities that
// left a decky at command-and-control or persistence beside those that arrived there at
// discovery or lateral movement, identities sharing a payload or an endpoint (one shared by more
// than kCommonInfra identities is tooling, as for identities), and identities whose typing
// rhythms agree on a whole byte (two SimHashes within Hamming distance 8 must share one of their
// eight bytes). Cohort and session overlap add to a pair's score but never make one.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "identity/campaign_edge.h"
#include "store/identity_repository.h"

namespace decnet::identity {

inline constexpr std::size_t kCommonInfra = 50;
inline constexpr std::size_t kMaxHandoffsPerDecky = 2000;

struct CampaignEdge {
  std::string a, b;  // a < b
  double handoff = 0, shared_infra = 0, temporal = 0, cohort = 0, keystroke = 0, score = 0;
};

// The features of the candidates, with their decky phases from the hand-off tactics.
std::map<std::string, IdentityFeatures> campaign_features(
    const std::vector<store::CampaignCandidate>& candidates,
    const std::vector<store::IdentityDeckyTactic>& tactics);

// The candidate pairs that reach the edge threshold, scored.
std::vector<CampaignEdge> campaign_edges(const std::map<std::string, IdentityFeatures>& features);
// Every pair of `identities` scored (a campaign's own, for its page), linked or not.
std::vector<CampaignEdge> all_campaign_edges(
    const std::map<std::string, IdentityFeatures>& features);

// The groups of two or more identities the edges join, members sorted, groups in order of
// their smallest member.
std::vector<std::vector<std::string>> campaign_groups(const std::vector<CampaignEdge>& edges);

}  // namespace decnet::identity
