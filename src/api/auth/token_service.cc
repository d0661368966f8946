// Cache invalidation uses a generation counter: a reader notes it before going to the
// database and stores what it read only if no invalidation happened meanwhile, so a read that
// raced with a logout or a role change can never put the old answer back into the cache.
#include "api/auth/token_service.h"

#include <algorithm>
#include <limits>

#include "api/auth/jwt.h"
#include "core/config.h"
#include "core/time.h"
#include "core/uuid.h"
#include "store/repository.h"
#include "store/user_repository.h"

namespace decnet::api {
namespace {

constexpr std::int64_t kMicros = 1'000'000;

std::int64_t seconds_to_micros(std::int64_t seconds) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max() / kMicros;
  return std::clamp(seconds, -kMax, kMax) * kMicros;
}

std::optional<Principal> refuse(AuthFailure* failure, std::string_view reason) {
  if (failure != nullptr) failure->reason = std::string(reason);
  return std::nullopt;
}

template <typename Map, typename Stale>
void make_room(Map& map, std::size_t max_entries, Stale stale) {
  if (map.size() < max_entries) return;
  std::erase_if(map, [&](const auto& kv) { return stale(kv.second); });
  if (map.size() >= max_entries) map.clear();
}

}  // namespace

TokenServiceOptions TokenServiceOptions::from_config(const core::Config& config) {
  TokenServiceOptions options;
  options.lifetime_seconds = config.jwt_exp_minutes() * 60;
  options.cache_seconds = config.auth_cache_seconds();
  return options;
}

TokenService::TokenService(store::Repository& repo, std::string secret, TokenServiceOptions options)
    : repo_(repo), secret_(std::move(secret)), options_(std::move(options)) {
  if (!options_.clock) options_.clock = [] { return core::now_micros(); };
  if (options_.max_cache_entries == 0) options_.max_cache_entries = 1;
}

std::int64_t TokenService::now_seconds() const {
  return options_.clock() / kMicros;
}

IssuedToken TokenService::issue(const store::User& user) {
  IssuedToken out;
  out.jti = core::Uuid::v4().hex();
  out.issued_at_us = options_.clock();
  out.issued_at = out.issued_at_us / kMicros;
  out.expires_at = out.issued_at + options_.lifetime_seconds;
  out.token =
      encode_jwt({user.uuid, out.jti, out.issued_at, out.expires_at, out.issued_at_us}, secret_);
  return out;
}

std::optional<Principal> TokenService::authenticate(std::string_view bearer_token,
                                                    AuthFailure* failure) {
  if (bearer_token.empty()) return refuse(failure, "missing token");
  const std::int64_t now = options_.clock();
  JwtError error{};
  const auto claims = verify_jwt(bearer_token, secret_, now / kMicros, &error);
  if (!claims) return refuse(failure, to_string(error));
  return check(claims->uuid, claims->jti, claims->iat_us, claims->exp, now, failure);
}

bool TokenService::still_valid(const Principal& principal) {
  const std::int64_t now = options_.clock();
  if (principal.expires_at <= now / kMicros) return false;
  return check(principal.user_uuid, principal.jti, principal.issued_at_us, principal.expires_at,
               now, nullptr)
      .has_value();
}

std::optional<Principal> TokenService::check(const std::string& uuid, const std::string& jti,
                                             std::int64_t issued_at_us, std::int64_t expires_at,
                                             std::int64_t now_micros, AuthFailure* failure) {
  const auto user = load_user(uuid, now_micros);
  if (!user) return refuse(failure, "unknown user");
  if (user->tokens_valid_from && issued_at_us < *user->tokens_valid_from) {
    return refuse(failure, "token invalidated by an account change");
  }
  if (is_revoked(jti, expires_at, now_micros)) return refuse(failure, "token revoked");
  const auto role = role_from_string(user->role);
  if (!role) return refuse(failure, "unknown role");

  Principal principal;
  principal.user_uuid = uuid;
  principal.username = user->username;
  principal.role = *role;
  principal.must_change_password = user->must_change_password;
  principal.jti = jti;
  principal.expires_at = expires_at;
  principal.issued_at_us = issued_at_us;
  return principal;
}

