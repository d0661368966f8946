// Migration 2: cheaper ingest and constant-time totals.
//
// Every secondary index on `logs` is paid for by every ingested line. The single-column
// indexes on decky, service, event_type and attacker_ip mostly served filters that also order
// by id and take a page, which a scan in id order answers; per-attacker event lists use
// (attacker_uuid, id). They are dropped, leaving timestamp and (attacker_uuid, id).
//
// Unfiltered list pages need the table's row count; COUNT(*) walks a whole index, which costs
// tens of milliseconds at a million attackers. row_counts keeps those totals, maintained by
// triggers, so the attackers page answers in constant time.
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {

extern const Migration kMigration0002 = {2, "row counts and lean log indexes", R"SQL(
DROP INDEX ix_logs_decky;
DROP INDEX ix_logs_service;
DROP INDEX ix_logs_event_type;
DROP INDEX ix_logs_attacker_ip;

CREATE TABLE row_counts (
  name TEXT PRIMARY KEY,
  n INTEGER NOT NULL
);
INSERT INTO row_counts(name, n) SELECT 'attackers', COUNT(*) FROM attackers;
INSERT INTO row_counts(name, n) SELECT 'credential_reuse', COUNT(*) FROM credential_reuse;

CREATE TRIGGER tr_attackers_count_insert AFTER INSERT ON attackers
BEGIN UPDATE row_counts SET n = n + 1 WHERE name = 'attackers'; END;
CREATE TRIGGER tr_attackers_count_delete AFTER DELETE ON attackers
BEGIN UPDATE row_counts SET n = n - 1 WHERE name = 'attackers'; END;
CREATE TRIGGER tr_credential_reuse_count_insert AFTER INSERT ON credential_reuse
BEGIN UPDATE row_counts SET n = n + 1 WHERE name = 'credential_reuse'; END;
CREATE TRIGGER tr_credential_reuse_count_delete AFTER DELETE ON credential_reuse
BEGIN UPDATE row_counts SET n = n - 1 WHERE name = 'credential_reuse'; END;
)SQL"};

}  // namespace decnet::store::sqlite
