#include "ttp/event_tagger.h"

#include <algorithm>

#include "core/json_text.h"
#include "core/utf8.h"

namespace decnet::ttp {
namespace {

// An evidence text longer than this is cut: a tag explains, it does not archive.
constexpr std::size_t kMaxEvidenceText = 4096;

// What an email tag may say: hashes, header names, recipient domains, counts and what matched,
// never an address, a header's value or the body.
constexpr std::array<std::string_view, 14> kEmailEvidence = {
    "body_sha256",      "matched_headers",    "rcpt_domain_set", "attachment_sha256s",
    "rcpt_count",       "matched_kit",        "matched_trigger", "matched_url_host",
    "matched_signals",  "matched_subject_kw", "matched_body_kw", "encoded_byte_count",
    "matched_keywords", "btc_address"};

nlohmann::json bounded(const nlohmann::json& value) {
  if (value.is_string() && value.get_ref<const std::string&>().size() > kMaxEvidenceText) {
    return std::string(
        core::truncate_utf8_bytes(value.get_ref<const std::string&>(), kMaxEvidenceText));
  }
  return value;
}

}  // namespace

std::string mitre_url(std::string_view id) {
  std::string path(id);
  std::replace(path.begin(), path.end(), '.', '/');
  return "https://attack.mitre.org/techniques/" + path + "/";
}

EventTagger::EventTagger(std::vector<Rule> rules) : rules_(std::move(rules)) {
  matcher_ = std::make_unique<PatternMatcher>(rules_);
  for (const auto& rule : rules_) {
    if (rule.is_lifter()) lifters_.push_back({&rule, make_lifter(rule.lifter, rule.match)});
  }
  for (const auto& l : lifters_) {
    for (const auto& kind : l.rule->applies_to) lifters_by_kind_[kind].push_back(&l);
  }
}

EventTagger::~EventTagger() = default;

std::vector<const Rule*> EventTagger::firing_rules(const TagEvent& e) const {
  const auto field_of = [&](std::string_view f) -> const std::string* {
    const auto it = e.payload.find(f);
    return it == e.payload.end() || !it->is_string() ? nullptr : &it->get_ref<const std::string&>();
  };
  auto out = matcher_->match(e.source_kind, field_of);
  if (const auto it = lifters_by_kind_.find(e.source_kind); it != lifters_by_kind_.end()) {
    for (const auto* l : it->second) {
      if (!l->lifter->fire(e.payload).empty()) out.push_back(l->rule);
    }
  }
  return out;
}

std::vector<store::TtpTag> EventTagger::tag(const TagEvent& e, const RuleStates& states,
                                            std::int64_t now) const {
  std::vector<store::TtpTag> tags;
  const auto emit = [&](const Rule& rule, const store::TtpRuleState* state, const Firing& firing) {
    auto evidence = nlohmann::json::object();
    for (const auto& field : rule.evidence_fields) {
      if (const auto it = e.payload.find(field); it != e.payload.end() && !it->is_null()) {
        evidence[field] = bounded(*it);
      }
    }
    if (e.source_kind == "command") {
      if (const auto it = e.payload.find("service"); it != e.payload.end() && it->is_string()) {
        evidence["service"] = *it;
      }
    }
    for (const auto& [key, value] : firing.extras.items()) evidence[key] = bounded(value);
    if (e.source_kind == "email") {
      for (auto it = evidence.begin(); it != evidence.end();) {
        if (std::find(kEmailEvidence.begin(), kEmailEvidence.end(), it.key()) ==
            kEmailEvidence.end()) {
          it = evidence.erase(it);
        } else {
          ++it;
        }
      }
    }
    const auto evidence_text = core::json_text(evidence);
    for (const auto& em : rule.emits) {
      if (firing.technique_id && *firing.technique_id != em.technique_id) continue;
      const auto confidence = effective_confidence(em.confidence * firing.multiplier, state, now);
      if (!confidence) continue;
      store::TtpTag t;
      t.source_kind = e.source_kind;
      t.source_id = e.source_id;
      t.attacker_uuid = e.attacker_uuid;
      t.identity_uuid = e.identity_uuid;
      t.session_id = e.session_id;
      t.decky_id = e.decky_id;
      t.tactic = em.tactic;
      t.technique_id = em.technique_id;
      t.sub_technique_id = em.sub_technique_id;
      t.confidence = *confidence;
      t.rule_id = rule.rule_id;
      t.rule_version = rule.rule_version;
      t.evidence = evidence_text;
      t.attack_release = std::string(kAttackRelease);
      t.mitre_url = mitre_url(em.sub_technique_id.value_or(em.technique_id));
      t.created_at = e.at;
      tags.push_back(std::move(t));
    }
  };
  const auto state_of = [&](const Rule& rule) -> const store::TtpRuleState* {
    const auto found = states.find(rule.rule_id);
    return found == states.end() ? nullptr : &found->second;
  };
  const auto field_of = [&](std::string_view f) -> const std::string* {
    const auto it = e.payload.find(f);
    return it == e.payload.end() || !it->is_string() ? nullptr : &it->get_ref<const std::string&>();
  };
  static const Firing kWhole;
  for (const auto* rule : matcher_->match(e.source_kind, field_of)) {
    const auto* state = state_of(*rule);
    if (state_at(state, now) != kRuleDisabled) emit(*rule, state, kWhole);
  }
  const auto kind = lifters_by_kind_.find(e.source_kind);
  if (kind == lifters_by_kind_.end()) return tags;
  for (const auto* l : kind->second) {
    const auto* state = state_of(*l->rule);
    if (state_at(state, now) == kRuleDisabled) continue;
    for (const auto& firing : l->lifter->fire(e.payload)) emit(*l->rule, state, firing);
  }
  return tags;
}

}  // namespace decnet::ttp
