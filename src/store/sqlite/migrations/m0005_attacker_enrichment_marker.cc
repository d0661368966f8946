// Migration 5: which attackers the enrichment worker has looked at. A country or AS left NULL
// cannot tell "not looked up yet" from "looked up, nothing known" (a private address, an
// unrouted range), so the worker stamps enriched_at; the partial index holds only the attackers
// still waiting, oldest first, and stays small however large the table grows.
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {

extern const Migration kMigration0005 = {5, "attacker enrichment marker", R"SQL(
ALTER TABLE attackers ADD COLUMN enriched_at INTEGER;
CREATE INDEX ix_attackers_unenriched ON attackers(first_seen) WHERE enriched_at IS NULL;
)SQL"};

}  // namespace decnet::store::sqlite
