// Migration 7: the attackers whose first observation has not reached the bus yet. Start-up
// re-publishes them; without an index that was a scan of the whole table ordered by first_seen,
// which grows with every attacker ever seen while the set it looks for is almost always empty.
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {

extern const Migration kMigration0007 = {7, "unpublished attackers index", R"SQL(
CREATE INDEX ix_attackers_unpublished ON attackers(first_seen) WHERE observed_published = 0;
)SQL"};

}  // namespace decnet::store::sqlite
