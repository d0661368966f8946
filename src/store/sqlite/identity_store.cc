// attacker_identities and campaigns on SQLite. Both tables share the soft-merge machinery: a
// merge only sets merged_into_uuid after walking the winner's chain, so a cycle can never be
// written and every read by uuid terminates. Column updates that the clusterers repeat on every
// tick compare before they write, so updated_at (the list order) moves only on real change.
#include <algorithm>
#include <set>
#include <unordered_set>

#include "core/time.h"
#include "core/uuid.h"
#include "store/identity_repository.h"
#include "store/sqlite/domains.h"
#include "store/sqlite/json_columns.h"
#include "store/sqlite/log_blocks.h"

namespace decnet::store::sqlite {
namespace {

constexpr std::string_view kIdentityColumns =
    "uuid, schema_version, campaign_id, first_seen_at, last_seen_at, created_at, updated_at,"
    " confidence, observation_count, ja3_hashes, hassh_hashes, ja4h_hashes, ja4_quic_hashes,"
    " http_versions_seen, tls_cert_sha256, payload_simhashes, c2_endpoints,"
    " ipv6_link_local_iids, kd_digraph_simhash, merged_into_uuid, notes";

constexpr std::string_view kCampaignColumns =
    "uuid, schema_version, first_seen_at, last_seen_at, created_at, updated_at, confidence,"
    " identity_count, ja3_hashes, hassh_hashes, tls_cert_sha256, payload_simhashes,"
    " c2_endpoints, merged_into_uuid, notes";

std::string simhash_bytes(std::uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

std::optional<std::uint64_t> simhash_value(const Statement& s, int column) {
  if (s.is_null(column)) return std::nullopt;
  const auto bytes = s.blob(column);
  if (bytes.size() != 8) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

// Sorted distinct values as a JSON list, or NULL when there are none.
std::optional<std::string> list_column(std::vector<std::string> items) {
  if (items.empty()) return std::nullopt;
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return to_json_list(items);
}

Identity read_identity(const Statement& s) {
  Identity i;
  i.uuid = s.text(0);
  i.schema_version = s.int64(1);
  i.campaign_id = s.optional_text(2);
  i.first_seen_at = s.optional_int64(3);
  i.last_seen_at = s.optional_int64(4);
  i.created_at = s.int64(5);
  i.updated_at = s.int64(6);
  i.confidence = s.optional_real(7);
  i.observation_count = s.int64(8);
  i.ja3_hashes = from_json_list(s.text_view(9));
  i.hassh_hashes = from_json_list(s.text_view(10));
  i.ja4h_hashes = from_json_list(s.text_view(11));
  i.ja4_quic_hashes = from_json_list(s.text_view(12));
  i.http_versions_seen = from_json_list(s.text_view(13));
  i.tls_cert_sha256 = from_json_list(s.text_view(14));
  i.payload_simhashes = from_json_list(s.text_view(15));
  i.c2_endpoints = from_json_list(s.text_view(16));
  i.ipv6_link_local_iids = s.optional_text(17);
  i.kd_digraph_simhash = simhash_value(s, 18);
  i.merged_into_uuid = s.optional_text(19);
  i.notes = s.optional_text(20);
  return i;
}

Campaign read_campaign(const Statement& s) {
  Campaign c;
  c.uuid = s.text(0);
  c.schema_version = s.int64(1);
  c.first_seen_at = s.optional_int64(2);
  c.last_seen_at = s.optional_int64(3);
  c.created_at = s.int64(4);
  c.updated_at = s.int64(5);
  c.confidence = s.optional_real(6);
  c.identity_count = s.int64(7);
  c.ja3_hashes = from_json_list(s.text_view(8));
  c.hassh_hashes = from_json_list(s.text_view(9));
  c.tls_cert_sha256 = from_json_list(s.text_view(10));
  c.payload_simhashes = from_json_list(s.text_view(11));
  c.c2_endpoints = from_json_list(s.text_view(12));
  c.merged_into_uuid = s.optional_text(13);
  c.notes = s.optional_text(14);
  return c;
}

// The identity's given uuid (which must be a dashed lowercase uuid), or a new uuid4.
std::string checked_uuid(const NewIdentity& identity) {
  auto uuid = identity.uuid.value_or(core::Uuid::v4().str());
  if (const auto parsed = core::Uuid::parse(uuid); !parsed || parsed->str() != uuid) {
    throw StoreError(StoreError::Kind::kInvalid, "identity uuid is not a lowercase uuid");
  }
  return uuid;
}

[[noreturn]] void not_found(std::string_view noun, const std::string& uuid) {
  throw StoreError(StoreError::Kind::kNotFound, std::string(noun) + " " + uuid + " not found");
}

// One soft-mergeable table (attacker_identities or campaigns) and how to read its rows.
template <typename Row>
struct MergeTable {
  std::string_view table;
  std::string_view noun;
  std::string_view columns;
  Row (*read)(const Statement&);

  std::string select_by_uuid() const {
    return "SELECT " + std::string(columns) + " FROM " + std::string(table) + " WHERE uuid = ?";
  }

  // The row's merged_into_uuid; the outer optional is empty when the row does not exist.
  std::optional<std::optional<std::string>> pointer(Connection& conn,
                                                    const std::string& uuid) const {
    auto stmt =
        conn.prepare("SELECT merged_into_uuid FROM " + std::string(table) + " WHERE uuid = ?");
    stmt.bind(1, uuid);
    if (!stmt.step()) return std::nullopt;
    return stmt.optional_text(0);
  }

  bool merge(Connection& conn, const std::string& loser, const std::string& winner) const {
    if (loser == winner) {
      throw StoreError(StoreError::Kind::kInvalid, std::string(noun) + " cannot merge into itself");
    }
    const auto current = pointer(conn, loser);
    if (!current) not_found(noun, loser);
    if (*current == winner) return false;
    std::unordered_set<std::string> seen{winner};
    for (auto at = pointer(conn, winner); at && *at; at = pointer(conn, **at)) {
      if (**at == loser) {
        std::string message(noun);
        message += " merge " + loser;
        message += " -> " + winner;
        message += " would form a cycle";
        throw StoreError(StoreError::Kind::kInvalid, message);
      }
      if (!seen.insert(**at).second) break;
    }
    conn.prepare("UPDATE " + std::string(table) +
                 " SET merged_into_uuid = ?, updated_at = ? WHERE uuid = ?")
        .bind_all(winner, core::now_micros(), loser)
        .run();
    return true;
  }

  bool unmerge(Connection& conn, const std::string& uuid) const {
    const auto current = pointer(conn, uuid);
    if (!current) not_found(noun, uuid);
    if (!*current) return false;
    conn.prepare("UPDATE " + std::string(table) +
                 " SET merged_into_uuid = NULL, updated_at = ? WHERE uuid = ?")
        .bind_all(core::now_micros(), uuid)
        .run();
    return true;
  }

  void set_notes(Connection& conn, const std::string& uuid,
                 const std::optional<std::string>& notes) const {
    if (conn.prepare("UPDATE " + std::string(table) +
                     " SET notes = ?, updated_at = ? WHERE uuid = ?")
            .bind_all(notes, core::now_micros(), uuid)
            .run() == 0) {
      not_found(noun, uuid);
    }
  }

  std::optional<Row> row(Connection& conn, const std::string& uuid) const {
    auto stmt = conn.prepare(select_by_uuid());
    stmt.bind(1, uuid);
    if (!stmt.step()) return std::nullopt;
    return read(stmt);
  }

  std::optional<Row> canonical(Connection& conn, const std::string& uuid) const {
    auto current = row(conn, uuid);
    for (int hop = 0; current && hop < kMaxMergeHops; ++hop) {
      if (!current->merged_into_uuid || *current->merged_into_uuid == current->uuid) break;
      current = row(conn, *current->merged_into_uuid);
    }
    return current;
  }

  Page<Row> list(Connection& conn, const std::string& where, const std::optional<std::string>& arg,
                 const PageRequest& request) const {
    const auto page = request.clamped();
    Page<Row> out{0, page.limit, page.offset, {}};
    const std::string from = " FROM " + std::string(table) + " WHERE " + where;
    {
      auto count = conn.prepare("SELECT COUNT(*)" + from);
      if (arg) count.bind(1, *arg);
      if (count.step()) out.total = count.int64(0);
    }
    auto stmt = conn.prepare("SELECT " + std::string(columns) + from +
                             " ORDER BY updated_at DESC, uuid LIMIT ? OFFSET ?");
    const int next = arg ? 2 : 1;
    if (arg) stmt.bind(1, *arg);
    stmt.bind(next, page.limit).bind(next + 1, page.offset);
    while (stmt.step()) out.data.push_back(read(stmt));
    return out;
  }

  void for_each(Connection& conn, const std::function<void(const Row&)>& visit) const {
    auto stmt = conn.prepare("SELECT " + std::string(columns) + " FROM " + std::string(table) +
                             " ORDER BY created_at, uuid");
    while (stmt.step()) visit(read(stmt));
  }
};

const MergeTable<Identity> kIdentities{"attacker_identities", "identity", kIdentityColumns,
                                       &read_identity};
const MergeTable<Campaign> kCampaigns{"campaigns", "campaign", kCampaignColumns, &read_campaign};

constexpr const char* kMembersOf =
    "(identity_id = ?1 OR identity_id IN "
    "(SELECT uuid FROM attacker_identities WHERE merged_into_uuid = ?1))";

// A campaign candidate's activity, from its most recently seen attackers.
void read_campaign_activity(Connection& conn, CampaignCandidate& c) {
  auto members = conn.prepare(std::string("SELECT a.id, a.asn, b.tools FROM attackers a "
                                          "LEFT JOIN attacker_behaviour b ON b.attacker_id = "
                                          "a.id WHERE ") +
                              kMembersOf + " ORDER BY a.last_seen DESC LIMIT ?2");
  members.bind_all(c.identity_uuid, kCampaignMembersRead);
  std::vector<std::int64_t> ids;
  std::set<std::int64_t> asns;
  std::set<std::string> tools;
  while (members.step()) {
    ids.push_back(members.int64(0));
    if (!members.is_null(1)) asns.insert(members.int64(1));
    if (!members.is_null(2)) {
      for (auto& t : from_json_list(members.text_view(2))) tools.insert(std::move(t));
    }
  }
  c.asns.assign(asns.begin(), asns.end());
  c.tools.assign(tools.begin(), tools.end());
  auto sessions =
      conn.prepare(std::string("SELECT s.started_at, coalesce(s.ended_at, s.last_event_at) "
                               "FROM sessions s WHERE ") +
                   kSessionsOfAttackerId + " ORDER BY s.id DESC LIMIT ?");
  for (const auto id : ids) {
    sessions.reset();
    sessions.bind_all(id, kCampaignSessionsPerMember);
    while (sessions.step()) c.session_windows.emplace_back(sessions.int64(0), sessions.int64(1));
  }
}

class SqliteIdentityRepository final : public IdentityRepository {
 public:
  explicit SqliteIdentityRepository(Engine& engine)
      : engine_(engine), attackers_(make_attacker_repository(engine)) {}

  std::string create_identity(WriteScope& scope, const NewIdentity& identity) override {
    auto uuid = checked_uuid(identity);
    const auto now = core::now_micros();
    connection_of(scope)
        .prepare(
            "INSERT INTO attacker_identities(uuid, first_seen_at, last_seen_at, created_at, "
            "updated_at, observation_count) VALUES (?, ?, ?, ?, ?, ?)")
        .bind_all(uuid, identity.first_seen_at, identity.last_seen_at, now, now,
                  identity.observation_count)
        .run();
    return uuid;
  }

  bool create_identity_for(WriteScope& scope, const std::string& attacker_uuid,
                           const NewIdentity& identity) override {
    const auto uuid = checked_uuid(identity);
    const auto now = core::now_micros();
    auto& conn = connection_of(scope);
    if (conn.prepare(
                "INSERT INTO attacker_identities(uuid, first_seen_at, last_seen_at, "
                "created_at, updated_at, observation_count) SELECT ?, ?, ?, ?, ?, ? "
                "WHERE EXISTS (SELECT 1 FROM attackers WHERE uuid = ? AND identity_id IS NULL)")
            .bind_all(uuid, identity.first_seen_at, identity.last_seen_at, now, now,
                      identity.observation_count, attacker_uuid)
            .run() == 0) {
      return false;
    }
    return link_attacker(scope, attacker_uuid, uuid);
  }

  bool link_attacker(WriteScope& scope, const std::string& attacker_uuid,
                     const std::string& identity_uuid) override {
    return connection_of(scope)
               .prepare(
                   "UPDATE attackers SET identity_id = ? WHERE uuid = ? AND identity_id IS NULL")
               .bind_all(identity_uuid, attacker_uuid)
               .run() > 0;
  }

  bool relink_attacker(WriteScope& scope, const std::string& attacker_uuid,
                       const std::string& identity_uuid) override {
    return connection_of(scope)
               .prepare(
                   "UPDATE attackers SET identity_id = ?1 WHERE uuid = ?2 AND identity_id IS NOT "
                   "?1")
               .bind_all(identity_uuid, attacker_uuid)
               .run() > 0;
  }

  bool merge_identity(WriteScope& scope, const std::string& loser_uuid,
                      const std::string& winner_uuid) override {
    return kIdentities.merge(connection_of(scope), loser_uuid, winner_uuid);
  }

  bool unmerge_identity(WriteScope& scope, const std::string& uuid) override {
    return kIdentities.unmerge(connection_of(scope), uuid);
  }

  bool set_identity_campaign(WriteScope& scope, const std::string& uuid,
                             const std::optional<std::string>& campaign_uuid) override {
    auto& conn = connection_of(scope);
    const int changed = conn.prepare(
                                "UPDATE attacker_identities SET campaign_id = ?1, updated_at = ?2 "
                                "WHERE uuid = ?3 AND campaign_id IS NOT ?1")
                            .bind_all(campaign_uuid, core::now_micros(), uuid)
                            .run();
    return changed > 0 || require_identity(conn, uuid);
  }

  bool update_fingerprint_summary(WriteScope& scope, const std::string& uuid,
                                  const FingerprintSummary& summary) override {
    auto& conn = connection_of(scope);
    const int changed =
        conn.prepare(
                "UPDATE attacker_identities SET ja3_hashes = ?1, hassh_hashes = ?2, "
                "tls_cert_sha256 = ?3, ja4h_hashes = ?4, ja4_quic_hashes = ?5, "
                "payload_simhashes = ?6, c2_endpoints = ?7, updated_at = ?8 "
                "WHERE uuid = ?9 AND (ja3_hashes IS NOT ?1 OR hassh_hashes IS NOT ?2 OR "
                "tls_cert_sha256 IS NOT ?3 OR ja4h_hashes IS NOT ?4 OR ja4_quic_hashes IS NOT ?5 "
                "OR payload_simhashes IS NOT ?6 OR c2_endpoints IS NOT ?7)")
            .bind_all(list_column(summary.ja3_hashes), list_column(summary.hassh_hashes),
                      list_column(summary.tls_cert_sha256), list_column(summary.ja4h_hashes),
                      list_column(summary.ja4_quic_hashes), list_column(summary.payload_hashes),
                      list_column(summary.c2_endpoints), core::now_micros(), uuid)
            .run();
    return changed > 0 || require_identity(conn, uuid);
  }

  bool set_kd_digraph_simhash(WriteScope& scope, const std::string& uuid,
                              std::optional<std::uint64_t> simhash) override {
    auto& conn = connection_of(scope);
    auto stmt = conn.prepare(
        "UPDATE attacker_identities SET kd_digraph_simhash = ?1, updated_at = ?2 "
        "WHERE uuid = ?3 AND kd_digraph_simhash IS NOT ?1");
    if (simhash) {
      stmt.bind_blob(1, simhash_bytes(*simhash));
    } else {
      stmt.bind(1, nullptr);
    }
    stmt.bind(2, core::now_micros()).bind(3, uuid);
    return stmt.run() > 0 || require_identity(conn, uuid);
  }

  void refresh_identity_members(WriteScope& scope, const std::string& uuid) override {
    auto& conn = connection_of(scope);
    const int changed =
        conn.prepare(std::string("UPDATE attacker_identities SET (observation_count, "
                                 "first_seen_at, last_seen_at) = (SELECT COUNT(*), "
                                 "MIN(first_seen), MAX(last_seen) FROM attackers WHERE ") +
                     kMembersOf + "), updated_at = ?2 WHERE uuid = ?1")
            .bind_all(uuid, core::now_micros())
            .run();
    if (changed == 0) not_found("identity", uuid);
  }

  void set_identity_notes(WriteScope& scope, const std::string& uuid,
                          const std::optional<std::string>& notes) override {
    kIdentities.set_notes(connection_of(scope), uuid, notes);
  }

  std::optional<Identity> get_identity_by_uuid(const std::string& uuid) override {
    auto lease = engine_.read();
    return kIdentities.canonical(*lease, uuid);
  }

  std::optional<Identity> get_identity_row(const std::string& uuid) override {
    auto lease = engine_.read();
    return kIdentities.row(*lease, uuid);
  }

  Page<Identity> list_identities(const PageRequest& page, std::int64_t min_members) override {
    auto lease = engine_.read();
    if (min_members <= 0) {
      return kIdentities.list(*lease, "merged_into_uuid IS NULL", std::nullopt, page);
    }
    return kIdentities.list(*lease,
                            "merged_into_uuid IS NULL AND observation_count >= CAST(? AS INTEGER)",
                            std::to_string(min_members), page);
  }

  std::int64_t count_identities() override {
    auto lease = engine_.read();
    return query_int64(*lease,
                       "SELECT COUNT(*) FROM attacker_identities WHERE merged_into_uuid IS NULL")
        .value_or(0);
  }

  void for_each_identity(const std::function<void(const Identity&)>& visit) override {
    auto lease = engine_.read();
    kIdentities.for_each(*lease, visit);
  }

  Page<Attacker> list_observations_for_identity(const std::string& uuid,
                                                const PageRequest& request) override {
    const auto page = request.clamped();
    Page<Attacker> out{0, page.limit, page.offset, {}};
    std::vector<std::string> uuids;
    {
      auto lease = engine_.read();
      auto count =
          lease->prepare(std::string("SELECT COUNT(*) FROM attackers WHERE ") + kMembersOf);
      count.bind(1, uuid);
      if (count.step()) out.total = count.int64(0);
      auto stmt = lease->prepare(std::string("SELECT uuid FROM attackers WHERE ") + kMembersOf +
                                 " ORDER BY last_seen DESC, uuid LIMIT ?2 OFFSET ?3");
      stmt.bind_all(uuid, page.limit, page.offset);
      while (stmt.step()) uuids.push_back(stmt.text(0));
    }
    // The attacker repository owns the attacker row shape; reading through it keeps one reader.
    for (const auto& attacker : uuids) {
      if (auto row = attackers_->get(attacker)) out.data.push_back(std::move(*row));
    }
    return out;
  }

  std::vector<std::string> attacker_uuids_for_identity(const std::string& uuid) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare(std::string("SELECT uuid FROM attackers WHERE ") + kMembersOf +
                               " ORDER BY last_seen DESC, uuid");
    stmt.bind(1, uuid);
    std::vector<std::string> out;
    while (stmt.step()) out.push_back(stmt.text(0));
    return out;
  }

  std::int64_t count_observations_for_identity(const std::string& uuid) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare(std::string("SELECT COUNT(*) FROM attackers WHERE ") + kMembersOf);
    stmt.bind(1, uuid);
    return stmt.step() ? stmt.int64(0) : 0;
  }

  bool record_evidence(WriteScope& scope, const IdentityEvidenceRow& row) override {
    return connection_of(scope)
               .prepare(
                   "INSERT INTO identity_evidence(attacker_id, kind, value, first_seen, last_seen) "
                   "SELECT id, ?2, ?3, ?4, ?5 FROM attackers WHERE uuid = ?1 "
                   "ON CONFLICT(attacker_id, kind, value) DO UPDATE SET "
                   "last_seen = max(last_seen, excluded.last_seen)")
               .bind_all(row.attacker_uuid, row.kind, row.value, row.first_seen, row.last_seen)
               .run() > 0;
  }

  void for_each_evidence(const std::function<void(const IdentityEvidenceRow&)>& visit) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare(
        "SELECT a.uuid, a.identity_id, e.kind, e.value, e.first_seen, e.last_seen "
        "FROM identity_evidence e JOIN attackers a ON a.id = e.attacker_id "
        "ORDER BY e.attacker_id, e.kind, e.value");
    IdentityEvidenceRow row;
    while (stmt.step()) {
      row.attacker_uuid = stmt.text(0);
      row.identity_id = stmt.optional_text(1);
      row.kind = stmt.text(2);
      row.value = stmt.text(3);
      row.first_seen = stmt.int64(4);
      row.last_seen = stmt.int64(5);
      visit(row);
    }
  }

