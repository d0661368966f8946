// Issues and checks dashboard access tokens; the HTTP layer's Authenticator. A token only says
// who the caller is: role and must_change_password are read from the user's current row on
// every request, so a demotion takes effect at once even before the token dies. A token is
// refused when its signature or claims are bad, its user is gone, it was issued before the
// user's tokens_valid_from (a password or role change logs the user out everywhere; compared in
// microseconds, through the iat_us claim), or its jti was revoked by logout.
//
// Whatever outlives a request on the strength of a token (an SSE ticket, an open event stream)
// is checked again with still_valid(), and the account listener hears of every logout and
// account change at once so such things can be closed.
//
// Caching: user rows and "not revoked" answers are kept for DECNET_AUTH_CACHE_SECONDS so a busy
// dashboard does not cost two database reads per request. Every change made through this
// process (logout, forget_user(), which LoginService calls after each account change) takes
// effect immediately here; only changes made by another API process can go unseen for up to
// that long. A revocation, once seen, is kept until the token expires. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/http/principal.h"

namespace decnet::core {
class Config;
}
namespace decnet::store {
class Repository;
struct User;
}  // namespace decnet::store

namespace decnet::api {

// Epoch microseconds; injectable for tests.
using WallClock = std::function<std::int64_t()>;

struct IssuedToken {
  std::string token;
  std::string jti;
  std::int64_t issued_at = 0;     // epoch seconds
  std::int64_t expires_at = 0;    // epoch seconds
  std::int64_t issued_at_us = 0;  // epoch microseconds
};

struct TokenServiceOptions {
  std::int64_t lifetime_seconds = std::int64_t{240} * 60;
  std::int64_t cache_seconds = 5;  // 0: every authenticate() reads the database
  std::size_t max_cache_entries = 10000;
  WallClock clock;  // empty: core::now_micros

  // DECNET_JWT_EXP_MINUTES and DECNET_AUTH_CACHE_SECONDS.
  static TokenServiceOptions from_config(const core::Config& config);
};

class TokenService : public Authenticator {
 public:
  // `secret` is the HMAC key (see load_jwt_secret).
  TokenService(store::Repository& repo, std::string secret, TokenServiceOptions options = {});

  IssuedToken issue(const store::User& user);

  std::optional<Principal> authenticate(std::string_view bearer_token,
                                        AuthFailure* failure) override;

  // Whether the token `principal` was authenticated from would still be accepted now: not
  // expired or revoked, its user still there and unchanged since it was issued.
  bool still_valid(const Principal& principal);

  // Called with the user's uuid after every logout and account change made through this
  // process, outside any lock of the service. Set before the API serves requests.
  using AccountListener = std::function<void(const std::string& user_uuid)>;
  void set_account_listener(AccountListener listener) { listener_ = std::move(listener); }

  // Revokes the principal's token until it expires; effective at once in this process. False if
  // it was already revoked.
  bool logout(const Principal& principal);

  // Drops expired denylist rows (database and cache); returns how many rows went. Call it
  // periodically (e.g. hourly).
  std::int64_t purge_expired();

  // Forget cached state of one user; call after any change to that user's row or deletion.
  void forget_user(const std::string& user_uuid);

  std::int64_t now_seconds() const;
  const TokenServiceOptions& options() const { return options_; }

 private:
  struct CachedUser {
    std::string username;
    std::string role;
    bool must_change_password = false;
    std::optional<std::int64_t> tokens_valid_from;  // epoch micros
    std::int64_t fetched_at = 0;                    // epoch micros
  };

  std::optional<CachedUser> load_user(const std::string& uuid, std::int64_t now_micros);
  // The checks that follow the signature: user, account changes, revocation.
  std::optional<Principal> check(const std::string& uuid, const std::string& jti,
                                 std::int64_t issued_at_us, std::int64_t expires_at,
                                 std::int64_t now_micros, AuthFailure* failure);
  void notify(const std::string& user_uuid) const;
  bool is_revoked(const std::string& jti, std::int64_t exp, std::int64_t now_micros);

  store::Repository& repo_;
  std::string secret_;
  TokenServiceOptions options_;
  AccountListener listener_;

  std::mutex mutex_;
  std::uint64_t generation_ = 0;  // bumped by every invalidation; stale reads are not cached
  std::unordered_map<std::string, CachedUser> users_;
  std::unordered_map<std::string, std::int64_t> not_revoked_;  // jti -> checked_at (micros)
  std::unordered_map<std::string, std::int64_t> revoked_;      // jti -> token exp (seconds)
};

}  // namespace decnet::api
