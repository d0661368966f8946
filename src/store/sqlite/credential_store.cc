// credentials and credential_reuse on SQLite. A credential is found by its 64-bit dedup key
// (credential_key.h): one upsert on that key, comparing the full tuple (principal NULL and ""
// share principal_key "") and probing to the next key when a different tuple holds it, so a
// concurrent duplicate can never raise a constraint error the way the reference's
// select-then-insert could. Secrets are found through the same index: every credential of one
// secret lies in one key range, and every lookup also compares the full digest.
//
// The overview's attempt totals per principal and per password (migration 6) are kept per
// transaction, not per row: each upsert adds to an in-memory tally of the transaction, written
// once per distinct key just before COMMIT (SqliteWriteScope::deferred), so a brute-force wave
// trying one username ten thousand times updates its total once.
#include <map>

#include "core/time.h"
#include "core/uuid.h"
#include "store/credential_repository.h"
#include "store/sqlite/credential_key.h"
#include "store/sqlite/domains.h"
#include "store/sqlite/json_columns.h"
#include "store/sqlite/where_clause.h"

namespace decnet::store::sqlite {
namespace {

// A secret's key range (uq_credentials_key), then the whole digest; the unary + keeps SQLite
// on the key index rather than scanning for the digest.
constexpr const char* kSecretRange = "dedup_key BETWEEN ? AND ?";
constexpr const char* kSecretMatches = "+secret_sha256 = ?";

// Tuples that share a key are passed over; more than this many in a row is not a collision.
constexpr int kMaxProbes = 64;

WhereClause& add_secret(WhereClause& where, const std::string& sha256) {
  const auto floor = secret_key_floor(sha256);
  return where.add(kSecretRange, {floor, floor + kSecretKeySpan}).add(kSecretMatches, {sha256});
}

// What this transaction's upserts add to row_counts and the attempt totals.
struct AttemptTally {
  std::int64_t new_rows = 0;
  std::map<std::string, std::int64_t> principals;  // ordered, so the flush walks the index
  std::map<std::string, std::int64_t> passwords;   // by the first 24 hex digits of the digest
};

void write_tally(Connection& conn, AttemptTally& tally) {
  if (tally.new_rows > 0) {
    conn.prepare("UPDATE row_counts SET n = n + ? WHERE name = 'credentials'")
        .bind_all(tally.new_rows)
        .run();
  }
  for (const auto& [principal, n] : tally.principals) {
    conn.prepare(
            "INSERT INTO credential_principal_totals(principal, attempts) VALUES (?, ?) "
            "ON CONFLICT(principal) DO UPDATE SET attempts = attempts + excluded.attempts")
        .bind_all(principal, n)
        .run();
  }
  for (const auto& [prefix, n] : tally.passwords) {
    conn.prepare(
            "INSERT INTO credential_password_totals(secret_prefix, attempts) VALUES (?, ?) "
            "ON CONFLICT(secret_prefix) DO UPDATE SET attempts = attempts + excluded.attempts")
        .bind_all(prefix, n)
        .run();
  }
}

constexpr std::string_view kCredentialColumns =
    "id, attacker_ip, attacker_uuid, decky_name, service, principal, secret_kind, secret_sha256,"
    " secret_b64, secret_printable, outcome, fields, truncated, first_seen, last_seen,"
    " attempt_count";

Credential read_credential(const Statement& s) {
  Credential c;
  c.id = s.int64(0);
  c.attacker_ip = s.optional_text(1);
  c.attacker_uuid = s.optional_text(2);
  c.decky_name = s.text(3);
  c.service = s.text(4);
  c.principal = s.optional_text(5);
  c.secret_kind = s.text(6);
  c.secret_sha256 = s.text(7);
  c.secret_b64 = s.optional_text(8);
  c.secret_printable = s.optional_text(9);
  c.outcome = s.optional_text(10);
  c.fields = s.text(11);
  c.truncated = s.int64(12) != 0;
  c.first_seen = s.int64(13);
  c.last_seen = s.int64(14);
  c.seen_at = c.last_seen;
  c.attempt_count = s.int64(15);
  return c;
}

class SqliteCredentialRepository final : public CredentialRepository {
 public:
  explicit SqliteCredentialRepository(Engine& engine) : engine_(engine) {}

