// MITRE ATT&CK tags and the rules that produce them. A tag's uuid is a UUIDv5 of the six facts
// that identify it (source event, rule and version, technique), so tagging the same event twice
// — a replay, a backfill, two workers — inserts nothing the second time. The rollups answer
// "which techniques, how often, since when" for the fleet, an identity, an attacker, a session
// or a campaign from the composite (scope, technique) indexes. Rules and their operational
// state (enabled / disabled / clipped) are kept here for the database-backed rule store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/uuid.h"
#include "store/write_scope.h"

namespace decnet::store {

// Tags below this confidence are dropped by insert_tags, never stored.
inline constexpr double kTagConfidenceFloor = 0.3;
inline constexpr std::int64_t kDefaultTagLimit = 200;

// uuid5(NAMESPACE_URL, "decnet:ttp_tag:v1") = 1ca31f08-5522-5aae-8371-fe81f0e39de3.
inline const core::Uuid& ttp_tag_namespace() {
  static const core::Uuid ns = core::Uuid::v5(core::kNamespaceUrl, "decnet:ttp_tag:v1");
  return ns;
}

// The tag's identity: v5 of "source_kind|source_id|rule_id|rule_version|technique_id|sub".
inline std::string compute_tag_uuid(std::string_view source_kind, std::string_view source_id,
                                    std::string_view rule_id, std::int64_t rule_version,
                                    std::string_view technique_id,
                                    const std::optional<std::string>& sub_technique_id) {
  std::string name;
  for (std::string_view part : {source_kind, source_id, rule_id}) {
    name.append(part);
    name += '|';
  }
  name += std::to_string(rule_version);
  name += '|';
  name.append(technique_id);
  name += '|';
  name += sub_technique_id.value_or("");
  return core::Uuid::v5(ttp_tag_namespace(), name).str();
}

struct TtpTag {
  std::string uuid;  // computed by insert_tags from the identity fields; input value ignored
  std::string source_kind;
  std::string source_id;
  std::optional<std::string> attacker_uuid;  // at least one of attacker_uuid, identity_uuid
  std::optional<std::string> identity_uuid;
  std::optional<std::string> session_id;
  std::optional<std::string> decky_id;
  std::string tactic;
  std::string technique_id;                     // the parent technique
  std::optional<std::string> sub_technique_id;  // full dotted id
  double confidence = 0.0;                      // 0..1
  std::string rule_id;
  std::int64_t rule_version = 1;
  std::string evidence = "{}";  // JSON object
  std::string attack_release = "v15.1";
  std::optional<std::string> mitre_url;
  std::int64_t created_at = 0;  // 0: the time of the insert
};

enum class TagScope { kIdentity, kAttacker, kSession };

// One (technique, sub-technique) group of tags.
struct TechniqueRollup {
  std::string technique_id;
  std::optional<std::string> sub_technique_id;
  std::string tactic;
  std::int64_t count = 0;
  std::int64_t first_seen = 0;
  std::int64_t last_seen = 0;
  double confidence_max = 0.0;
  std::int64_t identity_count = 0;  // campaign rollups only
};

struct TtpRule {
  std::string rule_id;
  std::int64_t rule_version = 1;
  std::string source_path;
  std::string yaml_content;
  std::int64_t updated_at = 0;
  std::string updated_by;  // filesystem | git | an admin's name
};

struct TtpRuleState {
  std::string rule_id;
  std::string state = "enabled";  // enabled | disabled | clipped
  std::optional<double> confidence_max;
  std::optional<std::int64_t> expires_at;
  std::optional<std::string> reason;
  std::optional<std::string> set_by;
  std::int64_t set_at = 0;
};

class TtpRepository {
 public:
  virtual ~TtpRepository() = default;

  // Inserts the tags that are new (by uuid) and at or above the confidence floor; returns the
  // uuids of those it inserted. Existing tags keep their first-written values. Throws kConstraint for a
  // tag without an anchor or with confidence above 1, kInvalid for evidence that is not a JSON
  // object. All or nothing.
  virtual std::vector<std::string> insert_tags(WriteScope& scope,
                                               const std::vector<TtpTag>& tags) = 0;

  // Tags of one technique in a scope, newest first; an identity scope also covers the tags of
  // attackers linked to the identity. limit is clamped to 1..kMaxLimit.
  virtual std::vector<TtpTag> list_tags_by_scope_and_technique(
      TagScope scope, const std::string& id, const std::string& technique_id,
      const std::optional<std::string>& sub_technique_id,
      std::int64_t limit = kDefaultTagLimit) = 0;
  // Every tag in a scope, newest first, up to limit.
  virtual std::vector<TtpTag> list_tags_by_scope(TagScope scope, const std::string& id,
                                                 std::int64_t limit = kDefaultTagLimit) = 0;
  // Tags of one technique across the fleet created at or after `since`, newest first.
  virtual std::vector<TtpTag> list_tags_by_technique(const std::string& technique_id,
                                                     std::int64_t since,
                                                     std::int64_t limit = kDefaultTagLimit) = 0;
  virtual std::optional<TtpTag> get_tag(const std::string& uuid) = 0;
  virtual std::int64_t count_tags() = 0;

  // Rollups ordered by technique, then sub-technique (none first).
  virtual std::vector<TechniqueRollup> list_technique_rollup() = 0;
  virtual std::vector<TechniqueRollup> list_technique_rollup_by_scope(TagScope scope,
                                                                      const std::string& id) = 0;
  // Tags of the campaign's identities, directly or through their attackers.
  virtual std::vector<TechniqueRollup> list_technique_rollup_by_campaign(
      const std::string& campaign_uuid) = 0;

  // Creates or replaces the rule definition.
  virtual void upsert_rule(WriteScope& scope, const TtpRule& rule) = 0;
  virtual std::optional<TtpRule> get_rule(const std::string& rule_id) = 0;
  // Sorted by rule_id.
  virtual std::vector<TtpRule> list_rules() = 0;
  // Rules with updated_at >= since, oldest first (the database store's change tail).
  virtual std::vector<TtpRule> list_rules_updated_since(std::int64_t since) = 0;
  virtual bool delete_rule(WriteScope& scope, const std::string& rule_id) = 0;

  // Creates or replaces the rule's state. Throws kInvalid for a state other than enabled,
  // disabled or clipped, or a confidence_max outside 0..1.
  virtual void set_rule_state(WriteScope& scope, const TtpRuleState& state) = 0;
  virtual std::optional<TtpRuleState> get_rule_state(const std::string& rule_id) = 0;
  // Sorted by rule_id.
  virtual std::vector<TtpRuleState> list_rule_states() = 0;
  // Reverts the rule to the default state; false if it had none.
  virtual bool clear_rule_state(WriteScope& scope, const std::string& rule_id) = 0;
};

}  // namespace decnet::store
