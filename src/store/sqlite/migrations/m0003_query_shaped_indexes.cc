// Migration 3: indexes shaped by the queries that use them.
//
// The attackers list sorts by last_seen, first_seen or event_count with the uuid as
// tie-breaker, so pages are stable. Indexes on the sort column alone left SQLite sorting the
// ties of every page in a temporary B-tree; including the uuid lets a page be read straight
// from the index.
//
// Every captured credential is a new row during a brute force, and each secondary index made
// its insert slower. Lookups by secret use (secret_sha256, secret_kind, principal_key), by
// address the dedup key (which starts with attacker_ip_key); the indexes on (secret_sha256,
// service), (principal, service), secret_kind and attacker_ip served no query and are dropped.
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {

extern const Migration kMigration0003 = {3, "query-shaped attacker and credential indexes", R"SQL(
DROP INDEX ix_attackers_last_seen;
DROP INDEX ix_attackers_first_seen;
DROP INDEX ix_attackers_event_count;
CREATE INDEX ix_attackers_last_seen ON attackers(last_seen, uuid);
CREATE INDEX ix_attackers_first_seen ON attackers(first_seen, uuid);
CREATE INDEX ix_attackers_event_count ON attackers(event_count, uuid);
DROP INDEX ix_credentials_secret_service;
DROP INDEX ix_credentials_principal_service;
DROP INDEX ix_credentials_secret_kind;
DROP INDEX ix_credentials_attacker_ip;
)SQL"};

}  // namespace decnet::store::sqlite
