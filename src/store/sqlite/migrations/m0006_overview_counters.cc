// Migration 6: what the dashboard's overview (GET /api/v1/stats) reads, kept cheap to read at a
// million attackers and millions of events, and cheap to keep up on the ingest path.
//
// Events. COUNT(*) over `logs` walks a whole index (0.3 s at 5 million rows) and grouping a day
// of events by service and decky reads every row of that day (3 s at 1.7 million). The log
// insert therefore adds its batch size to row_counts['logs'] and its per-(hour, decky, service)
// counts to log_counts, one statement per distinct key per batch rather than per row (see
// log_store.cc). A 24-hour window is then about 25 hours of these rows, plus an exact
// correction from `logs` for the part of an hour the window cuts.
//
// Credentials. Ranking usernames and passwords by attempts scanned the whole table (5 s at 3
// million rows). Triggers keep per-principal and per-password attempt totals in step with every
// insert and attempt_count increment, in the same transaction. A password is keyed by the first
// 24 hex digits (96 bits) of its SHA-256: the full 64 made the table so much larger that each
// new password cost another page write, and the triggers a quarter of the credential upsert
// rate; at 96 bits they cost about a tenth (1 million rows, 300,000 passwords), and
// forging a collision with a given password would take a 96-bit second preimage. Top tens are
// read through partial indexes holding only the keys tried at least ten times, which the
// frequent keys' (hot) pages alone maintain. The principal and secret columns are never assigned
// after the insert, so the UPDATE trigger only carries attempt_count deltas.
//
// "New in the last 24 hours" counts read first_seen ranges; credentials and credential_reuse had
// no index on it. A credential's first_seen never changes and a reuse finding's rarely does, so
// both indexes grow at their end.
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {

extern const Migration kMigration0006 = {6, "overview counters", R"SQL(
INSERT INTO row_counts(name, n) SELECT 'logs', COUNT(*) FROM logs;
INSERT INTO row_counts(name, n) SELECT 'credentials', COUNT(*) FROM credentials;

CREATE TABLE log_counts (
  hour INTEGER NOT NULL,
  decky TEXT NOT NULL,
  service TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (hour, decky, service)
) WITHOUT ROWID;
INSERT INTO log_counts(hour, decky, service, n)
  SELECT (timestamp / 3600000000) * 3600000000, decky, service, COUNT(*) FROM logs
  GROUP BY 1, 2, 3;

CREATE TABLE credential_principal_totals (
  principal TEXT PRIMARY KEY,
  attempts INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO credential_principal_totals(principal, attempts)
  SELECT principal, SUM(attempt_count) FROM credentials
  WHERE principal IS NOT NULL AND principal <> '' GROUP BY principal;
CREATE INDEX ix_credential_principal_totals_frequent
  ON credential_principal_totals(attempts) WHERE attempts >= 10;

CREATE TABLE credential_password_totals (
  secret_prefix TEXT PRIMARY KEY,
  attempts INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO credential_password_totals(secret_prefix, attempts)
  SELECT substr(secret_sha256, 1, 24), SUM(attempt_count) FROM credentials
  WHERE secret_kind = 'plaintext' GROUP BY 1;
CREATE INDEX ix_credential_password_totals_frequent
  ON credential_password_totals(attempts) WHERE attempts >= 10;

CREATE TRIGGER tr_credentials_totals_insert AFTER INSERT ON credentials
BEGIN
  UPDATE row_counts SET n = n + 1 WHERE name = 'credentials';
  INSERT INTO credential_principal_totals(principal, attempts)
    SELECT NEW.principal, NEW.attempt_count WHERE NEW.principal IS NOT NULL AND NEW.principal <> ''
    ON CONFLICT(principal) DO UPDATE SET attempts = attempts + excluded.attempts;
  INSERT INTO credential_password_totals(secret_prefix, attempts)
    SELECT substr(NEW.secret_sha256, 1, 24), NEW.attempt_count WHERE NEW.secret_kind = 'plaintext'
    ON CONFLICT(secret_prefix) DO UPDATE SET attempts = attempts + excluded.attempts;
END;
CREATE TRIGGER tr_credentials_totals_update AFTER UPDATE OF attempt_count ON credentials
WHEN NEW.attempt_count <> OLD.attempt_count
BEGIN
  UPDATE credential_principal_totals SET attempts = attempts + NEW.attempt_count - OLD.attempt_count
    WHERE principal = NEW.principal;
  UPDATE credential_password_totals SET attempts = attempts + NEW.attempt_count - OLD.attempt_count
    WHERE secret_prefix = substr(NEW.secret_sha256, 1, 24) AND NEW.secret_kind = 'plaintext';
END;
CREATE TRIGGER tr_credentials_totals_delete AFTER DELETE ON credentials
BEGIN
  UPDATE row_counts SET n = n - 1 WHERE name = 'credentials';
  UPDATE credential_principal_totals SET attempts = attempts - OLD.attempt_count
    WHERE principal = OLD.principal;
  UPDATE credential_password_totals SET attempts = attempts - OLD.attempt_count
    WHERE secret_prefix = substr(OLD.secret_sha256, 1, 24) AND OLD.secret_kind = 'plaintext';
END;

CREATE INDEX ix_credentials_first_seen ON credentials(first_seen);
CREATE INDEX ix_credential_reuse_first_seen ON credential_reuse(first_seen);
)SQL"};

}  // namespace decnet::store::sqlite
