// webhook_subscriptions, webhook_deliveries and webhook_dead_letters on SQLite. Every breaker
// transition is one UPDATE whose WHERE clause is the precondition (a failure count is advanced
// with RETURNING instead of the reference's read, add one, write; a trip only applies to an
// active row), so the answer never depends on who else is delivering at the same moment.
#include <algorithm>

#include "core/time.h"
#include "core/utf8.h"
#include "core/uuid.h"
#include "store/sqlite/domains.h"
#include "store/sqlite/json_columns.h"
#include "store/sqlite/where_clause.h"
#include "store/webhook_repository.h"

namespace decnet::store::sqlite {
namespace {

constexpr std::string_view kSubscriptionColumns =
    "uuid, name, url, secret_ciphertext, topic_patterns, enabled, batch_max_events,"
    " batch_max_wait_ms, consecutive_failures, last_success_at, last_failure_at, last_error,"
    " auto_disabled_at, created_at, updated_at";

constexpr std::string_view kDeliveryColumns =
    "id, subscription_uuid, event_id, topic, attempt, status_code, latency_ms, error, delivered,"
    " created_at";

constexpr std::string_view kDeadLetterColumns =
    "id, subscription_uuid, event_id, topic, body, last_error, attempts, created_at,"
    " redelivered_at";

std::optional<std::string> error_column(const std::optional<std::string>& error) {
  if (!error || error->empty()) return std::nullopt;
  return std::string(core::truncate_utf8_chars(*error, kWebhookErrorMaxChars));
}

void check_secret(const std::string& ciphertext) {
  if (ciphertext.empty()) {
    throw StoreError(StoreError::Kind::kInvalid, "webhook secret ciphertext must not be empty");
  }
}

void check_batch(std::int64_t max_events, std::int64_t max_wait_ms) {
  if (max_events < 1 || max_wait_ms < 0) {
    throw StoreError(StoreError::Kind::kInvalid,
                     "webhook batch_max_events must be >= 1 and batch_max_wait_ms >= 0");
  }
}

WebhookSubscription read_subscription(const Statement& s) {
  WebhookSubscription w;
  w.uuid = s.text(0);
  w.name = s.text(1);
  w.url = s.text(2);
  w.secret_ciphertext = s.blob(3);
  w.topic_patterns = from_json_list(s.text_view(4));
  w.enabled = s.int64(5) != 0;
  w.batch_max_events = s.int64(6);
  w.batch_max_wait_ms = s.int64(7);
  w.consecutive_failures = s.int64(8);
  w.last_success_at = s.optional_int64(9);
  w.last_failure_at = s.optional_int64(10);
  w.last_error = s.optional_text(11);
  w.auto_disabled_at = s.optional_int64(12);
  w.created_at = s.int64(13);
  w.updated_at = s.int64(14);
  return w;
}

WebhookDelivery read_delivery(const Statement& s) {
  WebhookDelivery d;
  d.id = s.int64(0);
  d.subscription_uuid = s.text(1);
  d.event_id = s.text(2);
  d.topic = s.text(3);
  d.attempt = s.int64(4);
  d.status_code = s.optional_int64(5);
  d.latency_ms = s.optional_real(6);
  d.error = s.optional_text(7);
  d.delivered = s.int64(8) != 0;
  d.created_at = s.int64(9);
  return d;
}

WebhookDeadLetter read_dead_letter(const Statement& s) {
  WebhookDeadLetter d;
  d.id = s.int64(0);
  d.subscription_uuid = s.text(1);
  d.event_id = s.text(2);
  d.topic = s.text(3);
  d.body = s.text(4);
  d.last_error = s.optional_text(5);
  d.attempts = s.int64(6);
  d.created_at = s.int64(7);
  d.redelivered_at = s.optional_int64(8);
  return d;
}

class SqliteWebhookRepository final : public WebhookRepository {
 public:
  explicit SqliteWebhookRepository(Engine& engine) : engine_(engine) {}

  WebhookSubscription create_webhook_subscription(WriteScope& scope,
                                                  const NewWebhookSubscription& sub) override {
    check_secret(sub.secret_ciphertext);
    check_batch(sub.batch_max_events, sub.batch_max_wait_ms);
    WebhookSubscription row;
    static_cast<NewWebhookSubscription&>(row) = sub;
    row.uuid = core::Uuid::v4().str();
    row.created_at = row.updated_at = core::now_micros();
    auto stmt = connection_of(scope).prepare(
        "INSERT INTO webhook_subscriptions(uuid, name, url, secret_ciphertext, topic_patterns,"
        " enabled, batch_max_events, batch_max_wait_ms, consecutive_failures, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)");
    stmt.bind(1, row.uuid).bind(2, row.name).bind(3, row.url).bind_blob(4, row.secret_ciphertext);
    stmt.bind(5, to_json_list(row.topic_patterns))
        .bind(6, row.enabled)
        .bind(7, row.batch_max_events)
        .bind(8, row.batch_max_wait_ms)
        .bind(9, row.created_at)
        .bind(10, row.updated_at);
    stmt.run();
    return row;
  }

