// Migration 12: a credential is found by one 64-bit key (credential_key.h) instead of its
// six-column text key.
//
// The unique (address, decky, service, kind, digest, principal) index cost about 130 bytes an
// entry, inserted at a random place for every new credential, and the secret-prefix index of
// migration 10 another random insert. The dedup key is a single integer whose high half is the
// secret's digest prefix, so one small index serves both the upsert and the secret lookups.
// The attacker is referred to by attackers.id (migration 9), indexed for the attacker page and
// the start-up recount; the uuid column stays as the value the API shows. Credentials stored
// before their attacker existed (no attacker_id) are indexed by address for the uuid backfill.
//
// SQLite cannot drop a table constraint, so the table is rebuilt; the keys are computed in C++
// for every row (probing past a collision as the upsert does) once the unique index exists.
#include "store/sqlite/connection.h"
#include "store/sqlite/credential_key.h"
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {
namespace {

void assign_keys(Connection& conn) {
  auto rows = conn.prepare(
      "SELECT id, attacker_ip_key, decky_name, service, secret_kind, secret_sha256, principal_key"
      " FROM credentials ORDER BY id");
  auto assign = conn.prepare("UPDATE OR IGNORE credentials SET dedup_key = ? WHERE id = ?");
  while (rows.step()) {
    const std::int64_t id = rows.int64(0);
    std::int64_t key = credential_key({rows.text_view(1), rows.text_view(2), rows.text_view(3),
                                       rows.text_view(4), rows.text_view(5), rows.text_view(6)});
    // The old unique constraint guarantees distinct tuples, so a taken key is a collision.
    for (;; key = next_credential_key(key)) {
      const int changed = assign.bind_all(key, id).run();
      assign.rewind();
      if (changed == 1) break;
    }
  }
}

}  // namespace

extern const Migration kMigration0012 = {12, "credential keys", R"SQL(
CREATE TABLE credentials_keyed (
  id INTEGER PRIMARY KEY,
  dedup_key INTEGER,
  attacker_id INTEGER REFERENCES attackers(id),
  attacker_ip TEXT,
  attacker_ip_key TEXT NOT NULL DEFAULT '',
  attacker_uuid TEXT,
  decky_name TEXT NOT NULL,
  service TEXT NOT NULL,
  principal TEXT,
  principal_key TEXT NOT NULL DEFAULT '',
  secret_kind TEXT NOT NULL DEFAULT 'plaintext',
  secret_sha256 TEXT NOT NULL CHECK (length(secret_sha256) = 64),
  secret_b64 TEXT,
  secret_printable TEXT,
  outcome TEXT,
  fields TEXT NOT NULL DEFAULT '{}',
  truncated INTEGER NOT NULL DEFAULT 0,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  attempt_count INTEGER NOT NULL DEFAULT 1
);
INSERT INTO credentials_keyed(id, attacker_id, attacker_ip, attacker_ip_key, attacker_uuid,
    decky_name, service, principal, principal_key, secret_kind, secret_sha256, secret_b64,
    secret_printable, outcome, fields, truncated, first_seen, last_seen, attempt_count)
  SELECT c.id, a.id, c.attacker_ip, c.attacker_ip_key, c.attacker_uuid, c.decky_name, c.service,
    c.principal, c.principal_key, c.secret_kind, c.secret_sha256, c.secret_b64,
    c.secret_printable, c.outcome, c.fields, c.truncated, c.first_seen, c.last_seen,
    c.attempt_count
  FROM credentials c LEFT JOIN attackers a ON a.ip = c.attacker_ip_key;
DROP TABLE credentials;
ALTER TABLE credentials_keyed RENAME TO credentials;
CREATE UNIQUE INDEX uq_credentials_key ON credentials(dedup_key);
CREATE INDEX ix_credentials_attacker ON credentials(attacker_id);
CREATE INDEX ix_credentials_unattributed ON credentials(attacker_ip_key) WHERE attacker_id IS NULL;
CREATE INDEX ix_credentials_last_seen ON credentials(last_seen);
CREATE INDEX ix_credentials_first_seen ON credentials(first_seen);
CREATE TRIGGER tr_credentials_totals_delete AFTER DELETE ON credentials
BEGIN
  UPDATE row_counts SET n = n - 1 WHERE name = 'credentials';
  UPDATE credential_principal_totals SET attempts = attempts - OLD.attempt_count
    WHERE principal = OLD.principal;
  UPDATE credential_password_totals SET attempts = attempts - OLD.attempt_count
    WHERE secret_prefix = substr(OLD.secret_sha256, 1, 24) AND OLD.secret_kind = 'plaintext';
END;
)SQL",
                                         false, assign_keys};

}  // namespace decnet::store::sqlite
