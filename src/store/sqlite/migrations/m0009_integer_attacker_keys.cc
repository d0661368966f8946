// Migration 9: log rows refer to their attacker by an 8-byte integer instead of a 36-byte uuid.
//
// The log insert was the largest per-line cost after the attacker write-back: every row carried
// the uuid text, and the (block, attacker, id) index that serves an attacker's timeline held it
// again, so the newest block's part of that index, which every batch rewrites, was four times
// larger than it needs to be. attackers gets an explicit INTEGER PRIMARY KEY (the rowid it
// already had, so nothing is renumbered, and which VACUUM now keeps), the uuid stays the public
// identifier, and logs.attacker_id replaces logs.attacker_uuid. Reads get the uuid back by joining
// on the key.
//
// Rebuilding attackers drops the old table with its indexes and triggers (recreated here as they
// were), and must not cascade into the tables that refer to it: the runner turns foreign keys
// off for this migration and checks them before committing.
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {

extern const Migration kMigration0009 = {9, "integer attacker keys", R"SQL(
CREATE TABLE attackers_rebuilt (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  ip TEXT NOT NULL,
  identity_id TEXT REFERENCES attacker_identities(uuid),
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  event_count INTEGER NOT NULL DEFAULT 0,
  service_count INTEGER NOT NULL DEFAULT 0,
  decky_count INTEGER NOT NULL DEFAULT 0,
  services TEXT NOT NULL DEFAULT '[]',
  deckies TEXT NOT NULL DEFAULT '[]',
  traversal_path TEXT,
  is_traversal INTEGER NOT NULL DEFAULT 0,
  bounty_count INTEGER NOT NULL DEFAULT 0,
  credential_count INTEGER NOT NULL DEFAULT 0,
  fingerprints TEXT NOT NULL DEFAULT '[]',
  commands TEXT NOT NULL DEFAULT '[]',
  country_code TEXT CHECK (country_code IS NULL OR length(country_code) = 2),
  country_source TEXT,
  asn INTEGER,
  as_name TEXT,
  bgp_prefix TEXT,
  asn_source TEXT,
  rpki_status TEXT,
  rpki_source TEXT,
  ptr_record TEXT,
  ptr_checked_at INTEGER,
  rotation_count INTEGER NOT NULL DEFAULT 0,
  last_rotation_at INTEGER,
  observed_published INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  enriched_at INTEGER
);
INSERT INTO attackers_rebuilt(id, uuid, ip, identity_id, first_seen, last_seen, event_count,
  service_count, decky_count, services, deckies, traversal_path, is_traversal, bounty_count,
  credential_count, fingerprints, commands, country_code, country_source, asn, as_name,
  bgp_prefix, asn_source, rpki_status, rpki_source, ptr_record, ptr_checked_at, rotation_count,
  last_rotation_at, observed_published, updated_at, enriched_at)
SELECT rowid, uuid, ip, identity_id, first_seen, last_seen, event_count, service_count,
  decky_count, services, deckies, traversal_path, is_traversal, bounty_count, credential_count,
  fingerprints, commands, country_code, country_source, asn, as_name, bgp_prefix, asn_source,
  rpki_status, rpki_source, ptr_record, ptr_checked_at, rotation_count, last_rotation_at,
  observed_published, updated_at, enriched_at
FROM attackers ORDER BY rowid;
DROP TABLE attackers;
ALTER TABLE attackers_rebuilt RENAME TO attackers;
CREATE UNIQUE INDEX uq_attackers_ip ON attackers(ip);
CREATE INDEX ix_attackers_identity_id ON attackers(identity_id);
CREATE INDEX ix_attackers_country_code ON attackers(country_code, last_seen);
CREATE INDEX ix_attackers_last_rotation_at ON attackers(last_rotation_at);
CREATE INDEX ix_attackers_last_seen ON attackers(last_seen, uuid);
CREATE INDEX ix_attackers_first_seen ON attackers(first_seen, uuid);
CREATE INDEX ix_attackers_event_count ON attackers(event_count, uuid);
CREATE INDEX ix_attackers_unenriched ON attackers(first_seen) WHERE enriched_at IS NULL;
CREATE INDEX ix_attackers_unpublished ON attackers(first_seen) WHERE observed_published = 0;
CREATE TRIGGER tr_attackers_count_insert AFTER INSERT ON attackers
BEGIN UPDATE row_counts SET n = n + 1 WHERE name = 'attackers'; END;
CREATE TRIGGER tr_attackers_count_delete AFTER DELETE ON attackers
BEGIN UPDATE row_counts SET n = n - 1 WHERE name = 'attackers'; END;

ALTER TABLE logs ADD COLUMN attacker_id INTEGER;
UPDATE logs SET attacker_id = (SELECT a.id FROM attackers a WHERE a.uuid = logs.attacker_uuid)
  WHERE attacker_uuid IS NOT NULL;
DROP INDEX ix_logs_block_attacker;
ALTER TABLE logs DROP COLUMN attacker_uuid;
CREATE INDEX ix_logs_block_attacker ON logs(id >> 16, attacker_id, id);
)SQL",
                                         /*foreign_keys_off=*/true};

}  // namespace decnet::store::sqlite
