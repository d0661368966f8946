// Migration 8: whether a log line's time came without a UTC offset. Such times used to be thrown
// away for the receive time; they are now read as UTC, and this says which rows were.
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {

extern const Migration kMigration0008 = {8, "timestamp offset missing", R"SQL(
ALTER TABLE logs ADD COLUMN timestamp_offset_missing INTEGER NOT NULL DEFAULT 0;
)SQL"};

}  // namespace decnet::store::sqlite
