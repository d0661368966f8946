// The SQL pieces the attacker repository writes with: creating an attacker's row, advancing its
// counters and targets, recording the services and deckies it touched, and the capped lists and
// traversal path on its row. Kept apart from the queries the dashboard reads with
// (attacker_store.cc). Every function runs inside the writer's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/attacker_repository.h"
#include "store/sqlite/connection.h"

namespace decnet::store::sqlite {

// Deckies named decnet-* are DECNET's own infrastructure, not decoys an attacker moved between.
struct Traversal {
  bool is_traversal = false;
  std::optional<std::string> path;
};
Traversal traversal_of(const std::vector<std::string>& deckies);

// The first kMaxListedTargets distinct services and deckies of `targets`, in order, and how many
// distinct ones there are in all.
struct TargetLists {
  std::vector<std::string> services, deckies;
  std::int64_t service_count = 0, decky_count = 0;
};
TargetLists lists_of(const std::vector<TargetActivity>& targets);

void advance_counters(Connection& conn, std::int64_t id, const AttackerActivity& act,
                      std::int64_t now);
void advance_target(Connection& conn, std::int64_t id, const TargetActivity& t);
// A target row, or, should it exist after all, its counters advanced.
void insert_target(Connection& conn, std::int64_t id, const TargetActivity& t);

// Records that the attacker touched `value` of `kind` (a service or a decky); true when it is
// the first time.
enum class TargetPart { kService, kDecky };
bool note_first(Connection& conn, TargetPart kind, std::int64_t id, const std::string& value);
// After target rows were recomputed: the service and decky sets of `id` (every attacker when
// nullopt) from them.
void sets_from_targets(Connection& conn, std::optional<std::int64_t> id);
// Adds services and deckies new to the attacker to its listed ones (capped) and counts.
void add_to_lists(Connection& conn, std::int64_t id, const std::vector<std::string>& new_services,
                  const std::vector<std::string>& new_deckies);
// The whole row in one INSERT, lists and counts included; nothing when the address exists.
std::optional<ActivityResult> create_if_absent(Connection& conn, const AttackerActivity& act,
                                               std::int64_t now);

}  // namespace decnet::store::sqlite
