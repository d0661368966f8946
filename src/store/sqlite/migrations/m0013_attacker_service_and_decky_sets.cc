// Migration 13: which attackers touched a service (or a decky) moves out of attacker_targets'
// indexes into two small tables of their own.
//
// Every new (attacker, decky, service) target row also went into an index on (service,
// attacker_id) and one on (decky, attacker_id), which only answer "attackers that touched this
// service / decky": a fleet stream makes hundreds of thousands of target rows and each paid for
// three B-trees. attacker_services and attacker_deckies hold one row per attacker and service
// (decky), written only when an attacker touches a service (decky) for the first time, which the
// ingest ledger knows without asking; measured on the fleet stream, dropping the two indexes
// alone took a sixth off the writer's time. Attackers are never deleted, so the rows carry no
// foreign key (a cascade would have to scan them).
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {

extern const Migration kMigration0013 = {13, "attacker service and decky sets", R"SQL(
CREATE TABLE attacker_services (
  service TEXT NOT NULL,
  attacker_id INTEGER NOT NULL,
  PRIMARY KEY (service, attacker_id)
) WITHOUT ROWID;
CREATE TABLE attacker_deckies (
  decky TEXT NOT NULL,
  attacker_id INTEGER NOT NULL,
  PRIMARY KEY (decky, attacker_id)
) WITHOUT ROWID;
INSERT INTO attacker_services(service, attacker_id)
  SELECT DISTINCT service, attacker_id FROM attacker_targets ORDER BY 1, 2;
INSERT INTO attacker_deckies(decky, attacker_id)
  SELECT DISTINCT decky, attacker_id FROM attacker_targets ORDER BY 1, 2;
DROP INDEX ix_attacker_targets_service;
DROP INDEX ix_attacker_targets_decky;
)SQL"};

}  // namespace decnet::store::sqlite
