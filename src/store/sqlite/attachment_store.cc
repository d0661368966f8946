// observed_attachments on SQLite. A sighting reads the row and writes it back on the writer
// connection: the extension list and the sticky verdict are easier to state (and to test) as
// code than as SQL, and the single writer makes read-then-write safe.
#include <algorithm>

#include "core/uuid.h"
#include "store/attachment_repository.h"
#include "store/sqlite/domains.h"
#include "store/sqlite/json_columns.h"
#include "store/sqlite/where_clause.h"

namespace decnet::store::sqlite {
namespace {

std::string ascii_lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::string normalized_sha256(const std::string& sha256) {
  const bool hex =
      sha256.size() == 64 && std::all_of(sha256.begin(), sha256.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      });
  if (!hex) throw StoreError(StoreError::Kind::kInvalid, "sha256 must be 64 hex characters");
  return ascii_lower(sha256);
}

std::optional<bool> optional_bool(const Statement& s, int column) {
  if (s.is_null(column)) return std::nullopt;
  return s.int64(column) != 0;
}

constexpr std::string_view kAttachmentColumns =
    "uuid, sha256, first_seen, last_seen, observation_count, first_seen_decky_uuid, "
    "first_seen_attacker_uuid, last_seen_attacker_uuid, extensions, first_subject, "
    "mal_hash_match, mal_hash_match_provider, mal_hash_match_at";

ObservedAttachment read_attachment(const Statement& s) {
  ObservedAttachment a;
  a.uuid = s.text(0);
  a.sha256 = s.text(1);
  a.first_seen = s.int64(2);
  a.last_seen = s.int64(3);
  a.observation_count = s.int64(4);
  a.first_seen_decky_uuid = s.optional_text(5);
  a.first_seen_attacker_uuid = s.optional_text(6);
  a.last_seen_attacker_uuid = s.optional_text(7);
  a.extensions = from_json_list(s.text_view(8));
  a.first_subject = s.optional_text(9);
  a.mal_hash_match = optional_bool(s, 10);
  a.mal_hash_match_provider = s.optional_text(11);
  a.mal_hash_match_at = s.optional_int64(12);
  return a;
}

// null -> false -> true, never back.
void apply_verdict(ObservedAttachment& row, const AttachmentObservation& seen) {
  if (!seen.mal_hash_match) return;
  const bool upgrade = *seen.mal_hash_match && row.mal_hash_match != true;
  const bool first = !row.mal_hash_match;
  if (!upgrade && !first) return;
  row.mal_hash_match = seen.mal_hash_match;
  row.mal_hash_match_provider = seen.mal_hash_match_provider;
  row.mal_hash_match_at = seen.seen_at;
}

class SqliteAttachmentRepository final : public AttachmentRepository {
 public:
  explicit SqliteAttachmentRepository(Engine& engine) : engine_(engine) {}

  ObservedAttachment upsert_observed_attachment(WriteScope& scope,
                                                const AttachmentObservation& seen) override {
    const std::string sha256 = normalized_sha256(seen.sha256);
    auto& conn = connection_of(scope);
    std::optional<ObservedAttachment> stored;
    {
      auto find = conn.prepare("SELECT " + std::string(kAttachmentColumns) +
                               " FROM observed_attachments WHERE sha256 = ?");
      find.bind(1, sha256);
      if (find.step()) stored = read_attachment(find);
    }
    ObservedAttachment row;
    if (stored) {
      row = std::move(*stored);
      row.first_seen = std::min(row.first_seen, seen.seen_at);
      row.last_seen = std::max(row.last_seen, seen.seen_at);
      row.observation_count += 1;
      if (seen.attacker_uuid) row.last_seen_attacker_uuid = seen.attacker_uuid;
      if (!row.first_subject) row.first_subject = seen.subject;
    } else {
      row.uuid = core::Uuid::v4().str();
      row.sha256 = sha256;
      row.first_seen = row.last_seen = seen.seen_at;
      row.observation_count = 1;
      row.first_seen_decky_uuid = seen.decky_uuid;
      row.first_seen_attacker_uuid = row.last_seen_attacker_uuid = seen.attacker_uuid;
      row.first_subject = seen.subject;
    }
    if (seen.extension && !seen.extension->empty()) {
      auto ext = ascii_lower(*seen.extension);
      if (std::find(row.extensions.begin(), row.extensions.end(), ext) == row.extensions.end()) {
        row.extensions.push_back(std::move(ext));
      }
    }
    apply_verdict(row, seen);
    if (stored) {
      conn.prepare(
              "UPDATE observed_attachments SET first_seen = ?, last_seen = ?, "
              "observation_count = ?, last_seen_attacker_uuid = ?, extensions = ?, "
              "first_subject = ?, mal_hash_match = ?, mal_hash_match_provider = ?, "
              "mal_hash_match_at = ? WHERE uuid = ?")
          .bind_all(row.first_seen, row.last_seen, row.observation_count,
                    row.last_seen_attacker_uuid, to_json_list(row.extensions), row.first_subject,
                    row.mal_hash_match, row.mal_hash_match_provider, row.mal_hash_match_at,
                    row.uuid)
          .run();
    } else {
      conn.prepare("INSERT INTO observed_attachments(" + std::string(kAttachmentColumns) +
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .bind_all(row.uuid, row.sha256, row.first_seen, row.last_seen, row.observation_count,
                    row.first_seen_decky_uuid, row.first_seen_attacker_uuid,
                    row.last_seen_attacker_uuid, to_json_list(row.extensions), row.first_subject,
                    row.mal_hash_match, row.mal_hash_match_provider, row.mal_hash_match_at)
          .run();
    }
    return row;
  }

  std::optional<ObservedAttachment> get_observed_attachment(const std::string& sha256) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kAttachmentColumns) +
                               " FROM observed_attachments WHERE sha256 = ?");
    stmt.bind(1, ascii_lower(sha256));
    if (!stmt.step()) return std::nullopt;
    return read_attachment(stmt);
  }

  Page<ObservedAttachment> list_observed_attachments(const AttachmentQuery& q) override {
    const auto page = q.page.clamped();
    WhereClause where;
    if (q.mal_hash_match) {
      where.add("mal_hash_match = ?", {static_cast<std::int64_t>(*q.mal_hash_match)});
    }
    if (q.attacker_uuid) {
      where.add("(first_seen_attacker_uuid = ? OR last_seen_attacker_uuid = ?)",
                {*q.attacker_uuid, *q.attacker_uuid});
    }
    auto lease = engine_.read();
    Page<ObservedAttachment> out{0, page.limit, page.offset, {}};
    {
      auto count = lease->prepare("SELECT COUNT(*) FROM observed_attachments" + where.sql());
      where.bind(count);
      if (count.step()) out.total = count.int64(0);
    }
    auto stmt =
        lease->prepare("SELECT " + std::string(kAttachmentColumns) + " FROM observed_attachments" +
                       where.sql() + " ORDER BY last_seen DESC, uuid LIMIT ? OFFSET ?");
    const int next = where.bind(stmt);
    stmt.bind(next, page.limit).bind(next + 1, page.offset);
    while (stmt.step()) out.data.push_back(read_attachment(stmt));
    return out;
  }

 private:
  Engine& engine_;
};

}  // namespace

std::unique_ptr<AttachmentRepository> make_attachment_repository(Engine& engine) {
  return std::make_unique<SqliteAttachmentRepository>(engine);
}

}  // namespace decnet::store::sqlite