  CredentialUpsert upsert(WriteScope& scope, const CredentialAttempt& a) override {
    if (a.secret_sha256.size() != 64) {
      throw StoreError(StoreError::Kind::kInvalid, "secret_sha256 must be 64 hex characters");
    }
    auto& conn = connection_of(scope);
    // The key columns hold '' for an absent address or principal while the value columns keep
    // NULL. The DO UPDATE applies only when the stored tuple is this one; otherwise no row comes
    // back and the next key is tried.
    auto stmt = conn.prepare(
        "INSERT INTO credentials(dedup_key, attacker_id, attacker_ip, attacker_ip_key, "
        "attacker_uuid, decky_name, service, principal, principal_key, secret_kind, "
        "secret_sha256, secret_b64, secret_printable, outcome, fields, truncated, first_seen, "
        "last_seen, attempt_count) "
        "VALUES (?1, COALESCE(?2, (SELECT id FROM attackers WHERE uuid = ?5)), ?3, ?4, ?5, ?6, ?7, "
        "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, 1) "
        "ON CONFLICT(dedup_key) DO UPDATE SET attempt_count = attempt_count + 1,"
        " last_seen = MAX(last_seen, excluded.last_seen),"
        " outcome = COALESCE(excluded.outcome, outcome),"
        " attacker_uuid = COALESCE(attacker_uuid, excluded.attacker_uuid),"
        " attacker_id = COALESCE(attacker_id, excluded.attacker_id)"
        " WHERE attacker_ip_key = excluded.attacker_ip_key AND decky_name = excluded.decky_name"
        " AND service = excluded.service AND secret_kind = excluded.secret_kind"
        " AND secret_sha256 = excluded.secret_sha256 AND principal_key = excluded.principal_key"
        " RETURNING id, attempt_count");
    const std::string ip_key = a.attacker_ip.value_or("");
    const std::string principal_key = a.principal.value_or("");
    std::int64_t key = credential_key(
        {ip_key, a.decky_name, a.service, a.secret_kind, a.secret_sha256, principal_key});
    for (int probe = 0;; ++probe) {
      if (probe == kMaxProbes) {
        throw StoreError(StoreError::Kind::kIo, "credential key range exhausted");
      }
      stmt.bind_all(key, a.attacker_id, a.attacker_ip, ip_key, a.attacker_uuid, a.decky_name,
                    a.service, a.principal, principal_key, a.secret_kind, a.secret_sha256,
                    a.secret_b64, a.secret_printable, a.outcome, a.fields, a.truncated, a.seen_at);
      if (stmt.step()) break;
      stmt.rewind();
      key = next_credential_key(key);
    }
    CredentialUpsert result{stmt.int64(0), stmt.int64(1) == 1, stmt.int64(1)};
    auto& tally = static_cast<SqliteWriteScope&>(scope).deferred<AttemptTally>(this, write_tally);
    tally.new_rows += result.inserted ? 1 : 0;
    if (a.principal && !a.principal->empty()) ++tally.principals[*a.principal];
    if (a.secret_kind == "plaintext") ++tally.passwords[a.secret_sha256.substr(0, 24)];
    return result;
  }

  std::int64_t update_credential_attacker_uuid(WriteScope& scope, const std::string& ip,
                                               const std::string& uuid) override {
    auto& conn = connection_of(scope);
    auto lookup = conn.prepare("SELECT id FROM attackers WHERE uuid = ?");
    lookup.bind_all(uuid);
    if (!lookup.step()) {
      throw StoreError(StoreError::Kind::kConstraint, "no attacker has uuid " + uuid);
    }
    const std::int64_t id = lookup.int64(0);
    // Rows stored before their attacker existed are the only ones without attacker_id
    // (ix_credentials_unattributed holds just those).
    return conn
        .prepare(
            "UPDATE credentials SET attacker_uuid = ?, attacker_id = ? WHERE attacker_id IS NULL "
            "AND attacker_ip_key = ? AND attacker_uuid IS NULL")
        .bind_all(uuid, id, ip)
        .run();
  }

  Page<Credential> list(const CredentialQuery& q) override {
    const auto page = q.page.clamped();
    WhereClause where;
    where.add_if(q.secret_kind, "secret_kind = ?")
        .add_if(q.service, "service = ?")
        .add_if(q.decky, "decky_name = ?")
        .add_if(q.attacker_ip, "attacker_id = (SELECT id FROM attackers WHERE ip = ?)")
        .add_if(q.attacker_uuid, "attacker_id = (SELECT id FROM attackers WHERE uuid = ?)")
        .add_if(q.principal, "principal = ?");
    if (q.secret_sha256) add_secret(where, *q.secret_sha256);
    auto lease = engine_.read();
    Page<Credential> out{0, page.limit, page.offset, {}};
    {
      auto count = lease->prepare("SELECT COUNT(*) FROM credentials" + where.sql());
      where.bind(count);
      if (count.step()) out.total = count.int64(0);
    }
    auto stmt = lease->prepare("SELECT " + std::string(kCredentialColumns) + " FROM credentials" +
                               where.sql() + " ORDER BY last_seen DESC, id DESC LIMIT ? OFFSET ?");
    const int next = where.bind(stmt);
    stmt.bind(next, page.limit).bind(next + 1, page.offset);
    while (stmt.step()) out.data.push_back(read_credential(stmt));
    return out;
  }