  std::vector<UnlinkedAttacker> attackers_without_identity(std::size_t limit,
                                                           std::int64_t max_id) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare(
        "SELECT uuid, first_seen, last_seen FROM attackers WHERE identity_id IS NULL AND id <= ? "
        "ORDER BY id LIMIT ?");
    stmt.bind_all(max_id, static_cast<std::int64_t>(limit));
    std::vector<UnlinkedAttacker> out;
    while (stmt.step()) out.push_back({stmt.text(0), stmt.int64(1), stmt.int64(2)});
    return out;
  }

  std::int64_t newest_attacker_id() override {
    auto lease = engine_.read();
    return query_int64(*lease, "SELECT coalesce(MAX(id), 0) FROM attackers").value_or(0);
  }

  std::vector<std::pair<std::string, std::string>> merged_identities() override {
    auto lease = engine_.read();
    auto stmt = lease->prepare(
        "SELECT uuid, merged_into_uuid FROM attacker_identities "
        "WHERE merged_into_uuid IS NOT NULL ORDER BY uuid");
    std::vector<std::pair<std::string, std::string>> out;
    while (stmt.step()) out.emplace_back(stmt.text(0), stmt.text(1));
    return out;
  }

 private:
  // The attackers of identity ?1: on it, or on an identity merged into it.
  // For updates that changed nothing: false when the identity exists, kNotFound otherwise.
  static bool require_identity(Connection& conn, const std::string& uuid) {
    if (!kIdentities.pointer(conn, uuid)) not_found("identity", uuid);
    return false;
  }

