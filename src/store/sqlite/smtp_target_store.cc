// smtp_targets on SQLite. The increment is one upsert on UNIQUE(attacker_uuid, domain) adding
// the caller's recipient count, so the total counts recipients rather than profiler ticks (the
// reference re-added 1 for every domain an attacker ever targeted on each tick it was active).
#include "store/page.h"
#include "store/smtp_target_repository.h"
#include "store/sqlite/domains.h"

namespace decnet::store::sqlite {
namespace {

class SqliteSmtpTargetRepository final : public SmtpTargetRepository {
 public:
  explicit SqliteSmtpTargetRepository(Engine& engine) : engine_(engine) {}

  std::int64_t increment_smtp_target(WriteScope& scope, const std::string& attacker_uuid,
                                     const std::string& domain, std::int64_t count,
                                     std::int64_t seen_at) override {
    if (count < 1) throw StoreError(StoreError::Kind::kInvalid, "smtp target count must be >= 1");
    if (domain.empty()) throw StoreError(StoreError::Kind::kInvalid, "smtp target domain is empty");
    auto stmt = connection_of(scope).prepare(
        "INSERT INTO smtp_targets(attacker_uuid, domain, first_seen, last_seen, count) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(attacker_uuid, domain) DO UPDATE SET "
        "count = count + excluded.count, first_seen = MIN(first_seen, excluded.first_seen), "
        "last_seen = MAX(last_seen, excluded.last_seen) RETURNING count");
    stmt.bind_all(attacker_uuid, domain, seen_at, seen_at, count);
    if (!stmt.step()) throw StoreError(StoreError::Kind::kIo, "smtp target upsert returned no row");
    return stmt.int64(0);
  }

  std::vector<SmtpTarget> list_smtp_targets(const std::string& attacker_uuid) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare(
        "SELECT attacker_uuid, domain, first_seen, last_seen, count FROM smtp_targets "
        "WHERE attacker_uuid = ? ORDER BY last_seen DESC, domain LIMIT ?");
    stmt.bind_all(attacker_uuid, kMaxLimit);
    std::vector<SmtpTarget> out;
    while (stmt.step()) {
      out.push_back({stmt.text(0), stmt.text(1), stmt.int64(2), stmt.int64(3), stmt.int64(4)});
    }
    return out;
  }

  SmtpTargetSeen smtp_target_seen(const std::string& domain) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare(
        "SELECT COALESCE(SUM(count), 0), MIN(first_seen), MAX(last_seen) FROM smtp_targets "
        "WHERE domain = ?");
    stmt.bind(1, domain);
    SmtpTargetSeen out;
    if (!stmt.step()) return out;
    out.count = stmt.int64(0);
    out.seen = out.count > 0;
    out.first_seen = stmt.optional_int64(1);
    out.last_seen = stmt.optional_int64(2);
    return out;
  }

 private:
  Engine& engine_;
};

}  // namespace

std::unique_ptr<SmtpTargetRepository> make_smtp_target_repository(Engine& engine) {
  return std::make_unique<SqliteSmtpTargetRepository>(engine);
}

}  // namespace decnet::store::sqlite
