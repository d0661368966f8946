// Identities and campaigns: the actor behind one or more attacker addresses, and the operation
// behind one or more identities. Both are minted by the clusterers (never derived from a
// fingerprint) and merged softly: a loser keeps its row and points at its winner through
// merged_into_uuid, so a merge can be revoked when the evidence that caused it goes away.
// Reads by uuid follow that pointer to the canonical row; lists show canonical rows only.
//
// Every uuid minted here is a dashed lowercase uuid4 (the reference minted dashed ids in the
// clusterer and bare hex in the attribution stub path; one format keeps lexicographic winner
// selection and joins honest).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/attacker_repository.h"
#include "store/page.h"
#include "store/write_scope.h"

namespace decnet::store {

// How many merged_into_uuid hops a read by uuid follows before it gives up and answers the row
// it reached.
inline constexpr int kMaxMergeHops = 8;

struct Identity {
  std::string uuid;
  std::int64_t schema_version = 1;
  std::optional<std::string> campaign_id;
  std::optional<std::int64_t> first_seen_at;
  std::optional<std::int64_t> last_seen_at;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<double> confidence;
  std::int64_t observation_count =
      0;  // attackers at creation; count_observations_for_identity is live
  // JSON list columns: sorted distinct values; empty here is NULL in the table.
  std::vector<std::string> ja3_hashes;
  std::vector<std::string> hassh_hashes;
  std::vector<std::string> ja4h_hashes;
  std::vector<std::string> ja4_quic_hashes;
  std::vector<std::string> http_versions_seen;
  std::vector<std::string> tls_cert_sha256;
  std::vector<std::string> payload_simhashes;
  std::vector<std::string> c2_endpoints;
  std::optional<std::string> ipv6_link_local_iids;  // JSON array of {iid, oui, kind, first_seen}
  std::optional<std::uint64_t> kd_digraph_simhash;  // stored as 8 big-endian bytes
  std::optional<std::string> merged_into_uuid;
  std::optional<std::string> notes;
};

struct NewIdentity {
  std::optional<std::int64_t> first_seen_at;
  std::optional<std::int64_t> last_seen_at;
  std::int64_t observation_count = 0;
  // Minted here unless given (the clusterer mints its own to pick winners before writing); a
  // given one must be a dashed lowercase uuid.
  std::optional<std::string> uuid;
};

// The fingerprint rollup the identity clusterer computes over an identity's attackers. Every
// list is written (deduplicated and sorted; an empty one clears the column to NULL). Payload
// hashes go to payload_simhashes (the reference's name for the column; ours are SHA-256).
struct FingerprintSummary {
  std::vector<std::string> ja3_hashes;
  std::vector<std::string> hassh_hashes;
  std::vector<std::string> tls_cert_sha256;
  std::vector<std::string> ja4h_hashes;
  std::vector<std::string> ja4_quic_hashes;
  std::vector<std::string> payload_hashes;
  std::vector<std::string> c2_endpoints;
};

// One piece of an attacker's identity evidence (identity_evidence): kind is ja3, hassh, payload
// or c2.
struct IdentityEvidenceRow {
  std::string attacker_uuid;
  std::optional<std::string> identity_id;  // the attacker's, when read
  std::string kind;
  std::string value;
  std::int64_t first_seen = 0;
  std::int64_t last_seen = 0;
};

struct UnlinkedAttacker {
  std::string uuid;
  std::int64_t first_seen = 0;
  std::int64_t last_seen = 0;
};

// Updates of an identity or campaign that does not exist throw StoreError kNotFound; a
// reference to a row that does not exist (winner, campaign, attacker's identity) is kConstraint.
class IdentityRepository {
 public:
  virtual ~IdentityRepository() = default;

