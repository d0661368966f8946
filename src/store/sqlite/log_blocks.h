// How to find one attacker's rows in `logs` (and `sessions`) through their indexes. The index leads
// with the block of 65,536 consecutive ids a row falls in (migration 4, so ingest only ever touches
// the newest block's part of it); a filter on one attacker therefore lists every block, and SQLite
// probes the index once per block. Ordered by (block, id), rows come back newest first unsorted.
#pragma once

namespace decnet::store::sqlite {

#define DECNET_LOG_BLOCKS                                                                      \
  "(id >> 16) IN (WITH RECURSIVE b(n) AS (SELECT (SELECT IFNULL(MAX(id), 0) FROM logs) >> 16 " \
  "UNION ALL SELECT n - 1 FROM b WHERE n > 0) SELECT n FROM b)"
// Binds: the attacker's key (attackers.id).
inline constexpr const char* kLogsOfAttackerId = DECNET_LOG_BLOCKS " AND attacker_id = ?";
// Binds: the attacker's uuid.
inline constexpr const char* kLogsOfAttackerUuid =
    DECNET_LOG_BLOCKS " AND attacker_id = (SELECT id FROM attackers WHERE uuid = ?)";
// Every row with an address belongs to the attacker row of that address (both are written in
// one transaction), so filtering by address goes through the attacker index too. Binds: the
// address.
inline constexpr const char* kLogsOfAttackerIp =
    DECNET_LOG_BLOCKS " AND attacker_id = (SELECT id FROM attackers WHERE ip = ?)";
#undef DECNET_LOG_BLOCKS

// `sessions` is indexed the same way, in blocks of 16,384 ids (migration 14).
#define DECNET_SESSION_BLOCKS                                                                  \
  "(s.id >> 14) IN (WITH RECURSIVE b(n) AS (SELECT (SELECT IFNULL(MAX(id), 0) FROM sessions) " \
  ">> 14 UNION ALL SELECT n - 1 FROM b WHERE n > 0) SELECT n FROM b)"
// Binds: the attacker's uuid.
inline constexpr const char* kSessionsOfAttacker =
    DECNET_SESSION_BLOCKS " AND s.attacker_id = (SELECT id FROM attackers WHERE uuid = ?)";
// Binds: the attacker's key (attackers.id).
inline constexpr const char* kSessionsOfAttackerId = DECNET_SESSION_BLOCKS " AND s.attacker_id = ?";
#undef DECNET_SESSION_BLOCKS

}  // namespace decnet::store::sqlite