  std::optional<WebhookSubscription> get_webhook_subscription(const std::string& uuid) override {
    auto lease = engine_.read();
    return find_subscription(*lease, "uuid", uuid);
  }

  std::optional<WebhookSubscription> get_webhook_subscription_by_name(
      const std::string& name) override {
    auto lease = engine_.read();
    return find_subscription(*lease, "name", name);
  }

  std::vector<WebhookSubscription> list_webhook_subscriptions(bool enabled_only) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare(
        "SELECT " + std::string(kSubscriptionColumns) + " FROM webhook_subscriptions" +
        (enabled_only ? " WHERE enabled = 1" : "") + " ORDER BY created_at, rowid");
    std::vector<WebhookSubscription> out;
    while (stmt.step()) out.push_back(read_subscription(stmt));
    return out;
  }

  std::optional<WebhookSubscription> update_webhook_subscription(WriteScope& scope,
                                                                 const std::string& uuid,
                                                                 const WebhookPatch& p) override {
    auto& conn = connection_of(scope);
    if (p.empty()) return find_subscription(conn, "uuid", uuid);
    if (p.secret_ciphertext) check_secret(*p.secret_ciphertext);
    check_batch(p.batch_max_events.value_or(1), p.batch_max_wait_ms.value_or(0));
    // Right-hand sides see the row as it was, so "was disabled" is judged before the change.
    auto stmt = conn.prepare(
        "UPDATE webhook_subscriptions SET name = COALESCE(?1, name), url = COALESCE(?2, url),"
        " secret_ciphertext = COALESCE(?3, secret_ciphertext),"
        " topic_patterns = COALESCE(?4, topic_patterns), enabled = COALESCE(?5, enabled),"
        " consecutive_failures = CASE WHEN ?5 = 1 AND enabled = 0 THEN 0"
        "  ELSE consecutive_failures END,"
        " auto_disabled_at = CASE WHEN ?5 = 1 AND enabled = 0 THEN NULL"
        "  ELSE auto_disabled_at END,"
        " last_error = CASE WHEN ?5 = 1 AND enabled = 0 THEN NULL ELSE last_error END,"
        " batch_max_events = COALESCE(?6, batch_max_events),"
        " batch_max_wait_ms = COALESCE(?7, batch_max_wait_ms), updated_at = ?8"
        " WHERE uuid = ?9 RETURNING " +
        std::string(kSubscriptionColumns));
    std::optional<std::string> patterns;
    if (p.topic_patterns) patterns = to_json_list(*p.topic_patterns);
    stmt.bind_all(p.name, p.url, nullptr, patterns, p.enabled, p.batch_max_events,
                  p.batch_max_wait_ms, core::now_micros(), uuid);
    if (p.secret_ciphertext) stmt.bind_blob(3, *p.secret_ciphertext);
    if (!stmt.step()) return std::nullopt;
    return read_subscription(stmt);
  }

  bool delete_webhook_subscription(WriteScope& scope, const std::string& uuid) override {
    return connection_of(scope)
               .prepare("DELETE FROM webhook_subscriptions WHERE uuid = ?")
               .bind_all(uuid)
               .run() > 0;
  }

  bool record_webhook_success(WriteScope& scope, const std::string& uuid,
                              std::int64_t at) override {
    return connection_of(scope)
               .prepare(
                   "UPDATE webhook_subscriptions SET consecutive_failures = 0,"
                   " last_success_at = ?, last_error = NULL, updated_at = ? WHERE uuid = ?")
               .bind_all(at, at, uuid)
               .run() > 0;
  }

  std::int64_t record_webhook_failure(WriteScope& scope, const std::string& uuid, std::int64_t at,
                                      const std::string& error) override {
    auto stmt = connection_of(scope).prepare(
        "UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1,"
        " last_failure_at = ?, last_error = ?, updated_at = ? WHERE uuid = ?"
        " RETURNING consecutive_failures");
    stmt.bind_all(at, error_column(error), at, uuid);
    return stmt.step() ? stmt.int64(0) : 0;
  }

  bool trip_webhook_circuit(WriteScope& scope, const std::string& uuid, std::int64_t at) override {
    return connection_of(scope)
               .prepare(
                   "UPDATE webhook_subscriptions SET enabled = 0, auto_disabled_at = ?,"
                   " updated_at = ? WHERE uuid = ? AND enabled = 1")
               .bind_all(at, at, uuid)
               .run() > 0;
  }

  bool reset_webhook_circuit(WriteScope& scope, const std::string& uuid, std::int64_t at) override {
    return connection_of(scope)
               .prepare(
                   "UPDATE webhook_subscriptions SET enabled = 1, consecutive_failures = 0,"
                   " auto_disabled_at = NULL, last_error = NULL, updated_at = ? WHERE uuid = ?")
               .bind_all(at, uuid)
               .run() > 0;
  }

