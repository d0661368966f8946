#include "identity/campaign_clusterer.h"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace decnet::identity {
namespace {

bool hands_off(const std::string& phase) {
  return phase == "command_and_control" || phase == "persistence";
}

bool takes_over(const std::string& phase) {
  return phase == "discovery" || phase == "lateral_movement";
}

CampaignEdge scored(const std::string& a, const std::string& b, const IdentityFeatures& fa,
                    const IdentityFeatures& fb) {
  CampaignEdge e;
  e.a = std::min(a, b);
  e.b = std::max(a, b);
  e.handoff = phase_handoff(fa, fb);
  e.shared_infra = shared_infra(fa, fb);
  e.temporal = pair_temporal_overlap(fa, fb);
  e.cohort = cohort_similarity(fa, fb);
  e.keystroke = keystroke_similarity(fa, fb);
  e.score = campaign_edge_score(fa, fb);
  return e;
}

}  // namespace

std::map<std::string, IdentityFeatures> campaign_features(
    const std::vector<store::CampaignCandidate>& candidates,
    const std::vector<store::IdentityDeckyTactic>& tactics) {
  std::map<std::string, IdentityFeatures> out;
  for (const auto& c : candidates) {
    auto& f = out[c.identity_uuid];
    f.payloads.insert(c.payloads.begin(), c.payloads.end());
    f.c2.insert(c.c2.begin(), c.c2.end());
    f.kd_digraph_simhash = c.kd_digraph_simhash;
    for (const auto asn : c.asns) f.cohort.insert("asn:" + std::to_string(asn));
    for (const auto& tool : c.tools) f.cohort.insert("tool:" + tool);
    for (const auto& [start, end] : c.session_windows) {
      f.session_windows.emplace_back(static_cast<double>(start) / 1e6,
                                     static_cast<double>(end) / 1e6);
    }
  }
  for (const auto& t : tactics) {  // oldest first
    const auto phase = ukc_phase(t.tactic);
    if (phase.empty()) continue;
    auto& f = out[t.identity_uuid];
    const double at = static_cast<double>(t.at) / 1e6;
    f.first_phase_per_decky.try_emplace(t.decky, phase, at);
    f.last_phase_per_decky[t.decky] = {phase, at};
    f.cohort.insert("decky:" + t.decky);
  }
  return out;
}

std::vector<CampaignEdge> campaign_edges(const std::map<std::string, IdentityFeatures>& features) {
  std::set<std::pair<std::string, std::string>> pairs;
  const auto pair_up = [&](const std::vector<const std::string*>& group) {
    for (std::size_t i = 0; i < group.size(); ++i) {
      for (std::size_t j = i + 1; j < group.size(); ++j) {
        pairs.emplace(std::min(*group[i], *group[j]), std::max(*group[i], *group[j]));
      }
    }
  };
  // Hand-offs: per decky, who left it ready and who came in to look around.
  std::map<std::string, std::pair<std::vector<const std::string*>, std::vector<const std::string*>>>
      by_decky;
  // Shared payloads or endpoints, and rhythm bytes.
  std::unordered_map<std::string, std::vector<const std::string*>> by_infra;
  std::unordered_map<std::uint64_t, std::vector<const std::string*>> by_band;
  for (const auto& [id, f] : features) {
    for (const auto& [decky, last] : f.last_phase_per_decky) {
      if (hands_off(last.first)) by_decky[decky].first.push_back(&id);
    }
    for (const auto& [decky, first] : f.first_phase_per_decky) {
      if (takes_over(first.first)) by_decky[decky].second.push_back(&id);
    }
    for (const auto& p : f.payloads) by_infra["p:" + p].push_back(&id);
    for (const auto& c : f.c2) by_infra["c:" + c].push_back(&id);
    if (f.kd_digraph_simhash) {
      for (std::uint64_t band = 0; band < 8; ++band) {
        by_band[(band << 8) | ((*f.kd_digraph_simhash >> (band * 8)) & 0xff)].push_back(&id);
      }
    }
  }
  for (auto& [decky, sides] : by_decky) {
    auto& [outs, ins] = sides;
    if (outs.size() > kMaxHandoffsPerDecky) outs.resize(kMaxHandoffsPerDecky);
    if (ins.size() > kMaxHandoffsPerDecky) ins.resize(kMaxHandoffsPerDecky);
    for (const auto* o : outs) {
      for (const auto* i : ins) {
        if (*o != *i) pairs.emplace(std::min(*o, *i), std::max(*o, *i));
      }
    }
  }
  for (const auto& [_, group] : by_infra) {
    if (group.size() <= kCommonInfra) pair_up(group);
  }
  for (const auto& [_, group] : by_band) {
    if (group.size() <= kCommonInfra) pair_up(group);
  }
  std::vector<CampaignEdge> out;
  for (const auto& [a, b] : pairs) {
    auto e = scored(a, b, features.at(a), features.at(b));
    if (e.score >= kCampaignEdgeThreshold) out.push_back(std::move(e));
  }
  return out;
}

std::vector<CampaignEdge> all_campaign_edges(
    const std::map<std::string, IdentityFeatures>& features) {
  std::vector<CampaignEdge> out;
  for (auto i = features.begin(); i != features.end(); ++i) {
    for (auto j = std::next(i); j != features.end(); ++j) {
      out.push_back(scored(i->first, j->first, i->second, j->second));
    }
  }
  return out;
}

std::vector<std::vector<std::string>> campaign_groups(const std::vector<CampaignEdge>& edges) {
  std::map<std::string, std::string> parent;
  const auto find = [&](std::string x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const auto& e : edges) {
    parent.try_emplace(e.a, e.a);
    parent.try_emplace(e.b, e.b);
  }
  for (const auto& e : edges) {
    const auto ra = find(e.a);
    const auto rb = find(e.b);
    if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
  }
  std::map<std::string, std::vector<std::string>> groups;
  for (const auto& [id, _] : parent) groups[find(id)].push_back(id);
  std::vector<std::vector<std::string>> out;
  out.reserve(groups.size());
  for (auto& [_, members] : groups) out.push_back(std::move(members));  // std::map: sorted
  return out;
}

}  // namespace decnet::identity
