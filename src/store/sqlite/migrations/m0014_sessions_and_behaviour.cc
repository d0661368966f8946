// Migration 14: sessions and the attacker behaviour rows of the profiler.
//
// A fleet makes a session for a sizeable share of its lines (every connection, every recorded
// shell), so the per-attacker index of `sessions` leads with the block of 16,384 ids a row falls
// in, as the log index does: ingest only ever inserts into the newest block's part of it instead
// of at a random place of a large tree. Open sessions are found through a partial index that
// holds them alone, so it stays as small as the number of open sessions. Attackers are never
// deleted, so neither table carries a foreign key.
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {

extern const Migration kMigration0014 = {14, "sessions and attacker behaviour", R"SQL(
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL,
  attacker_id INTEGER NOT NULL,
  decky TEXT NOT NULL,
  service TEXT NOT NULL,
  session_id TEXT,
  started_at INTEGER NOT NULL,
  last_event_at INTEGER NOT NULL,
  ended_at INTEGER,
  end_reason TEXT,
  event_count INTEGER NOT NULL DEFAULT 0,
  auth_attempts INTEGER NOT NULL DEFAULT 0,
  commands TEXT NOT NULL DEFAULT '[]',
  command_count INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL DEFAULT 'closed'
    CHECK (outcome IN ('closed', 'auth_failed', 'logged_in')),
  recording TEXT
);
CREATE UNIQUE INDEX ix_sessions_uuid ON sessions(uuid);
CREATE INDEX ix_sessions_attacker ON sessions(id >> 14, attacker_id, id);
CREATE INDEX ix_sessions_open ON sessions(started_at) WHERE ended_at IS NULL;

CREATE TABLE attacker_behaviour (
  attacker_id INTEGER PRIMARY KEY,
  behavior_class TEXT NOT NULL DEFAULT 'unknown',
  score INTEGER NOT NULL DEFAULT 0,
  reasons TEXT NOT NULL DEFAULT '[]',
  timing TEXT NOT NULL DEFAULT '{}',
  beacon_interval_s REAL,
  beacon_jitter_pct REAL,
  phases TEXT NOT NULL DEFAULT '[]',
  tools TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL DEFAULT '{}',
  updated_at INTEGER NOT NULL
);
CREATE INDEX ix_attacker_behaviour_score ON attacker_behaviour(score, attacker_id);
CREATE INDEX ix_attacker_behaviour_class ON attacker_behaviour(behavior_class, score);
)SQL"};

}  // namespace decnet::store::sqlite