  std::int64_t record_webhook_delivery(WriteScope& scope,
                                       const WebhookDeliveryAttempt& a) override {
    auto stmt = connection_of(scope).prepare(
        "INSERT INTO webhook_deliveries(subscription_uuid, event_id, topic, attempt, status_code,"
        " latency_ms, error, delivered, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING id");
    stmt.bind_all(a.subscription_uuid, a.event_id, a.topic, a.attempt, a.status_code, a.latency_ms,
                  error_column(a.error), a.delivered,
                  a.created_at ? a.created_at : core::now_micros());
    if (!stmt.step()) throw StoreError(StoreError::Kind::kIo, "delivery insert returned no row");
    return stmt.int64(0);
  }

  Page<WebhookDelivery> list_webhook_deliveries(const std::string& subscription_uuid,
                                                const PageRequest& request) override {
    const auto page = request.clamped();
    auto lease = engine_.read();
    Page<WebhookDelivery> out{0, page.limit, page.offset, {}};
    {
      auto count =
          lease->prepare("SELECT COUNT(*) FROM webhook_deliveries WHERE subscription_uuid = ?");
      count.bind(1, subscription_uuid);
      if (count.step()) out.total = count.int64(0);
    }
    auto stmt = lease->prepare("SELECT " + std::string(kDeliveryColumns) +
                               " FROM webhook_deliveries WHERE subscription_uuid = ?"
                               " ORDER BY id DESC LIMIT ? OFFSET ?");
    stmt.bind_all(subscription_uuid, page.limit, page.offset);
    while (stmt.step()) out.data.push_back(read_delivery(stmt));
    return out;
  }

  std::int64_t prune_webhook_deliveries(WriteScope& scope, std::int64_t keep) override {
    return connection_of(scope)
        .prepare(
            "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM (SELECT id,"
            " ROW_NUMBER() OVER (PARTITION BY subscription_uuid ORDER BY id DESC) AS rn"
            " FROM webhook_deliveries) WHERE rn > ?)")
        .bind_all(std::max<std::int64_t>(keep, 0))
        .run();
  }

  std::int64_t add_webhook_dead_letter(WriteScope& scope,
                                       const WebhookDeadLetterRecord& r) override {
    auto stmt = connection_of(scope).prepare(
        "INSERT INTO webhook_dead_letters(subscription_uuid, event_id, topic, body, last_error,"
        " attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
    stmt.bind_all(r.subscription_uuid, r.event_id, r.topic, r.body, error_column(r.last_error),
                  r.attempts, r.created_at ? r.created_at : core::now_micros());
    if (!stmt.step()) throw StoreError(StoreError::Kind::kIo, "dead letter insert returned no row");
    return stmt.int64(0);
  }

  Page<WebhookDeadLetter> list_webhook_dead_letters(const std::string& subscription_uuid,
                                                    const PageRequest& request,
                                                    bool pending_only) override {
    const auto page = request.clamped();
    WhereClause where;
    where.add("subscription_uuid = ?", {subscription_uuid});
    if (pending_only) where.add("redelivered_at IS NULL");
    auto lease = engine_.read();
    Page<WebhookDeadLetter> out{0, page.limit, page.offset, {}};
    {
      auto count = lease->prepare("SELECT COUNT(*) FROM webhook_dead_letters" + where.sql());
      where.bind(count);
      if (count.step()) out.total = count.int64(0);
    }
    auto stmt =
        lease->prepare("SELECT " + std::string(kDeadLetterColumns) + " FROM webhook_dead_letters" +
                       where.sql() + " ORDER BY id LIMIT ? OFFSET ?");
    const int next = where.bind(stmt);
    stmt.bind(next, page.limit).bind(next + 1, page.offset);
    while (stmt.step()) out.data.push_back(read_dead_letter(stmt));
    return out;
  }

  std::optional<WebhookDeadLetter> get_webhook_dead_letter(std::int64_t id) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kDeadLetterColumns) +
                               " FROM webhook_dead_letters WHERE id = ?");
    stmt.bind(1, id);
    if (!stmt.step()) return std::nullopt;
    return read_dead_letter(stmt);
  }

  bool mark_webhook_dead_letter_redelivered(WriteScope& scope, std::int64_t id,
                                            std::int64_t at) override {
    return connection_of(scope)
               .prepare(
                   "UPDATE webhook_dead_letters SET redelivered_at = COALESCE(redelivered_at, ?)"
                   " WHERE id = ?")
               .bind_all(at, id)
               .run() > 0;
  }

  bool delete_webhook_dead_letter(WriteScope& scope, std::int64_t id) override {
    return connection_of(scope)
               .prepare("DELETE FROM webhook_dead_letters WHERE id = ?")
               .bind_all(id)
               .run() > 0;
  }

 private:
  static std::optional<WebhookSubscription> find_subscription(Connection& conn,
                                                              std::string_view column,
                                                              const std::string& value) {
    auto stmt = conn.prepare("SELECT " + std::string(kSubscriptionColumns) +
                             " FROM webhook_subscriptions WHERE " + std::string(column) + " = ?");
    stmt.bind(1, value);
    if (!stmt.step()) return std::nullopt;
    return read_subscription(stmt);
  }

  Engine& engine_;
};

}  // namespace

std::unique_ptr<WebhookRepository> make_webhook_repository(Engine& engine) {
  return std::make_unique<SqliteWebhookRepository>(engine);
}

}  // namespace decnet::store::sqlite