  Engine& engine_;
  std::unique_ptr<AttackerRepository> attackers_;
};

class SqliteCampaignRepository final : public CampaignRepository {
 public:
  explicit SqliteCampaignRepository(Engine& engine) : engine_(engine) {}

  std::string create_campaign(WriteScope& scope, const NewCampaign& campaign) override {
    auto uuid = campaign.uuid.value_or(core::Uuid::v4().str());
    if (const auto parsed = core::Uuid::parse(uuid); !parsed || parsed->str() != uuid) {
      throw StoreError(StoreError::Kind::kInvalid, "campaign uuid is not a lowercase uuid");
    }
    const auto now = core::now_micros();
    connection_of(scope)
        .prepare(
            "INSERT INTO campaigns(uuid, first_seen_at, last_seen_at, created_at, updated_at, "
            "identity_count) VALUES (?, ?, ?, ?, ?, ?)")
        .bind_all(uuid, campaign.first_seen_at, campaign.last_seen_at, now, now,
                  campaign.identity_count)
        .run();
    return uuid;
  }

  bool merge_campaign(WriteScope& scope, const std::string& loser_uuid,
                      const std::string& winner_uuid) override {
    return kCampaigns.merge(connection_of(scope), loser_uuid, winner_uuid);
  }

  bool unmerge_campaign(WriteScope& scope, const std::string& uuid) override {
    return kCampaigns.unmerge(connection_of(scope), uuid);
  }

