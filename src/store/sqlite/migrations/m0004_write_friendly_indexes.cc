// Migration 4: ingest writes stay near the end of every index they touch.
//
// A B-tree index keyed by something random takes each insert on a random page, and every page a
// transaction touches is written to the WAL whole: once the index outgrows a batch, each line
// costs a page write, and the cost grows with the table.
//
// logs: events of one attacker were found through (attacker_uuid, id), one random page per
// line. The index now leads with the block of 65,536 consecutive ids a row falls in, so a batch
// only touches the newest block's part of the index, whatever the size of the table; an
// attacker's events are read block by block, newest first (see log_store.cc).
//
// credentials: a credential belongs to the attacker with its address, and the dedup key starts
// with that address, so the unique index already answers "the credentials of this attacker";
// the separate index on attacker_uuid was one more random page per credential and is dropped.
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {

extern const Migration kMigration0004 = {4, "write-friendly log and credential indexes", R"SQL(
DROP INDEX ix_logs_attacker_uuid_id;
CREATE INDEX ix_logs_block_attacker ON logs(id >> 16, attacker_uuid, id);
DROP INDEX ix_credentials_attacker_uuid;
)SQL"};

}  // namespace decnet::store::sqlite