  // Inserts a new identity (uuid4, schema_version 1, created_at = updated_at = now).
  virtual std::string create_identity(WriteScope& scope, const NewIdentity& identity) = 0;
  // A new identity (identity.uuid given) linked to the attacker, only if the attacker exists and
  // has none yet; returns whether it was made. Two writers placing one new address cannot leave
  // an identity nobody belongs to.
  virtual bool create_identity_for(WriteScope& scope, const std::string& attacker_uuid,
                                   const NewIdentity& identity) = 0;
  // Sets attackers.identity_id when the attacker has none; an attacker already linked keeps its
  // identity (merges are pointers between identities, attackers are never re-pointed). Returns
  // whether this call linked it; false for an unknown attacker.
  virtual bool link_attacker(WriteScope& scope, const std::string& attacker_uuid,
                             const std::string& identity_uuid) = 0;
  // Points the attacker at identity_uuid whatever it pointed at before (a split moving addresses
  // off an identity that stays with the other side). Returns whether it changed.
  virtual bool relink_attacker(WriteScope& scope, const std::string& attacker_uuid,
                               const std::string& identity_uuid) = 0;
  // loser.merged_into_uuid = winner. Self-merges and merges that would close a cycle are
  // kInvalid. Returns false when loser already pointed at winner.
  virtual bool merge_identity(WriteScope& scope, const std::string& loser_uuid,
                              const std::string& winner_uuid) = 0;
  // Clears merged_into_uuid; returns whether the identity was merged.
  virtual bool unmerge_identity(WriteScope& scope, const std::string& uuid) = 0;
  // Sets (or with nullopt clears) campaign_id; returns whether it changed.
  virtual bool set_identity_campaign(WriteScope& scope, const std::string& uuid,
                                     const std::optional<std::string>& campaign_uuid) = 0;
  // Returns whether any column changed; updated_at moves only then, so a clusterer tick over
  // unchanged data does not reorder the identity list.
  virtual bool update_fingerprint_summary(WriteScope& scope, const std::string& uuid,
                                          const FingerprintSummary& summary) = 0;
  virtual bool set_kd_digraph_simhash(WriteScope& scope, const std::string& uuid,
                                      std::optional<std::uint64_t> simhash) = 0;
  // observation_count, first_seen_at and last_seen_at of the canonical identity uuid from its
  // members now (attackers on it or on an identity merged into it).
  virtual void refresh_identity_members(WriteScope& scope, const std::string& uuid) = 0;
  // Operator text; bumps updated_at.
  virtual void set_identity_notes(WriteScope& scope, const std::string& uuid,
                                  const std::optional<std::string>& notes) = 0;

  // The canonical identity for uuid: merged_into_uuid followed up to kMaxMergeHops.
  virtual std::optional<Identity> get_identity_by_uuid(const std::string& uuid) = 0;
  // The row itself, merged or not.
  virtual std::optional<Identity> get_identity_row(const std::string& uuid) = 0;
  // Canonical (not merged-out) identities with at least min_members members, most recently
  // updated first.
  virtual Page<Identity> list_identities(const PageRequest& page, std::int64_t min_members = 0) = 0;
  virtual std::int64_t count_identities() = 0;
  // Every identity, merged-out ones included, oldest first (the clusterer's merge-chain map).
  virtual void for_each_identity(const std::function<void(const Identity&)>& visit) = 0;

  // The members of identity uuid: attackers on it or on an identity merged into it (the
  // reference counted the literal identity only, so a merged identity lost its losers'
  // addresses), most recently seen first.
  virtual Page<Attacker> list_observations_for_identity(const std::string& uuid,
                                                        const PageRequest& page) = 0;
  virtual std::vector<std::string> attacker_uuids_for_identity(const std::string& uuid) = 0;
  virtual std::int64_t count_observations_for_identity(const std::string& uuid) = 0;

