// users and revoked_tokens on SQLite. Every credential change moves tokens_valid_from in the
// same statement that changes the credential, so there is no moment at which the new password
// or role is stored while tokens issued under the old one still pass.
#include "core/time.h"
#include "core/uuid.h"
#include "store/sqlite/domains.h"
#include "store/user_repository.h"

namespace decnet::store::sqlite {
namespace {

constexpr std::string_view kUserColumns =
    "uuid, username, password_hash, role, must_change_password, tokens_valid_from, created_at,"
    " updated_at";

User read_user(const Statement& s) {
  User u;
  u.uuid = s.text(0);
  u.username = s.text(1);
  u.password_hash = s.text(2);
  u.role = s.text(3);
  u.must_change_password = s.int64(4) != 0;
  u.tokens_valid_from = s.optional_int64(5);
  u.created_at = s.int64(6);
  u.updated_at = s.int64(7);
  return u;
}

class SqliteUserRepository final : public UserRepository {
 public:
  explicit SqliteUserRepository(Engine& engine) : engine_(engine) {}

  User create_user(WriteScope& scope, const NewUser& user) override {
    User row;
    static_cast<NewUser&>(row) = user;
    if (row.uuid.empty()) row.uuid = core::Uuid::v4().str();
    row.created_at = row.updated_at = core::now_micros();
    connection_of(scope)
        .prepare(
            "INSERT INTO users(uuid, username, password_hash, role, must_change_password,"
            " tokens_valid_from, created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)")
        .bind_all(row.uuid, row.username, row.password_hash, row.role, row.must_change_password,
                  row.created_at, row.updated_at)
        .run();
    return row;
  }

  std::optional<User> get_user_by_uuid(const std::string& uuid) override {
    return find(" WHERE uuid = ?", uuid);
  }

  std::optional<User> get_user_by_username(const std::string& username) override {
    return find(" WHERE username = ?", username);
  }

  std::vector<User> list_users() override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kUserColumns) +
                               " FROM users ORDER BY created_at, rowid");
    std::vector<User> out;
    while (stmt.step()) out.push_back(read_user(stmt));
    return out;
  }

  bool delete_user(WriteScope& scope, const std::string& uuid) override {
    return connection_of(scope).prepare("DELETE FROM users WHERE uuid = ?").bind_all(uuid).run() >
           0;
  }

  bool update_user_role(WriteScope& scope, const std::string& uuid,
                        const std::string& role) override {
    const auto now = core::now_micros();
    return connection_of(scope)
               .prepare(
                   "UPDATE users SET role = ?, tokens_valid_from = ?, updated_at = ?"
                   " WHERE uuid = ?")
               .bind_all(role, now, now, uuid)
               .run() > 0;
  }

  bool update_user_password(WriteScope& scope, const std::string& uuid,
                            const std::string& password_hash, bool must_change_password) override {
    const auto now = core::now_micros();
    return connection_of(scope)
               .prepare(
                   "UPDATE users SET password_hash = ?, must_change_password = ?,"
                   " tokens_valid_from = ?, updated_at = ? WHERE uuid = ?")
               .bind_all(password_hash, must_change_password, now, now, uuid)
               .run() > 0;
  }

  bool set_tokens_valid_from(WriteScope& scope, const std::string& uuid, std::int64_t at) override {
    return connection_of(scope)
               .prepare("UPDATE users SET tokens_valid_from = ?, updated_at = ? WHERE uuid = ?")
               .bind_all(at, core::now_micros(), uuid)
               .run() > 0;
  }

  bool revoke_token(WriteScope& scope, const std::string& jti, const std::string& user_uuid,
                    std::int64_t expires_at) override {
    return connection_of(scope)
               .prepare(
                   "INSERT INTO revoked_tokens(jti, user_uuid, expires_at, revoked_at)"
                   " VALUES (?, ?, ?, ?) ON CONFLICT(jti) DO NOTHING")
               .bind_all(jti, user_uuid, expires_at, core::now_micros())
               .run() > 0;
  }

  bool is_token_revoked(const std::string& jti) override {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT 1 FROM revoked_tokens WHERE jti = ?");
    stmt.bind(1, jti);
    return stmt.step();
  }

  std::int64_t purge_expired_revoked_tokens(WriteScope& scope, std::int64_t now) override {
    return connection_of(scope)
        .prepare("DELETE FROM revoked_tokens WHERE expires_at <= ?")
        .bind_all(now)
        .run();
  }

 private:
  std::optional<User> find(const char* where, const std::string& value) {
    auto lease = engine_.read();
    auto stmt = lease->prepare("SELECT " + std::string(kUserColumns) + " FROM users" + where);
    stmt.bind(1, value);
    if (!stmt.step()) return std::nullopt;
    return read_user(stmt);
  }

  Engine& engine_;
};

}  // namespace

std::unique_ptr<UserRepository> make_user_repository(Engine& engine) {
  return std::make_unique<SqliteUserRepository>(engine);
}

}  // namespace decnet::store::sqlite
