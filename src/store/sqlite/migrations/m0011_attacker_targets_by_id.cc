// Migration 11: attacker_targets is keyed by the attacker's integer key.
//
// Every new (attacker, decky, service) pair is a row inserted at a random place in this table
// and in its two indexes, and a fleet stream makes hundreds of thousands of them; with the 36-byte
// uuid leading the key, the three trees were about twice as large as with an 8-byte integer, and
// every transaction rewrote most of their pages. The rows are copied over by the uuid they had.
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {

extern const Migration kMigration0011 = {11, "attacker targets by id", R"SQL(
CREATE TABLE attacker_targets_rebuilt (
  attacker_id INTEGER NOT NULL REFERENCES attackers(id) ON DELETE CASCADE,
  decky TEXT NOT NULL,
  service TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  event_count INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (attacker_id, decky, service)
) WITHOUT ROWID;
INSERT INTO attacker_targets_rebuilt(attacker_id, decky, service, first_seen, last_seen,
  event_count)
SELECT a.id, t.decky, t.service, t.first_seen, t.last_seen, t.event_count
FROM attacker_targets t JOIN attackers a ON a.uuid = t.attacker_uuid WHERE 1
ORDER BY a.id, t.decky, t.service;
DROP TABLE attacker_targets;
ALTER TABLE attacker_targets_rebuilt RENAME TO attacker_targets;
CREATE INDEX ix_attacker_targets_service ON attacker_targets(service, attacker_id);
CREATE INDEX ix_attacker_targets_decky ON attacker_targets(decky, attacker_id);
)SQL"};

}  // namespace decnet::store::sqlite