  std::vector<Credential> get_credential_attempts_for_secret(
      const std::string& sha256, const std::optional<std::string>& kind) override {
    WhereClause where;
    add_secret(where, sha256).add_if(kind, "secret_kind = ?");
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kCredentialColumns) + " FROM credentials" +
                               where.sql() + " ORDER BY last_seen DESC, id DESC LIMIT ?");
    const int next = where.bind(stmt);
    stmt.bind(next, kMaxLimit);
    std::vector<Credential> out;
    while (stmt.step()) out.push_back(read_credential(stmt));
    return out;
  }

  void for_each(const std::function<void(const Credential&)>& visit) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kCredentialColumns) +
                               " FROM credentials ORDER BY id");
    while (stmt.step()) visit(read_credential(stmt));
  }

  std::int64_t count() override {
    auto lease = engine_.read();
    return query_int64(*lease, "SELECT COUNT(*) FROM credentials").value_or(0);
  }

  void for_each_of_secret(WriteScope* scope, const std::string& sha256, const std::string& kind,
                          const std::optional<std::string>& principal,
                          const std::function<void(const Credential&)>& visit) override {
    WhereClause where;
    add_secret(where, sha256)
        .add("secret_kind = ?", {kind})
        .add("principal_key = ?", {principal.value_or("")});
    const std::string sql = "SELECT " + std::string(kCredentialColumns) + " FROM credentials" +
                            where.sql() + " ORDER BY id";
    const auto run = [&](Connection& conn) {
      auto stmt = conn.prepare(sql);
      where.bind(stmt);
      while (stmt.step()) visit(read_credential(stmt));
    };
    if (scope) return run(connection_of(*scope));
    auto lease = engine_.read();
    run(*lease);
  }

 private:
  Engine& engine_;
};

// The printable secret of a finding is read from its key range; the literal span below is this.
static_assert(kSecretKeySpan == 4294967295);
constexpr std::string_view kReuseColumns =
    "r.id, r.secret_sha256, r.secret_kind, r.principal, r.attacker_uuids, r.attacker_ips,"
    " r.deckies, r.services, r.targets, r.target_count, r.attacker_ip_count, r.attempt_count,"
    " r.confidence, r.first_seen, r.last_seen, r.updated_at,"
    " (SELECT c.secret_printable FROM credentials c WHERE c.dedup_key BETWEEN"
    "  secret_key_floor(r.secret_sha256) AND secret_key_floor(r.secret_sha256) + 4294967295"
    "  AND +c.secret_sha256 = r.secret_sha256"
    "  AND c.secret_kind = r.secret_kind AND c.principal_key = r.principal_key LIMIT 1)";

CredentialReuse read_reuse(const Statement& s) {
  CredentialReuse r;
  r.id = s.text(0);
  r.secret_sha256 = s.text(1);
  r.secret_kind = s.text(2);
  r.principal = s.optional_text(3);
  r.attacker_uuids = from_json_list(s.text_view(4));
  r.attacker_ips = from_json_list(s.text_view(5));
  r.deckies = from_json_list(s.text_view(6));
  r.services = from_json_list(s.text_view(7));
  r.targets = from_json_list(s.text_view(8));
  r.target_count = s.int64(9);
  r.attacker_ip_count = s.int64(10);
  r.attempt_count = s.int64(11);
  r.confidence = s.real(12);
  r.first_seen = s.int64(13);
  r.last_seen = s.int64(14);
  r.updated_at = s.int64(15);
  r.secret_printable = s.optional_text(16);
  return r;
}

class SqliteCredentialReuseRepository final : public CredentialReuseRepository {
 public:
  explicit SqliteCredentialReuseRepository(Engine& engine) : engine_(engine) {}