void TokenService::notify(const std::string& user_uuid) const {
  if (listener_) listener_(user_uuid);
}

std::optional<TokenService::CachedUser> TokenService::load_user(const std::string& uuid,
                                                                std::int64_t now_micros) {
  const std::int64_t ttl = options_.cache_seconds * kMicros;
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    if (const auto it = users_.find(uuid); it != users_.end()) {
      if (now_micros - it->second.fetched_at < ttl && now_micros >= it->second.fetched_at) {
        return it->second;
      }
      users_.erase(it);
    }
    generation = generation_;
  }
  const auto row = repo_.users().get_user_by_uuid(uuid);
  if (!row) return std::nullopt;
  CachedUser user{row->username, row->role, row->must_change_password, row->tokens_valid_from,
                  now_micros};
  if (ttl > 0) {
    std::lock_guard lock(mutex_);
    if (generation == generation_) {
      make_room(users_, options_.max_cache_entries,
                [&](const CachedUser& u) { return now_micros - u.fetched_at >= ttl; });
      users_[uuid] = user;
    }
  }
  return user;
}

bool TokenService::is_revoked(const std::string& jti, std::int64_t exp, std::int64_t now_micros) {
  const std::int64_t ttl = options_.cache_seconds * kMicros;
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    if (revoked_.contains(jti)) return true;
    if (const auto it = not_revoked_.find(jti); it != not_revoked_.end()) {
      if (now_micros - it->second < ttl && now_micros >= it->second) return false;
      not_revoked_.erase(it);
    }
    generation = generation_;
  }
  const bool revoked = repo_.users().is_token_revoked(jti);
  std::lock_guard lock(mutex_);
  const std::int64_t now_seconds = now_micros / kMicros;
  if (revoked) {
    make_room(revoked_, options_.max_cache_entries,
              [&](std::int64_t token_exp) { return token_exp <= now_seconds; });
    revoked_[jti] = exp;
  } else if (ttl > 0 && generation == generation_) {
    make_room(not_revoked_, options_.max_cache_entries,
              [&](std::int64_t checked_at) { return now_micros - checked_at >= ttl; });
    not_revoked_[jti] = now_micros;
  }
  return revoked;
}

bool TokenService::logout(const Principal& principal) {
  const bool inserted = repo_.write_now([&](store::WriteScope& w) {
    return repo_.users().revoke_token(w, principal.jti, principal.user_uuid,
                                      seconds_to_micros(principal.expires_at));
  });
  std::unique_lock lock(mutex_);
  ++generation_;
  not_revoked_.erase(principal.jti);
  const std::int64_t now_seconds = options_.clock() / kMicros;
  make_room(revoked_, options_.max_cache_entries,
            [&](std::int64_t token_exp) { return token_exp <= now_seconds; });
  revoked_[principal.jti] = principal.expires_at;
  lock.unlock();
  notify(principal.user_uuid);
  return inserted;
}

std::int64_t TokenService::purge_expired() {
  const std::int64_t now = options_.clock();
  const auto purged = repo_.write_now(
      [&](store::WriteScope& w) { return repo_.users().purge_expired_revoked_tokens(w, now); });
  const std::int64_t ttl = options_.cache_seconds * kMicros;
  std::lock_guard lock(mutex_);
  std::erase_if(revoked_, [&](const auto& kv) { return seconds_to_micros(kv.second) <= now; });
  std::erase_if(not_revoked_, [&](const auto& kv) { return now - kv.second >= ttl; });
  std::erase_if(users_, [&](const auto& kv) { return now - kv.second.fetched_at >= ttl; });
  return purged;
}

void TokenService::forget_user(const std::string& user_uuid) {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
    users_.erase(user_uuid);
  }
  notify(user_uuid);
}

}  // namespace decnet::api
