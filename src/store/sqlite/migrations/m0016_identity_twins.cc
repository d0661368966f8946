// Migration 16: behavioural twins as identity evidence. identity_evidence's kind gains 'twin' (the
// value is the other attacker's uuid); SQLite cannot change a CHECK in place, so the table is
// rebuilt with its rows.
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {

extern const Migration kMigration0016 = {16, "identity twins", R"SQL(
CREATE TABLE identity_evidence_rebuilt (
  attacker_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('ja3', 'hassh', 'payload', 'c2', 'twin')),
  value TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (attacker_id, kind, value)
) WITHOUT ROWID;
INSERT INTO identity_evidence_rebuilt SELECT attacker_id, kind, value, first_seen, last_seen
  FROM identity_evidence;
DROP TABLE identity_evidence;
ALTER TABLE identity_evidence_rebuilt RENAME TO identity_evidence;
)SQL"};

}  // namespace decnet::store::sqlite
