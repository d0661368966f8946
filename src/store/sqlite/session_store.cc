// sessions on SQLite. A session row is written twice in its life (when it opens and when it
// ends), each time by one upsert under the attacker id the writer already knows; reads join back to
// the attacker's uuid. The per-attacker index leads with the id block (migration 14), so a lookup
// by attacker probes it once per block, newest block first.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/json_text.h"
#include "store/page.h"
#include "store/session_repository.h"
#include "store/sqlite/domains.h"
#include "store/sqlite/log_blocks.h"
#include "store/store_error.h"

namespace decnet::store {

std::string_view to_string(SessionOutcome outcome) {
  switch (outcome) {
    case SessionOutcome::kAuthFailed:
      return "auth_failed";
    case SessionOutcome::kLoggedIn:
      return "logged_in";
    case SessionOutcome::kClosed:
      break;
  }
  return "closed";
}

std::optional<SessionOutcome> session_outcome_from(std::string_view text) {
  if (text == "closed") return SessionOutcome::kClosed;
  if (text == "auth_failed") return SessionOutcome::kAuthFailed;
  if (text == "logged_in") return SessionOutcome::kLoggedIn;
  return std::nullopt;
}

}  // namespace decnet::store

namespace decnet::store::sqlite {
namespace {

constexpr std::string_view kSessionColumns =
    "s.uuid, a.uuid, a.ip, s.decky, s.service, s.session_id, s.started_at, s.last_event_at, "
    "s.ended_at, s.end_reason, s.event_count, s.auth_attempts, s.commands, s.command_count, "
    "s.bytes, s.outcome, s.recording";

std::string commands_json(const std::vector<SessionCommand>& commands) {
  if (commands.empty()) return "[]";
  auto list = nlohmann::json::array();
  for (const auto& c : commands) list.push_back({{"command", c.command}, {"ts", c.ts}});
  return core::json_text(list);
}

std::vector<SessionCommand> commands_from(const std::string& text) {
  std::vector<SessionCommand> out;
  const auto list = nlohmann::json::parse(text, nullptr, false);
  if (!list.is_array()) return out;
  for (const auto& item : list) {
    if (!item.is_object()) continue;
    const auto command = item.find("command");
    const auto ts = item.find("ts");
    if (command == item.end() || !command->is_string()) continue;
    out.push_back({command->get<std::string>(),
                   ts != item.end() && ts->is_number_integer() ? ts->get<std::int64_t>() : 0});
  }
  return out;
}

Session read_session(const Statement& s) {
  Session out;
  out.uuid = s.text(0);
  out.attacker_uuid = s.text(1);
  out.attacker_ip = s.text(2);
  out.decky = s.text(3);
  out.service = s.text(4);
  out.session_id = s.optional_text(5);
  out.started_at = s.int64(6);
  out.last_event_at = s.int64(7);
  out.ended_at = s.optional_int64(8);
  out.end_reason = s.optional_text(9);
  out.event_count = s.int64(10);
  out.auth_attempts = s.int64(11);
  out.commands = commands_from(s.text(12));
  out.command_count = s.int64(13);
  out.bytes = s.int64(14);
  out.outcome = session_outcome_from(s.text(15)).value_or(SessionOutcome::kClosed);
  out.recording = s.optional_text(16);
  return out;
}

class SqliteSessionRepository final : public SessionRepository {
 public:
  explicit SqliteSessionRepository(Engine& engine) : engine_(engine) {}

  void upsert_session(WriteScope& scope, std::int64_t attacker_id, const Session& s) override {
    auto stmt = connection_of(scope).prepare(
        "INSERT INTO sessions(uuid, attacker_id, decky, service, session_id, started_at, "
        "last_event_at, ended_at, end_reason, event_count, auth_attempts, commands, "
        "command_count, bytes, outcome, recording) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(uuid) DO UPDATE SET "
        "started_at = excluded.started_at, "
        "last_event_at = excluded.last_event_at, ended_at = excluded.ended_at, "
        "end_reason = excluded.end_reason, event_count = excluded.event_count, "
        "auth_attempts = excluded.auth_attempts, commands = excluded.commands, "
        "command_count = excluded.command_count, bytes = excluded.bytes, "
        "outcome = excluded.outcome, recording = excluded.recording");
    stmt.bind_all(s.uuid, attacker_id, s.decky, s.service, s.session_id, s.started_at,
                  s.last_event_at, s.ended_at, s.end_reason, s.event_count, s.auth_attempts,
                  commands_json(s.commands), s.command_count, s.bytes,
                  std::string(to_string(s.outcome)), s.recording);
    stmt.run();
  }

  std::optional<Session> get_session(const std::string& uuid) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kSessionColumns) +
                               " FROM sessions s JOIN attackers a ON a.id = s.attacker_id "
                               "WHERE s.uuid = ?");
    stmt.bind(1, uuid);
    if (!stmt.step()) return std::nullopt;
    return read_session(stmt);
  }

  Page<Session> list_sessions_for_attacker(const std::string& attacker_uuid,
                                           const PageRequest& request) override {
    const auto page = request.clamped();
    auto lease = engine_.read();
    Page<Session> out{0, page.limit, page.offset, {}};
    {
      auto count = lease->prepare(std::string("SELECT COUNT(*) FROM sessions s WHERE ") +
                                  kSessionsOfAttacker);
      count.bind(1, attacker_uuid);
      if (count.step()) out.total = count.int64(0);
    }
    auto stmt = lease->prepare("SELECT " + std::string(kSessionColumns) +
                               " FROM sessions s JOIN attackers a ON a.id = s.attacker_id WHERE " +
                               kSessionsOfAttacker + " ORDER BY s.id DESC LIMIT ? OFFSET ?");
    stmt.bind_all(attacker_uuid, page.limit, page.offset);
    while (stmt.step()) out.data.push_back(read_session(stmt));
    return out;
  }

  std::vector<Session> list_sessions_with_commands(std::int64_t& after,
                                                   std::int64_t limit) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kSessionColumns) +
                               ", s.id FROM sessions s JOIN attackers a ON a.id = s.attacker_id "
                               "WHERE s.id > ? AND s.command_count > 0 ORDER BY s.id LIMIT ?");
    stmt.bind_all(after, std::clamp<std::int64_t>(limit, 1, 10'000));
    std::vector<Session> out;
    while (stmt.step()) {
      out.push_back(read_session(stmt));
      after = stmt.int64(17);
    }
    return out;
  }

  std::vector<Session> list_open_sessions(std::int64_t limit) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kSessionColumns) +
                               " FROM sessions s JOIN attackers a ON a.id = s.attacker_id "
                               "WHERE s.ended_at IS NULL ORDER BY s.started_at LIMIT ?");
    stmt.bind(1, std::max<std::int64_t>(limit, 0));
    std::vector<Session> out;
    while (stmt.step()) out.push_back(read_session(stmt));
    return out;
  }

 private:
  Engine& engine_;
};

}  // namespace

std::unique_ptr<SessionRepository> make_session_repository(Engine& engine) {
  return std::make_unique<SqliteSessionRepository>(engine);
}

}  // namespace decnet::store::sqlite
