// fleet_deckies, decky_services and tarpit_rules on SQLite. Upserts are an insert that does
// nothing on conflict followed by an update, never INSERT OR REPLACE: replacing would delete the
// decky row and cascade away its service rows. JSON documents are written by the JSON library
// (invalid UTF-8 replaced, never an unparseable column) and read leniently.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/json_text.h"
#include "core/time.h"
#include "core/uuid.h"
#include "store/decky_repository.h"
#include "store/sqlite/domains.h"
#include "store/sqlite/json_columns.h"

namespace decnet::store::sqlite {
namespace {

constexpr std::string_view kDeckyColumns =
    "host_uuid, name, services, decky_config, decky_ip, state, last_error, compose_hash,"
    " last_seen, updated_at";

constexpr std::string_view kServiceColumns =
    "host_uuid, decky_name, service_name, config, updated_at";

constexpr std::string_view kTarpitColumns =
    "id, decky_name, ports, delay_ms, created_at, created_by";

std::string host_or_local(const std::string& host_uuid) {
  return host_uuid.empty() ? std::string(kLocalHost) : host_uuid;
}

std::string object_column(const nlohmann::json& doc, std::string_view what) {
  if (!doc.is_object()) {
    throw StoreError(StoreError::Kind::kInvalid, std::string(what) + " must be a JSON object");
  }
  return core::json_text(doc);
}

nlohmann::json read_object(std::string_view text) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  return parsed.is_object() ? parsed : nlohmann::json::object();
}

FleetDecky read_decky(const Statement& s) {
  FleetDecky d;
  d.host_uuid = s.text(0);
  d.name = s.text(1);
  d.services = from_json_list(s.text_view(2));
  d.decky_config = read_object(s.text_view(3));
  d.decky_ip = s.optional_text(4);
  d.state = s.text(5);
  d.last_error = s.optional_text(6);
  d.compose_hash = s.optional_text(7);
  d.last_seen = s.optional_int64(8);
  d.updated_at = s.int64(9);
  return d;
}

DeckyService read_service(const Statement& s) {
  DeckyService d;
  d.host_uuid = s.text(0);
  d.decky_name = s.text(1);
  d.service_name = s.text(2);
  d.config = read_object(s.text_view(3));
  d.updated_at = s.int64(4);
  return d;
}

bool valid_port(std::int64_t port) {
  return port >= 1 && port <= 65535;
}

// Distinct ports in first-seen order; refuses an empty list or one out of range.
std::string ports_column(const std::vector<int>& ports) {
  std::vector<int> distinct;
  for (int port : ports) {
    if (!valid_port(port)) {
      throw StoreError(StoreError::Kind::kInvalid,
                       "tarpit port " + std::to_string(port) + " is outside 1..65535");
    }
    if (std::find(distinct.begin(), distinct.end(), port) == distinct.end()) {
      distinct.push_back(port);
    }
  }
  if (distinct.empty()) throw StoreError(StoreError::Kind::kInvalid, "tarpit needs a port");
  return core::json_text(distinct);
}

std::vector<int> read_ports(std::string_view text) {
  std::vector<int> out;
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return out;
  for (const auto& item : parsed) {
    if (item.is_number_integer() && valid_port(item.get<std::int64_t>())) {
      out.push_back(item.get<int>());
    }
  }
  return out;
}

TarpitRule read_rule(const Statement& s) {
  TarpitRule r;
  r.id = s.text(0);
  r.decky_name = s.text(1);
  r.ports = read_ports(s.text_view(2));
  r.delay_ms = s.int64(3);
  r.created_at = s.int64(4);
  r.created_by = s.optional_text(5);
  return r;
}

class SqliteDeckyRepository final : public DeckyRepository {
 public:
  explicit SqliteDeckyRepository(Engine& engine) : engine_(engine) {}

  bool upsert_fleet_decky(WriteScope& scope, const FleetDecky& d) override {
    auto& conn = connection_of(scope);
    const auto host = host_or_local(d.host_uuid);
    const auto services = to_json_list(d.services);
    const auto config = object_column(d.decky_config, "decky_config");
    const auto now = core::now_micros();
    if (conn.prepare("INSERT INTO fleet_deckies(host_uuid, name, services, decky_config, decky_ip,"
                     " state, last_error, compose_hash, last_seen, updated_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .bind_all(host, d.name, services, config, d.decky_ip, d.state, d.last_error,
                      d.compose_hash, d.last_seen, now)
            .run() > 0) {
      return true;
    }
    conn.prepare(
            "UPDATE fleet_deckies SET services = ?, decky_config = ?, decky_ip = ?, state = ?,"
            " last_error = ?, compose_hash = ?, last_seen = ?, updated_at = ?"
            " WHERE host_uuid = ? AND name = ?")
        .bind_all(services, config, d.decky_ip, d.state, d.last_error, d.compose_hash, d.last_seen,
                  now, host, d.name)
        .run();
    return false;
  }

  bool delete_fleet_decky(WriteScope& scope, const std::string& host_uuid,
                          const std::string& name) override {
    return connection_of(scope)
               .prepare("DELETE FROM fleet_deckies WHERE host_uuid = ? AND name = ?")
               .bind_all(host_or_local(host_uuid), name)
               .run() > 0;
  }

