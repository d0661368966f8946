// Migration 15: the evidence identities are resolved from, and what the identity list filters on.
//
// identity_evidence keeps, per attacker, the fingerprints, dropped payloads and endpoints the
// identity graph links on, so the graph can be loaded at start and rebuilt from the database
// alone. It is keyed by attacker first (WITHOUT ROWID: the key is the row), and written only when
// an attacker's evidence changes, not per sighting. observation_count becomes the identity's
// live member count (written whenever its members change), and the partial index lets the list
// of canonical identities be filtered by it without reading a million singletons.
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {

extern const Migration kMigration0015 = {15, "identity evidence", R"SQL(
CREATE TABLE identity_evidence (
  attacker_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('ja3', 'hassh', 'payload', 'c2')),
  value TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (attacker_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX ix_attacker_identities_members ON attacker_identities(observation_count, updated_at)
  WHERE merged_into_uuid IS NULL;
)SQL"};

}  // namespace decnet::store::sqlite