  void set_campaign_notes(WriteScope& scope, const std::string& uuid,
                          const std::optional<std::string>& notes) override {
    kCampaigns.set_notes(connection_of(scope), uuid, notes);
  }

  std::optional<Campaign> get_campaign_by_uuid(const std::string& uuid) override {
    auto lease = engine_.read();
    return kCampaigns.canonical(*lease, uuid);
  }

  std::optional<Campaign> get_campaign_row(const std::string& uuid) override {
    auto lease = engine_.read();
    return kCampaigns.row(*lease, uuid);
  }

  Page<Campaign> list_campaigns(const PageRequest& page) override {
    auto lease = engine_.read();
    return kCampaigns.list(*lease,
                           "merged_into_uuid IS NULL AND EXISTS (SELECT 1 FROM attacker_identities "
                           "WHERE campaign_id = campaigns.uuid)",
                           std::nullopt, page);
  }

  std::int64_t count_campaigns() override {
    auto lease = engine_.read();
    return query_int64(*lease, "SELECT COUNT(*) FROM campaigns WHERE merged_into_uuid IS NULL")
        .value_or(0);
  }

  void for_each_campaign(const std::function<void(const Campaign&)>& visit) override {
    auto lease = engine_.read();
    kCampaigns.for_each(*lease, visit);
  }