  ReuseUpsert upsert_credential_reuse(WriteScope& scope, const CredentialReuse& f) override {
    auto& conn = connection_of(scope);
    const std::string new_id = f.id.empty() ? core::Uuid::v4().str() : f.id;
    auto stmt = conn.prepare(
        "INSERT INTO credential_reuse(id, secret_sha256, secret_kind, principal, principal_key, "
        "attacker_uuids, attacker_ips, deckies, services, targets, target_count, "
        "attacker_ip_count, attempt_count, confidence, first_seen, last_seen, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(secret_sha256, secret_kind, principal_key) DO UPDATE SET "
        "principal = COALESCE(principal, excluded.principal),"
        " attacker_uuids = excluded.attacker_uuids, attacker_ips = excluded.attacker_ips,"
        " deckies = excluded.deckies, services = excluded.services, targets = excluded.targets,"
        " target_count = excluded.target_count, attacker_ip_count = excluded.attacker_ip_count,"
        " attempt_count = excluded.attempt_count, confidence = excluded.confidence,"
        " first_seen = MIN(first_seen, excluded.first_seen),"
        " last_seen = MAX(last_seen, excluded.last_seen), updated_at = excluded.updated_at "
        "RETURNING id");
    stmt.bind_all(new_id, f.secret_sha256, f.secret_kind, f.principal, f.principal.value_or(""),
                  to_json_list(f.attacker_uuids), to_json_list(f.attacker_ips),
                  to_json_list(f.deckies), to_json_list(f.services), to_json_list(f.targets),
                  f.target_count, f.attacker_ip_count, f.attempt_count, f.confidence, f.first_seen,
                  f.last_seen, core::now_micros());
    if (!stmt.step()) throw StoreError(StoreError::Kind::kIo, "reuse upsert returned no row");
    ReuseUpsert result{stmt.text(0), false};
    result.inserted = result.id == new_id;
    return result;
  }

  Page<CredentialReuse> list_credential_reuses(std::int64_t min_targets,
                                               const std::optional<std::string>& kind,
                                               const PageRequest& request) override {
    const auto page = request.clamped();
    WhereClause where;
    where.add("r.target_count >= ?", {min_targets}).add_if(kind, "r.secret_kind = ?");
    auto lease = engine_.read();
    Page<CredentialReuse> out{0, page.limit, page.offset, {}};
    {
      auto count = lease->prepare("SELECT COUNT(*) FROM credential_reuse r" + where.sql());
      where.bind(count);
      if (count.step()) out.total = count.int64(0);
    }
    auto stmt = lease->prepare("SELECT " + std::string(kReuseColumns) + " FROM credential_reuse r" +
                               where.sql() +
                               " ORDER BY r.target_count DESC, r.last_seen DESC, r.id"
                               " LIMIT ? OFFSET ?");
    const int next = where.bind(stmt);
    stmt.bind(next, page.limit).bind(next + 1, page.offset);
    while (stmt.step()) out.data.push_back(read_reuse(stmt));
    return out;
  }

  std::optional<CredentialReuse> get_credential_reuse_by_id(const std::string& id) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kReuseColumns) +
                               " FROM credential_reuse r WHERE r.id = ?");
    stmt.bind(1, id);
    if (!stmt.step()) return std::nullopt;
    return read_reuse(stmt);
  }

  std::vector<CredentialReuse> list_for_attacker(const std::string& attacker_uuid) override {
    auto lease = engine_.read();
    // Through the attacker's own credentials (indexed by attacker) to the findings of their
    // secrets (unique by secret): the cost is the attacker's, not the number of findings, and an
    // attacker past a finding's capped attacker list still sees it.
    auto stmt = lease->prepare(
        "SELECT " + std::string(kReuseColumns) +
        " FROM credential_reuse r WHERE r.id IN (SELECT f.id FROM credentials c JOIN "
        "credential_reuse f ON f.secret_sha256 = c.secret_sha256 AND f.secret_kind = "
        "c.secret_kind AND f.principal_key = c.principal_key WHERE c.attacker_id = (SELECT id "
        "FROM attackers WHERE uuid = ?)) ORDER BY r.target_count DESC, r.last_seen DESC LIMIT ?");
    stmt.bind_all(attacker_uuid, kMaxLimit);
    std::vector<CredentialReuse> out;
    while (stmt.step()) out.push_back(read_reuse(stmt));
    return out;
  }

 private:
  Engine& engine_;
};

}  // namespace

std::unique_ptr<CredentialRepository> make_credential_repository(Engine& engine) {
  return std::make_unique<SqliteCredentialRepository>(engine);
}

std::unique_ptr<CredentialReuseRepository> make_credential_reuse_repository(Engine& engine) {
  return std::make_unique<SqliteCredentialReuseRepository>(engine);
}

}  // namespace decnet::store::sqlite
