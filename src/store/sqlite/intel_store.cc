// attacker_intel on SQLite. The per-provider merge runs in C++ on the writer (read the row, merge
// the providers object, write it back) because a failed provider must keep its previous answer
// while a successful one replaces it whole, which SQLite's json_patch cannot express. The
// aggregate verdict is derived from the merged providers, so a pass in which every provider
// failed no longer wipes a known verdict (the reference overwrote it with null).
#include <array>
#include <nlohmann/json.hpp>

#include "core/json_text.h"
#include "core/uuid.h"
#include "store/intel_repository.h"
#include "store/page.h"
#include "store/sqlite/domains.h"

namespace decnet::store::sqlite {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::string_view, 4> kVerdictPrecedence = {"malicious", "suspicious", "benign",
                                                                "unknown"};

std::optional<std::string> optional_string(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// Lenient, like the other JSON columns: entries that are not objects are skipped.
std::map<std::string, ProviderIntel> read_providers(std::string_view text) {
  std::map<std::string, ProviderIntel> out;
  const auto parsed = Json::parse(text, nullptr, false);
  if (!parsed.is_object()) return out;
  for (const auto& [name, entry] : parsed.items()) {
    if (!entry.is_object()) continue;
    ProviderIntel p;
    p.verdict = optional_string(entry, "verdict");
    if (const auto raw = entry.find("raw"); raw != entry.end()) p.raw = core::json_text(*raw);
    if (const auto at = entry.find("queried_at"); at != entry.end() && at->is_number_integer()) {
      p.queried_at = at->get<std::int64_t>();
    }
    p.error = optional_string(entry, "error");
    out.emplace(name, std::move(p));
  }
  return out;
}

std::string write_providers(const std::map<std::string, ProviderIntel>& providers) {
  Json out = Json::object();
  for (const auto& [name, p] : providers) {
    auto raw = Json::parse(p.raw, nullptr, false);
    if (raw.is_discarded()) {
      throw StoreError(StoreError::Kind::kInvalid, "intel raw for " + name + " is not JSON");
    }
    out[name] = {{"verdict", p.verdict ? Json(*p.verdict) : Json(nullptr)},
                 {"raw", std::move(raw)},
                 {"queried_at", p.queried_at},
                 {"error", p.error ? Json(*p.error) : Json(nullptr)}};
  }
  return core::json_text(out);
}

void check_verdict(const std::string& provider, const std::optional<std::string>& verdict) {
  if (!verdict) return;
  for (auto known : kVerdictPrecedence) {
    if (*verdict == known) return;
  }
  throw StoreError(StoreError::Kind::kInvalid, "unknown intel verdict from " + provider);
}

std::string aggregate_of(const std::map<std::string, ProviderIntel>& providers) {
  for (auto tier : kVerdictPrecedence) {
    for (const auto& [name, p] : providers) {
      if (p.verdict == tier) return std::string(tier);
    }
  }
  return "unknown";
}

constexpr std::string_view kIntelColumns =
    "uuid, attacker_uuid, attacker_ip, schema_version, providers, aggregate_verdict, cached_at, "
    "expires_at, retry_at";

AttackerIntel read_intel(const Statement& s) {
  AttackerIntel r;
  r.uuid = s.text(0);
  r.attacker_uuid = s.text(1);
  r.attacker_ip = s.text(2);
  r.schema_version = s.int64(3);
  r.providers = read_providers(s.text_view(4));
  r.aggregate_verdict = s.text(5);
  r.cached_at = s.int64(6);
  r.expires_at = s.int64(7);
  r.retry_at = s.optional_int64(8);
  return r;
}

class SqliteIntelRepository final : public IntelRepository {
 public:
  explicit SqliteIntelRepository(Engine& engine) : engine_(engine) {}

  AttackerIntel upsert_attacker_intel(WriteScope& scope, const AttackerIntelUpdate& u) override {
    for (const auto& [name, p] : u.providers) check_verdict(name, p.verdict);
    auto& conn = connection_of(scope);
    std::optional<AttackerIntel> stored;
    {
      auto find = conn.prepare("SELECT " + std::string(kIntelColumns) +
                               " FROM attacker_intel WHERE attacker_uuid = ?");
      find.bind(1, u.attacker_uuid);
      if (find.step()) stored = read_intel(find);
    }
    AttackerIntel row = stored.value_or(AttackerIntel{});
    for (const auto& [name, incoming] : u.providers) {
      auto it = row.providers.find(name);
      if (incoming.error && it != row.providers.end()) {
        it->second.error = incoming.error;
      } else {
        row.providers[name] = incoming;
      }
    }
    row.attacker_uuid = u.attacker_uuid;
    row.attacker_ip = u.attacker_ip;
    row.aggregate_verdict = aggregate_of(row.providers);
    row.cached_at = u.cached_at;
    row.expires_at = u.expires_at;
    row.retry_at = u.retry_at;
    const std::string providers = write_providers(row.providers);
    if (!stored) {
      row.uuid = core::Uuid::v4().hex();
      conn.prepare(
              "INSERT INTO attacker_intel(uuid, attacker_uuid, attacker_ip, providers, "
              "aggregate_verdict, cached_at, expires_at, retry_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
          .bind_all(row.uuid, row.attacker_uuid, row.attacker_ip, providers, row.aggregate_verdict,
                    row.cached_at, row.expires_at, row.retry_at)
          .run();
    } else {
      conn.prepare(
              "UPDATE attacker_intel SET attacker_ip = ?, providers = ?, aggregate_verdict = ?, "
              "cached_at = ?, expires_at = ?, retry_at = ? WHERE uuid = ?")
          .bind_all(row.attacker_ip, providers, row.aggregate_verdict, row.cached_at,
                    row.expires_at, row.retry_at, row.uuid)
          .run();
    }
    return row;
  }

  std::optional<AttackerIntel> get_attacker_intel_by_uuid(
      const std::string& attacker_uuid) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kIntelColumns) +
                               " FROM attacker_intel WHERE attacker_uuid = ?");
    stmt.bind(1, attacker_uuid);
    if (!stmt.step()) return std::nullopt;
    return read_intel(stmt);
  }

  std::vector<UnenrichedAttacker> get_unenriched_attackers(std::int64_t limit,
                                                           std::int64_t now) override {
    const auto page = PageRequest{limit, 0}.clamped();
    auto lease = engine_.read();
    auto stmt = lease->prepare(
        "SELECT a.uuid, a.ip FROM attackers a "
        "LEFT JOIN attacker_intel i ON i.attacker_uuid = a.uuid "
        "WHERE i.uuid IS NULL OR i.expires_at < ? OR i.retry_at < ? "
        "ORDER BY a.last_seen DESC, a.uuid LIMIT ?");
    stmt.bind_all(now, now, page.limit);
    std::vector<UnenrichedAttacker> out;
    while (stmt.step()) out.push_back({stmt.text(0), stmt.text(1)});
    return out;
  }

 private:
  Engine& engine_;
};

}  // namespace

std::unique_ptr<IntelRepository> make_intel_repository(Engine& engine) {
  return std::make_unique<SqliteIntelRepository>(engine);
}

}  // namespace decnet::store::sqlite