  Page<Identity> list_identities_for_campaign(const std::string& uuid,
                                              const PageRequest& page) override {
    auto lease = engine_.read();
    return kIdentities.list(*lease, "campaign_id = ?", uuid, page);
  }

  std::int64_t count_identities_for_campaign(const std::string& uuid) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT COUNT(*) FROM attacker_identities WHERE campaign_id = ?");
    stmt.bind(1, uuid);
    return stmt.step() ? stmt.int64(0) : 0;
  }

  std::vector<std::string> identity_uuids_for_campaign(const std::string& uuid) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare(
        "SELECT uuid FROM attacker_identities WHERE merged_into_uuid IS NULL AND "
        "(campaign_id = ?1 OR campaign_id IN (SELECT uuid FROM campaigns WHERE "
        "merged_into_uuid = ?1)) ORDER BY uuid");
    stmt.bind(1, uuid);
    std::vector<std::string> out;
    while (stmt.step()) out.push_back(stmt.text(0));
    return out;
  }

  std::vector<CampaignCandidate> campaign_candidates(
      const std::vector<std::string>& identities) override {
    auto lease = engine_.read();
    std::string sql =
        "SELECT uuid, campaign_id, payload_simhashes, c2_endpoints, kd_digraph_simhash "
        "FROM attacker_identities WHERE merged_into_uuid IS NULL AND ";
    sql += identities.empty() ? "(payload_simhashes IS NOT NULL OR c2_endpoints IS NOT NULL OR "
                                "kd_digraph_simhash IS NOT NULL OR campaign_id IS NOT NULL)"
                              : "uuid IN (SELECT value FROM json_each(?))";
    auto stmt = lease->prepare(sql + " ORDER BY uuid");
    if (!identities.empty()) stmt.bind(1, to_json_list(identities));
    std::vector<CampaignCandidate> out;
    while (stmt.step()) {
      CampaignCandidate c;
      c.identity_uuid = stmt.text(0);
      c.campaign_id = stmt.optional_text(1);
      c.payloads = from_json_list(stmt.text_view(2));
      c.c2 = from_json_list(stmt.text_view(3));
      c.kd_digraph_simhash = simhash_value(stmt, 4);
      out.push_back(std::move(c));
    }
    for (auto& c : out) read_campaign_activity(*lease, c);
    return out;
  }

  void for_each_handoff_tactic(const std::function<void(const IdentityDeckyTactic&)>& visit,
                               const std::vector<std::string>& identities) override {
    auto lease = engine_.read();
    // Tags anchored on an attacker count for the identity it belongs to now.
    std::string sql =
        "SELECT coalesce(ai.merged_into_uuid, ai.uuid) AS identity, t.decky_id, t.tactic, "
        "t.created_at FROM ttp_tag t JOIN attacker_identities ai ON ai.uuid = "
        "coalesce((SELECT identity_id FROM attackers WHERE uuid = t.attacker_uuid), "
        "t.identity_uuid) WHERE t.decky_id IS NOT NULL";
    if (!identities.empty()) {
      sql += " AND coalesce(ai.merged_into_uuid, ai.uuid) IN (SELECT value FROM json_each(?))";
    }
    auto stmt = lease->prepare(sql + " ORDER BY t.created_at, t.uuid");
    if (!identities.empty()) stmt.bind(1, to_json_list(identities));
    IdentityDeckyTactic row;
    while (stmt.step()) {
      row.identity_uuid = stmt.text(0);
      row.decky = stmt.text(1);
      row.tactic = stmt.text(2);
      row.at = stmt.int64(3);
      visit(row);
    }
  }

  std::vector<std::pair<std::string, std::string>> merged_campaigns() override {
    auto lease = engine_.read();
    auto stmt = lease->prepare(
        "SELECT uuid, merged_into_uuid FROM campaigns WHERE merged_into_uuid IS NOT NULL "
        "ORDER BY uuid");
    std::vector<std::pair<std::string, std::string>> out;
    while (stmt.step()) out.emplace_back(stmt.text(0), stmt.text(1));
    return out;
  }

 private:
  Engine& engine_;
};

}  // namespace

std::unique_ptr<IdentityRepository> make_identity_repository(Engine& engine) {
  return std::make_unique<SqliteIdentityRepository>(engine);
}

std::unique_ptr<CampaignRepository> make_campaign_repository(Engine& engine) {
  return std::make_unique<SqliteCampaignRepository>(engine);
}

}  // namespace decnet::store::sqlite
