// Account operations behind the auth routes: login, changing one's own password, and the admin
// operations on other accounts. Every failure is a status the HTTP layer maps to a code:
//
//   kOk 200 · kInvalidCredentials 401 · kWrongPassword 401 · kUnknownUser 401 ·
//   kRateLimited 429 (Retry-After: retry_after_seconds) · kPolicyViolation 400 ·
//   kInvalidArgument 400 · kNotFound 404 · kConflict 409 · kLastAdmin 409
//
// Login answers an unknown user and a wrong password identically and in about the same time (an
// unknown user is checked against a dummy argon2id hash), so it cannot be used to discover
// account names. Attempts are limited per client address (every attempt counts, successes too;
// a refused attempt does not). Failures are also counted per username, but an account that
// reached its limit is closed only to addresses that failed three times recently themselves
// (a mistyped password or two does not count): a distributed guesser gets three tries per
// address per window, while nobody can lock the real admin out by failing on purpose from
// elsewhere (OWASP's advice against account lock-out as a weapon). IPv6
// clients are keyed by their /64, which is what one subscriber usually holds. Every change to
// an account tells the TokenService, so its effect on tokens is immediate in this process.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "api/auth/rate_limiter.h"
#include "api/auth/token_service.h"
#include "api/http/principal.h"
#include "store/user_repository.h"

namespace decnet::core {
class Config;
}
namespace decnet::store {
class Repository;
}

namespace decnet::api {

enum class AccountStatus {
  kOk,
  kInvalidCredentials,  // login: unknown user or wrong password (one message for both)
  kWrongPassword,       // change_password: the current password is wrong
  kUnknownUser,         // change_password: the caller's account no longer exists
  kRateLimited,
  kPolicyViolation,  // the new password breaks the policy (message says how)
  kInvalidArgument,  // bad username or role
  kNotFound,         // admin operation on a uuid that does not exist
  kConflict,         // username taken
  kLastAdmin,        // the operation would leave no administrator
};

std::string_view to_string(AccountStatus status);

struct AccountResult {
  AccountStatus status = AccountStatus::kOk;
  std::string message;                   // user-facing text when status != kOk
  std::int64_t retry_after_seconds = 0;  // kRateLimited
  std::optional<IssuedToken> token;      // login, change_password
  std::optional<store::User> user;       // the account concerned, when it exists
  std::optional<std::string> password;   // reset_password: the generated password
  bool must_change_password = false;     // login

  bool ok() const { return status == AccountStatus::kOk; }
};

struct LoginServiceOptions {
  bool limiter_enabled = true;
  std::size_t login_limit = 10;
  std::chrono::seconds login_window{300};
  std::size_t change_password_limit = 5;
  std::chrono::seconds change_password_window{60};
  std::size_t max_limiter_keys = 65536;
  MonotonicClock clock;  // empty: steady_clock

  // DECNET_LIMITER_ENABLED.
  static LoginServiceOptions from_config(const core::Config& config);
};

class LoginService {
 public:
  // Hashes a dummy password once (about as long as one login).
  LoginService(store::Repository& repo, TokenService& tokens, LoginServiceOptions options = {});

  AccountResult login(std::string_view username, std::string_view password,
                      std::string_view client_ip);

  // Verifies `current_password`, stores `new_password`, clears must_change_password and
  // invalidates every earlier token of the user (including the one presented); the result
  // carries a fresh token.
  AccountResult change_password(const Principal& principal, std::string_view current_password,
                                std::string_view new_password);

  // Admin operations. New accounts must change their password at first login by default.
  AccountResult create_user(std::string_view username, std::string_view password, Role role,
                            bool must_change_password = true);
  // Invalidates the user's tokens; refuses to demote the last admin.
  AccountResult set_role(const std::string& user_uuid, Role role);
  // Sets `new_password` (or a generated one, returned in `password`), requires a change at next
  // login and invalidates the user's tokens.
  AccountResult reset_password(const std::string& user_uuid,
                               std::optional<std::string_view> new_password = std::nullopt);
  // Refuses to delete the last admin.
  AccountResult delete_user(const std::string& user_uuid);

  // The rate-limit key of a client address: the address itself, IPv6 reduced to its /64.
  static std::string client_key(std::string_view client_ip);

 private:
  bool is_last_admin(const store::User& user);

  store::Repository& repo_;
  TokenService& tokens_;
  LoginServiceOptions options_;
  std::string dummy_hash_;
  SlidingWindowLimiter login_by_ip_;
  SlidingWindowLimiter failed_logins_by_user_;
  SlidingWindowLimiter failed_logins_by_ip_;  // refuses once an address failed three times
  SlidingWindowLimiter change_password_;
  std::mutex limiter_mutex_;  // makes check-both-then-count-both atomic
  std::mutex admin_mutex_;    // serialises role changes and deletions (last-admin check)
};

}  // namespace decnet::api