  // Identity evidence. record_evidence inserts the row or moves its last_seen forward (an
  // unknown attacker writes nothing and returns false).
  virtual bool record_evidence(WriteScope& scope, const IdentityEvidenceRow& row) = 0;
  // Every evidence row with its attacker's identity_id, grouped by attacker.
  virtual void for_each_evidence(const std::function<void(const IdentityEvidenceRow&)>& visit) = 0;
  // Attackers with no identity yet among those whose row id is at most max_id, oldest first.
  virtual std::vector<UnlinkedAttacker> attackers_without_identity(std::size_t limit,
                                                                   std::int64_t max_id) = 0;
  // The row id of the newest attacker (0 with none).
  virtual std::int64_t newest_attacker_id() = 0;
  // (loser, winner) of every merged identity.
  virtual std::vector<std::pair<std::string, std::string>> merged_identities() = 0;
};

struct Campaign {
  std::string uuid;
  std::int64_t schema_version = 1;
  std::optional<std::int64_t> first_seen_at;
  std::optional<std::int64_t> last_seen_at;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<double> confidence;
  std::int64_t identity_count = 0;  // identities at creation; count_identities_for_campaign is live
  std::vector<std::string> ja3_hashes;
  std::vector<std::string> hassh_hashes;
  std::vector<std::string> tls_cert_sha256;
  std::vector<std::string> payload_simhashes;
  std::vector<std::string> c2_endpoints;
  std::optional<std::string> merged_into_uuid;
  std::optional<std::string> notes;
};

struct NewCampaign {
  std::optional<std::int64_t> first_seen_at;
  std::optional<std::int64_t> last_seen_at;
  std::int64_t identity_count = 0;
  std::optional<std::string> uuid;  // as NewIdentity::uuid
};

// What the campaign clusterer reads of an identity that may belong to a campaign: one with
// payloads, C2 or a typing rhythm, or already in a campaign.
struct CampaignCandidate {
  std::string identity_uuid;
  std::optional<std::string> campaign_id;
  std::vector<std::string> payloads;
  std::vector<std::string> c2;
  std::optional<std::uint64_t> kd_digraph_simhash;
  // From its most recently seen attackers (at most kCampaignMembersRead of them): their ASNs, the
  // tools recognised in their behaviour, and their latest sessions (start, end) in microseconds.
  std::vector<std::int64_t> asns;
  std::vector<std::string> tools;
  std::vector<std::pair<std::int64_t, std::int64_t>> session_windows;
};

// What a campaign candidate's activity is read from, bounded so that one identity of a botnet's
// thousand addresses costs a tick no more than one of a few.
inline constexpr int kCampaignMembersRead = 16;
inline constexpr int kCampaignSessionsPerMember = 8;

// One ATT&CK tag of an identity's attackers on a decky, for the kill-chain hand-off.
struct IdentityDeckyTactic {
  std::string identity_uuid;  // canonical
  std::string decky;
  std::string tactic;   // TA00xx
  std::int64_t at = 0;  // the tag's created_at
};

class CampaignRepository {
 public:
  virtual ~CampaignRepository() = default;

  virtual std::string create_campaign(WriteScope& scope, const NewCampaign& campaign) = 0;
  virtual bool merge_campaign(WriteScope& scope, const std::string& loser_uuid,
                              const std::string& winner_uuid) = 0;
  virtual bool unmerge_campaign(WriteScope& scope, const std::string& uuid) = 0;
  virtual void set_campaign_notes(WriteScope& scope, const std::string& uuid,
                                  const std::optional<std::string>& notes) = 0;

  virtual std::optional<Campaign> get_campaign_by_uuid(const std::string& uuid) = 0;
  virtual std::optional<Campaign> get_campaign_row(const std::string& uuid) = 0;
  virtual Page<Campaign> list_campaigns(const PageRequest& page) = 0;
  virtual std::int64_t count_campaigns() = 0;
  virtual void for_each_campaign(const std::function<void(const Campaign&)>& visit) = 0;

  // Identities whose campaign_id is literally uuid, most recently updated first.
  virtual Page<Identity> list_identities_for_campaign(const std::string& uuid,
                                                      const PageRequest& page) = 0;
  virtual std::int64_t count_identities_for_campaign(const std::string& uuid) = 0;
  // The campaign's identities now: on it, or on a campaign merged into it.
  virtual std::vector<std::string> identity_uuids_for_campaign(const std::string& uuid) = 0;

  // The clusterer's inputs: canonical identities that may join a campaign, and the ATT&CK tags
  // of hand-off tactics (command and control, persistence, discovery, lateral movement) on
  // deckies, by canonical identity, oldest first. `identities` limits both to those (empty: all).
  virtual std::vector<CampaignCandidate> campaign_candidates(
      const std::vector<std::string>& identities = {}) = 0;
  virtual void for_each_handoff_tactic(const std::function<void(const IdentityDeckyTactic&)>& visit,
                                       const std::vector<std::string>& identities = {}) = 0;
  // (loser, winner) of every merged campaign.
  virtual std::vector<std::pair<std::string, std::string>> merged_campaigns() = 0;
};

}  // namespace decnet::store
