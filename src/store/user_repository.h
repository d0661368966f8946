// Dashboard accounts and the token denylist. The password hash (argon2id) is produced and
// checked above this layer and stored as an opaque string. A user's tokens_valid_from is the
// bulk cut-off: tokens issued before it are refused, so a password or role change logs that
// user out everywhere; revoked_tokens holds single tokens revoked by logout until they expire.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/write_scope.h"

namespace decnet::store {

inline constexpr std::string_view kRoleViewer = "viewer";
inline constexpr std::string_view kRoleAdmin = "admin";

struct NewUser {
  std::string uuid;  // empty: a new uuid4
  std::string username;
  std::string password_hash;
  std::string role = std::string(kRoleViewer);  // viewer | admin, else kConstraint
  bool must_change_password = false;
};

struct User : NewUser {
  std::optional<std::int64_t> tokens_valid_from;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;

  // A taken username or uuid, or an unknown role, is kConstraint.
  virtual User create_user(WriteScope& scope, const NewUser& user) = 0;
  virtual std::optional<User> get_user_by_uuid(const std::string& uuid) = 0;
  virtual std::optional<User> get_user_by_username(const std::string& username) = 0;
  // Oldest first (created_at, then creation order).
  virtual std::vector<User> list_users() = 0;
  virtual bool delete_user(WriteScope& scope, const std::string& uuid) = 0;
  // Also moves tokens_valid_from to now: tokens carrying the old role stop working.
  virtual bool update_user_role(WriteScope& scope, const std::string& uuid,
                                const std::string& role) = 0;
  // Stores the new hash, sets must_change_password as given (false after the user's own change,
  // true after an admin reset) and moves tokens_valid_from to now.
  virtual bool update_user_password(WriteScope& scope, const std::string& uuid,
                                    const std::string& password_hash,
                                    bool must_change_password) = 0;
  // "Log out everywhere": tokens issued before `at` are refused.
  virtual bool set_tokens_valid_from(WriteScope& scope, const std::string& uuid,
                                     std::int64_t at) = 0;

  // Adds `jti` to the denylist until `expires_at` (the token's own exp). True if it was not
  // already there; revoking twice keeps the first entry.
  virtual bool revoke_token(WriteScope& scope, const std::string& jti, const std::string& user_uuid,
                            std::int64_t expires_at) = 0;
  virtual bool is_token_revoked(const std::string& jti) = 0;
  // Drops entries whose token expired at or before `now` (an expired token is refused anyway).
  virtual std::int64_t purge_expired_revoked_tokens(WriteScope& scope, std::int64_t now) = 0;
};

}  // namespace decnet::store
