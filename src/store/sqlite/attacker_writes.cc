#include "store/sqlite/attacker_writes.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "core/uuid.h"
#include "store/sqlite/json_columns.h"

namespace decnet::store::sqlite {
namespace {

constexpr std::string_view kArrow = " \xe2\x86\x92 ";  // " → "

}  // namespace

Traversal traversal_of(const std::vector<std::string>& deckies) {
  std::vector<std::string> decoys;
  for (const auto& d : deckies) {
    if (d.rfind("decnet-", 0) != 0) decoys.push_back(d);
  }
  Traversal t;
  if (decoys.size() < 2) return t;
  t.is_traversal = true;
  std::string path;
  for (const auto& d : decoys) {
    if (!path.empty()) path += kArrow;
    path += d;
  }
  t.path = std::move(path);
  return t;
}

// Every column an UPDATE assigns rewrites the index entries on it, even to the same value, and
// each is a write to a random page. first_seen almost never moves back (only for late lines),
// so it gets its own statement that changes nothing, and writes nothing, when it does not.
void advance_counters(Connection& conn, std::int64_t id, const AttackerActivity& act,
                      std::int64_t now) {
  conn.prepare(
          "UPDATE attackers SET last_seen = MAX(last_seen, ?), event_count = event_count + ?,"
          " credential_count = credential_count + ?, updated_at = ? WHERE id = ?")
      .bind_all(act.last_seen, act.event_count, act.credential_count, now, id)
      .run();
  conn.prepare("UPDATE attackers SET first_seen = ? WHERE id = ? AND first_seen > ?")
      .bind_all(act.first_seen, id, act.first_seen)
      .run();
}

void advance_target(Connection& conn, std::int64_t id, const TargetActivity& t) {
  conn.prepare(
          "UPDATE attacker_targets SET first_seen = MIN(first_seen, ?), "
          "last_seen = MAX(last_seen, ?), event_count = event_count + ? "
          "WHERE attacker_id = ? AND decky = ? AND service = ?")
      .bind_all(t.first_seen, t.last_seen, t.event_count, id, t.decky, t.service)
      .run();
}

TargetLists lists_of(const std::vector<TargetActivity>& targets) {
  TargetLists out;
  std::unordered_set<std::string_view> services, deckies;
  for (const auto& t : targets) {
    if (services.insert(t.service).second && out.services.size() < kMaxListedTargets) {
      out.services.push_back(t.service);
    }
    if (deckies.insert(t.decky).second && out.deckies.size() < kMaxListedTargets) {
      out.deckies.push_back(t.decky);
    }
  }
  out.service_count = static_cast<std::int64_t>(services.size());
  out.decky_count = static_cast<std::int64_t>(deckies.size());
  std::sort(out.services.begin(), out.services.end());
  return out;
}

bool note_first(Connection& conn, TargetPart kind, std::int64_t id, const std::string& value) {
  auto stmt =
      conn.prepare(kind == TargetPart::kService
                       ? "INSERT INTO attacker_services(service, attacker_id) VALUES (?, ?) "
                         "ON CONFLICT DO NOTHING"
                       : "INSERT INTO attacker_deckies(decky, attacker_id) VALUES (?, ?) "
                         "ON CONFLICT DO NOTHING");
  return stmt.bind_all(value, id).run() == 1;
}

void sets_from_targets(Connection& conn, std::optional<std::int64_t> id) {
  const std::string where = id ? " WHERE attacker_id = ?" : "";
  for (const char* sql : {"INSERT INTO attacker_services(service, attacker_id) SELECT DISTINCT "
                          "service, attacker_id FROM attacker_targets",
                          "INSERT INTO attacker_deckies(decky, attacker_id) SELECT DISTINCT "
                          "decky, attacker_id FROM attacker_targets"}) {
    auto stmt =
        conn.prepare(std::string(sql) + (id ? where : " WHERE 1") + " ON CONFLICT DO NOTHING");
    if (id) stmt.bind(1, *id);
    stmt.run();
  }
}

void insert_target(Connection& conn, std::int64_t id, const TargetActivity& t) {
  conn.prepare(
          "INSERT INTO attacker_targets(attacker_id, decky, service, first_seen, last_seen, "
          "event_count) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
          "first_seen = MIN(first_seen, excluded.first_seen), "
          "last_seen = MAX(last_seen, excluded.last_seen), "
          "event_count = event_count + excluded.event_count")
      .bind_all(id, t.decky, t.service, t.first_seen, t.last_seen, t.event_count)
      .run();
}

void add_to_lists(Connection& conn, std::int64_t id, const std::vector<std::string>& new_services,
                  const std::vector<std::string>& new_deckies) {
  if (new_services.empty() && new_deckies.empty()) return;
  std::vector<std::string> services, deckies;
  std::int64_t service_count = 0, decky_count = 0;
  {
    auto row = conn.prepare(
        "SELECT services, deckies, service_count, decky_count FROM attackers WHERE id = ?");
    row.bind(1, id);
    if (row.step()) {
      services = from_json_list(row.text_view(0));
      deckies = from_json_list(row.text_view(1));
      service_count = row.int64(2);
      decky_count = row.int64(3);
    }
  }
  service_count += static_cast<std::int64_t>(new_services.size());
  decky_count += static_cast<std::int64_t>(new_deckies.size());
  for (const auto& s : new_services) {
    if (services.size() < kMaxListedTargets) services.push_back(s);
  }
  for (const auto& d : new_deckies) {
    if (deckies.size() < kMaxListedTargets) deckies.push_back(d);
  }
  std::sort(services.begin(), services.end());
  const auto traversal = traversal_of(deckies);
  conn.prepare(
          "UPDATE attackers SET services = ?, deckies = ?, service_count = ?, "
          "decky_count = ?, is_traversal = ?, traversal_path = ? WHERE id = ?")
      .bind_all(to_json_list(services), to_json_list(deckies), service_count, decky_count,
                traversal.is_traversal, traversal.path, id)
      .run();
}

std::optional<ActivityResult> create_if_absent(Connection& conn, const AttackerActivity& act,
                                               std::int64_t now) {
  const auto lists = lists_of(act.targets);
  const auto traversal = traversal_of(lists.deckies);
  ActivityResult result{core::Uuid::v7().str(), true};
  const int inserted =
      conn.prepare(
              "INSERT INTO attackers(uuid, ip, first_seen, last_seen, event_count, "
              "credential_count, services, deckies, service_count, decky_count, is_traversal, "
              "traversal_path, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT(ip) DO NOTHING")
          .bind_all(result.uuid, act.ip, act.first_seen, act.last_seen, act.event_count,
                    act.credential_count, to_json_list(lists.services), to_json_list(lists.deckies),
                    lists.service_count, lists.decky_count, traversal.is_traversal, traversal.path,
                    now)
          .run();
  if (inserted == 0) return std::nullopt;
  result.id = conn.last_insert_rowid();
  for (const auto& t : act.targets) {
    insert_target(conn, result.id, t);
    note_first(conn, TargetPart::kService, result.id, t.service);
    note_first(conn, TargetPart::kDecky, result.id, t.decky);
  }
  return result;
}

}  // namespace decnet::store::sqlite
