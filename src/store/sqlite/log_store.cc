// logs and dead_letters on SQLite. Log search follows the reference's grammar (key:value terms
// and bare substrings, all ANDed) but every term is a bound parameter and LIKE wildcards in
// user text match literally.
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "store/log_repository.h"
#include "store/sqlite/domains.h"
#include "store/sqlite/log_blocks.h"
#include "store/sqlite/log_counts.h"
#include "store/sqlite/where_clause.h"

namespace decnet::store::sqlite {
namespace {

constexpr std::string_view kLogColumns =
    "id, timestamp, received_at, timestamp_estimated, decky, service, event_type, attacker_ip, "
    "(SELECT a.uuid FROM attackers a WHERE a.id = logs.attacker_id), raw_line, fields, msg, "
    "sd_other, timestamp_offset_missing, attacker_id";

LogRow read_log(const Statement& s) {
  LogRow row;
  row.id = s.int64(0);
  row.timestamp = s.int64(1);
  row.received_at = s.int64(2);
  row.timestamp_estimated = s.int64(3) != 0;
  row.decky = s.text(4);
  row.service = s.text(5);
  row.event_type = s.text(6);
  row.attacker_ip = s.optional_text(7);
  row.attacker_uuid = s.optional_text(8);
  row.raw_line = s.text(9);
  row.fields = s.text(10);
  row.msg = s.optional_text(11);
  row.sd_other = s.optional_text(12);
  row.timestamp_offset_missing = s.int64(13) != 0;
  row.attacker_id = s.optional_int64(14);
  return row;
}

bool is_absent(std::string_view v) {
  return v.empty() || v == "null" || v == "NULL" || v == "undefined" || v == "\"\"";
}

struct LogFilters {
  WhereClause where;
  bool by_attacker = false;  // read through the attacker index, in its (block, id) order
};

LogFilters log_filters(const LogQuery& q, bool with_cursor) {
  LogFilters out;
  auto& where = out.where;
  out.by_attacker = q.attacker_ip.has_value() || q.attacker_uuid.has_value();
  where.add_if(q.decky, "decky = ?")
      .add_if(q.service, "service = ?")
      .add_if(q.event_type, "event_type = ?")
      .add_if(q.attacker_ip, kLogsOfAttackerIp)
      .add_if(q.attacker_uuid, kLogsOfAttackerUuid)
      .add_if(q.start, "timestamp >= ?")
      .add_if(q.end, "timestamp <= ?");
  if (with_cursor) where.add_if(q.after_id, "id > ?");
  const auto terms = split_search_terms(q.search);
  if (terms.size() > kMaxSearchTerms) {
    throw StoreError(StoreError::Kind::kInvalid,
                     "search: at most " + std::to_string(kMaxSearchTerms) + " terms");
  }
  for (const auto& term : terms) {
    const auto colon = term.find(':');
    if (colon != std::string::npos && colon > 0 && colon + 1 < term.size()) {
      const auto key = term.substr(0, colon);
      const auto value = term.substr(colon + 1);
      if (is_absent(value)) continue;
      if (key == "decky") {
        where.add("decky = ?", {value});
      } else if (key == "service") {
        where.add("service = ?", {value});
      } else if (key == "event" || key == "event_type") {
        where.add("event_type = ?", {value});
      } else if (key == "attacker" || key == "attacker-ip" || key == "attacker_ip") {
        where.add(kLogsOfAttackerIp, {value});
        out.by_attacker = true;
      } else {
        std::string field;
        for (char c : key) {
          if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') field += c;
        }
        if (field.empty()) continue;
        where.add("json_extract(fields, ?) = ?", {"$." + field, value});
      }
      continue;
    }
    if (is_absent(term)) continue;
    const auto pattern = "%" + like_literal(term) + "%";
    where.add(
        "(raw_line LIKE ? ESCAPE '\\' OR decky LIKE ? ESCAPE '\\' OR service LIKE ? ESCAPE '\\' "
        "OR attacker_ip LIKE ? ESCAPE '\\')",
        {pattern, pattern, pattern, pattern});
  }
  return out;
}

class SqliteLogRepository final : public LogRepository {
 public:
  explicit SqliteLogRepository(Engine& engine) : engine_(engine) {}

  std::int64_t insert(WriteScope& scope, std::span<const LogRecord> rows) override {
    auto& conn = connection_of(scope);
    auto stmt = conn.prepare(
        "INSERT INTO logs(timestamp, received_at, timestamp_estimated, decky, service, "
        "event_type, attacker_ip, attacker_id, raw_line, fields, msg, sd_other, "
        "timestamp_offset_missing) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    std::int64_t first = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      // The rows outlive each step, so their text is bound in place rather than copied.
      stmt.bind(1, r.timestamp).bind(2, r.received_at).bind(3, r.timestamp_estimated);
      stmt.bind_view(4, r.decky).bind_view(5, r.service).bind_view(6, r.event_type);
      stmt.bind_view(7, r.attacker_ip).bind(8, r.attacker_id).bind_view(9, r.raw_line);
      stmt.bind_view(10, r.fields).bind_view(11, r.msg).bind_view(12, r.sd_other);
      stmt.bind(13, r.timestamp_offset_missing);
      stmt.step();
      stmt.rewind();
      if (i == 0) first = conn.last_insert_rowid();
    }
    add_counts(conn, rows);
    return first;
  }