  std::optional<FleetDecky> get_fleet_decky(const std::string& host_uuid,
                                            const std::string& name) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kDeckyColumns) +
                               " FROM fleet_deckies WHERE host_uuid = ? AND name = ?");
    stmt.bind_all(host_or_local(host_uuid), name);
    if (!stmt.step()) return std::nullopt;
    return read_decky(stmt);
  }

  std::vector<FleetDecky> list_fleet_deckies(const std::optional<std::string>& host_uuid) override {
    auto lease = engine_.read();
    auto stmt =
        lease->prepare("SELECT " + std::string(kDeckyColumns) + " FROM fleet_deckies" +
                       (host_uuid ? " WHERE host_uuid = ?" : "") + " ORDER BY name, host_uuid");
    if (host_uuid) stmt.bind(1, host_or_local(*host_uuid));
    std::vector<FleetDecky> out;
    while (stmt.step()) out.push_back(read_decky(stmt));
    return out;
  }

  std::vector<FleetDecky> list_running_fleet_deckies() override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kDeckyColumns) +
                               " FROM fleet_deckies WHERE state = 'running' ORDER BY name,"
                               " host_uuid");
    std::vector<FleetDecky> out;
    while (stmt.step()) out.push_back(read_decky(stmt));
    return out;
  }

  bool update_fleet_decky_state(WriteScope& scope, const std::string& host_uuid,
                                const std::string& name, const std::string& state,
                                const std::optional<std::string>& last_error) override {
    const auto now = core::now_micros();
    return connection_of(scope)
               .prepare(
                   "UPDATE fleet_deckies SET state = ?, last_error = COALESCE(?, last_error),"
                   " last_seen = ?, updated_at = ? WHERE host_uuid = ? AND name = ?")
               .bind_all(state, last_error, now, now, host_or_local(host_uuid), name)
               .run() > 0;
  }

  void upsert_decky_service(WriteScope& scope, const DeckyService& s) override {
    const auto config = object_column(s.config, "service config");
    connection_of(scope)
        .prepare(
            "INSERT INTO decky_services(host_uuid, decky_name, service_name, config, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(host_uuid, decky_name, service_name)"
            " DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at")
        .bind_all(host_or_local(s.host_uuid), s.decky_name, s.service_name, config,
                  core::now_micros())
        .run();
  }

  bool delete_decky_service(WriteScope& scope, const std::string& host_uuid,
                            const std::string& decky_name,
                            const std::string& service_name) override {
    return connection_of(scope)
               .prepare(
                   "DELETE FROM decky_services WHERE host_uuid = ? AND decky_name = ?"
                   " AND service_name = ?")
               .bind_all(host_or_local(host_uuid), decky_name, service_name)
               .run() > 0;
  }

  std::optional<DeckyService> get_decky_service(const std::string& host_uuid,
                                                const std::string& decky_name,
                                                const std::string& service_name) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kServiceColumns) +
                               " FROM decky_services WHERE host_uuid = ? AND decky_name = ?"
                               " AND service_name = ?");
    stmt.bind_all(host_or_local(host_uuid), decky_name, service_name);
    if (!stmt.step()) return std::nullopt;
    return read_service(stmt);
  }

  std::vector<DeckyService> list_decky_services(const std::string& host_uuid,
                                                const std::string& decky_name) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kServiceColumns) +
                               " FROM decky_services WHERE host_uuid = ? AND decky_name = ?"
                               " ORDER BY service_name");
    stmt.bind_all(host_or_local(host_uuid), decky_name);
    std::vector<DeckyService> out;
    while (stmt.step()) out.push_back(read_service(stmt));
    return out;
  }

 private:
  Engine& engine_;
};

class SqliteTarpitRepository final : public TarpitRepository {
 public:
  explicit SqliteTarpitRepository(Engine& engine) : engine_(engine) {}

  TarpitRule set_tarpit_rule(WriteScope& scope, const TarpitRuleInput& rule) override {
    auto stmt = connection_of(scope).prepare(
        "INSERT INTO tarpit_rules(id, decky_name, ports, delay_ms, created_at, created_by)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(decky_name) DO UPDATE SET"
        " ports = excluded.ports, delay_ms = excluded.delay_ms,"
        " created_at = excluded.created_at, created_by = excluded.created_by RETURNING " +
        std::string(kTarpitColumns));
    stmt.bind_all(core::Uuid::v4().str(), rule.decky_name, ports_column(rule.ports), rule.delay_ms,
                  core::now_micros(), rule.created_by);
    if (!stmt.step()) throw StoreError(StoreError::Kind::kIo, "tarpit upsert returned no row");
    return read_rule(stmt);
  }

  std::optional<TarpitRule> get_tarpit_rule(const std::string& decky_name) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kTarpitColumns) +
                               " FROM tarpit_rules WHERE decky_name = ?");
    stmt.bind(1, decky_name);
    if (!stmt.step()) return std::nullopt;
    return read_rule(stmt);
  }

  bool delete_tarpit_rule(WriteScope& scope, const std::string& decky_name) override {
    return connection_of(scope)
               .prepare("DELETE FROM tarpit_rules WHERE decky_name = ?")
               .bind_all(decky_name)
               .run() > 0;
  }

  std::vector<TarpitRule> list_tarpit_rules() override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kTarpitColumns) +
                               " FROM tarpit_rules ORDER BY decky_name");
    std::vector<TarpitRule> out;
    while (stmt.step()) out.push_back(read_rule(stmt));
    return out;
  }

 private:
  Engine& engine_;
};

}  // namespace

std::unique_ptr<DeckyRepository> make_decky_repository(Engine& engine) {
  return std::make_unique<SqliteDeckyRepository>(engine);
}

std::unique_ptr<TarpitRepository> make_tarpit_repository(Engine& engine) {
  return std::make_unique<SqliteTarpitRepository>(engine);
}

}  // namespace decnet::store::sqlite