  Page<LogRow> list(const LogQuery& query) override {
    const auto page = query.page.clamped();
    const auto [where, by_attacker] = log_filters(query, true);
    auto lease = engine_.read();
    Page<LogRow> out{0, page.limit, page.offset, {}};
    {
      auto count = lease->prepare("SELECT COUNT(*) FROM logs" + where.sql());
      where.bind(count);
      if (count.step()) out.total = count.int64(0);
    }
    // (id >> 16, id) orders like id; spelled this way it is the attacker index's own order,
    // while any other query reads the table in rowid order.
    const std::string dir = query.newest_first ? " DESC" : " ASC";
    const std::string order =
        by_attacker ? " ORDER BY id >> 16" + dir + ", id" + dir : " ORDER BY id" + dir;
    auto stmt = lease->prepare("SELECT " + std::string(kLogColumns) + " FROM logs" + where.sql() +
                               order + " LIMIT ? OFFSET ?");
    const int next = where.bind(stmt);
    stmt.bind(next, page.limit).bind(next + 1, page.offset);
    while (stmt.step()) out.data.push_back(read_log(stmt));
    return out;
  }

  std::optional<LogRow> get(std::int64_t id) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kLogColumns) + " FROM logs WHERE id = ?");
    stmt.bind(1, id);
    if (!stmt.step()) return std::nullopt;
    return read_log(stmt);
  }

  std::vector<HistogramBucket> histogram(const LogQuery& query,
                                         std::int64_t bucket_seconds) override {
    const std::int64_t width = std::max<std::int64_t>(bucket_seconds, 1) * 1'000'000;
    const auto where = log_filters(query, false).where;
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT (timestamp / ?) * ? AS bucket, COUNT(*) FROM logs" +
                               where.sql() + " GROUP BY bucket ORDER BY bucket");
    stmt.bind(1, width).bind(2, width);
    where.bind(stmt, 3);
    std::vector<HistogramBucket> out;
    while (stmt.step()) out.push_back({stmt.int64(0), stmt.int64(1)});
    return out;
  }

  std::int64_t count() override {
    auto lease = engine_.read();
    return query_int64(*lease, "SELECT COUNT(*) FROM logs").value_or(0);
  }

  std::int64_t last_id() override {
    auto lease = engine_.read();
    return query_int64(*lease, "SELECT IFNULL(MAX(id), 0) FROM logs").value_or(0);
  }

 private:
  // The overview's counters (migration 6), in the transaction that stores the rows: one
  // statement per distinct (hour, decky, service) of the batch, however many rows it has.
  static void add_counts(Connection& conn, std::span<const LogRecord> rows) {
    if (rows.empty()) return;
    using Key = std::tuple<std::int64_t, std::string_view, std::string_view>;
    std::map<Key, std::int64_t> counts;
    for (const auto& r : rows) ++counts[Key{log_count_bucket(r.timestamp), r.decky, r.service}];
    auto upsert = conn.prepare(
        "INSERT INTO log_counts(hour, decky, service, n) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(hour, decky, service) DO UPDATE SET n = n + excluded.n");
    for (const auto& [key, n] : counts) {
      const auto& [hour, decky, service] = key;
      upsert.bind(1, hour).bind_view(2, decky).bind_view(3, service).bind(4, n);
      upsert.step();
      upsert.rewind();
    }
    conn.prepare("UPDATE row_counts SET n = n + ? WHERE name = 'logs'")
        .bind_all(static_cast<std::int64_t>(rows.size()))
        .run();
  }

  Engine& engine_;
};

class SqliteDeadLetterRepository final : public DeadLetterRepository {
 public:
  explicit SqliteDeadLetterRepository(Engine& engine) : engine_(engine) {}

  std::int64_t insert(WriteScope& scope, const DeadLetterRecord& r) override {
    auto& conn = connection_of(scope);
    auto stmt = conn.prepare(
        "INSERT INTO dead_letters(received_at, source, peer, reason, raw, raw_truncated) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    stmt.bind_all(r.received_at, r.source, r.peer, r.reason);
    stmt.bind_blob(5, r.raw).bind(6, r.raw_truncated);
    stmt.run();
    return conn.last_insert_rowid();
  }

  Page<DeadLetter> list(const PageRequest& request) override {
    const auto page = request.clamped();
    auto lease = engine_.read();
    Page<DeadLetter> out{0, page.limit, page.offset, {}};
    out.total = query_int64(*lease, "SELECT COUNT(*) FROM dead_letters").value_or(0);
    auto stmt = lease->prepare(
        "SELECT id, received_at, source, peer, reason, raw, raw_truncated FROM dead_letters "
        "ORDER BY id DESC LIMIT ? OFFSET ?");
    stmt.bind_all(page.limit, page.offset);
    while (stmt.step()) {
      DeadLetter d;
      d.id = stmt.int64(0);
      d.received_at = stmt.int64(1);
      d.source = stmt.text(2);
      d.peer = stmt.optional_text(3);
      d.reason = stmt.text(4);
      d.raw = stmt.blob(5);
      d.raw_truncated = stmt.int64(6) != 0;
      out.data.push_back(std::move(d));
    }
    return out;
  }

  std::int64_t count() override {
    auto lease = engine_.read();
    return query_int64(*lease, "SELECT COUNT(*) FROM dead_letters").value_or(0);
  }

 private:
  Engine& engine_;
};

}  // namespace

std::unique_ptr<LogRepository> make_log_repository(Engine& engine) {
  return std::make_unique<SqliteLogRepository>(engine);
}

std::unique_ptr<DeadLetterRepository> make_dead_letter_repository(Engine& engine) {
  return std::make_unique<SqliteDeadLetterRepository>(engine);
}

}  // namespace decnet::store::sqlite
