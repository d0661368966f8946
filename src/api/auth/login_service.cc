// Slow work (argon2id) never runs under a lock except admin_mutex_, which only admin
// operations take. A hash made with older parameters is replaced after a successful login;
// the store moves tokens_valid_from when a hash changes, so that one login also ends the
// user's other sessions, which only happens after the hashing parameters are raised.
#include "api/auth/login_service.h"

#include <algorithm>

#include "api/auth/passwords.h"
#include "core/config.h"
#include "core/hash.h"
#include "core/ip.h"
#include "store/repository.h"
#include "store/store_error.h"

namespace decnet::api {
namespace {

constexpr std::string_view kBadLogin = "Incorrect username or password";
constexpr std::size_t kMaxKeyBytes = 128;
constexpr std::size_t kMaxLoginPasswordBytes = 4096;
// Failures of its own an address may have and still log in to an account under attack.
constexpr std::size_t kOwnFailuresTolerated = 2;

AccountResult status(AccountStatus s, std::string message) {
  AccountResult r;
  r.status = s;
  r.message = std::move(message);
  return r;
}

AccountResult rate_limited(std::int64_t retry_after) {
  auto r = status(AccountStatus::kRateLimited,
                  "Too many attempts; retry in " + std::to_string(retry_after) + " s");
  r.retry_after_seconds = retry_after;
  return r;
}

SlidingWindowLimiter::Options limiter(const LoginServiceOptions& o, std::size_t limit,
                                      std::chrono::seconds window) {
  return {limit, window, o.max_limiter_keys, o.limiter_enabled, o.clock};
}

}  // namespace

std::string_view to_string(AccountStatus s) {
  switch (s) {
    case AccountStatus::kOk:
      return "ok";
    case AccountStatus::kInvalidCredentials:
      return "invalid credentials";
    case AccountStatus::kWrongPassword:
      return "wrong password";
    case AccountStatus::kUnknownUser:
      return "unknown user";
    case AccountStatus::kRateLimited:
      return "rate limited";
    case AccountStatus::kPolicyViolation:
      return "policy violation";
    case AccountStatus::kInvalidArgument:
      return "invalid argument";
    case AccountStatus::kNotFound:
      return "not found";
    case AccountStatus::kConflict:
      return "conflict";
    case AccountStatus::kLastAdmin:
      return "last admin";
  }
  return "error";
}

LoginServiceOptions LoginServiceOptions::from_config(const core::Config& config) {
  LoginServiceOptions options;
  options.limiter_enabled = config.limiter_enabled();
  return options;
}

LoginService::LoginService(store::Repository& repo, TokenService& tokens,
                           LoginServiceOptions options)
    : repo_(repo),
      tokens_(tokens),
      options_(std::move(options)),
      dummy_hash_(hash_password(generate_password())),
      login_by_ip_(limiter(options_, options_.login_limit, options_.login_window)),
      failed_logins_by_user_(limiter(options_, options_.login_limit, options_.login_window)),
      failed_logins_by_ip_(limiter(options_, kOwnFailuresTolerated + 1, options_.login_window)),
      change_password_(
          limiter(options_, options_.change_password_limit, options_.change_password_window)) {}

std::string LoginService::client_key(std::string_view client_ip) {
  if (auto ip = core::IpAddress::parse(client_ip)) {
    const auto plain = ip->unmapped();
    if (plain.is_v4()) return plain.str();
    auto bytes = plain.bytes();
    std::fill(bytes.begin() + 8, bytes.end(), std::uint8_t{0});
    return core::IpAddress::from_v6_bytes(bytes).str() + "/64";
  }
  return std::string(client_ip.substr(0, kMaxKeyBytes));
}

AccountResult LoginService::login(std::string_view username, std::string_view password,
                                  std::string_view client_ip) {
  const std::string ip_key = client_key(client_ip);
  const std::string user_key(username.substr(0, kMaxKeyBytes));
  {
    std::lock_guard lock(limiter_mutex_);
    const auto by_ip = login_by_ip_.peek(ip_key);
    if (!by_ip.allowed) return rate_limited(by_ip.retry_after_seconds);
    const auto account = failed_logins_by_user_.peek(user_key);
    const auto address = failed_logins_by_ip_.peek(ip_key);
    if (!account.allowed && !address.allowed) {
      return rate_limited(std::min(account.retry_after_seconds, address.retry_after_seconds));
    }
    login_by_ip_.record(ip_key);
  }

  std::optional<store::User> user;
  if (username.size() <= kMaxKeyBytes && password.size() <= kMaxLoginPasswordBytes) {
    user = repo_.users().get_user_by_username(std::string(username));
  }
  const std::string_view checked = password.substr(0, kMaxLoginPasswordBytes);
  const bool matches = user ? verify_password(user->password_hash, checked)
                            : (verify_password(dummy_hash_, checked), false);
  if (!matches || password.size() > kMaxLoginPasswordBytes) {
    std::lock_guard lock(limiter_mutex_);
    failed_logins_by_user_.record(user_key);
    failed_logins_by_ip_.record(ip_key);
    return status(AccountStatus::kInvalidCredentials, std::string(kBadLogin));
  }

  if (password_needs_rehash(user->password_hash)) {
    const auto fresh = hash_password(password);
    repo_.write_now([&](store::WriteScope& w) {
      return repo_.users().update_user_password(w, user->uuid, fresh, user->must_change_password);
    });
    tokens_.forget_user(user->uuid);
    user->password_hash = fresh;
  }

  AccountResult result;
  result.token = tokens_.issue(*user);
  result.must_change_password = user->must_change_password;
  result.user = std::move(user);
  return result;
}

AccountResult LoginService::change_password(const Principal& principal,
                                            std::string_view current_password,
                                            std::string_view new_password) {
  if (const auto d = change_password_.hit(principal.user_uuid); !d.allowed) {
    return rate_limited(d.retry_after_seconds);
  }
  if (auto problem = check_password_policy(new_password)) {
    return status(AccountStatus::kPolicyViolation, *problem);
  }
  auto user = repo_.users().get_user_by_uuid(principal.user_uuid);
  if (!user) return status(AccountStatus::kUnknownUser, "Account no longer exists");
  if (current_password.size() > kMaxLoginPasswordBytes ||
      !verify_password(user->password_hash, current_password)) {
    return status(AccountStatus::kWrongPassword, "Incorrect current password");
  }
  if (core::constant_time_equal(current_password, new_password)) {
    return status(AccountStatus::kPolicyViolation,
                  "The new password must differ from the current one.");
  }

  const auto hash = hash_password(new_password);
  const bool updated = repo_.write_now([&](store::WriteScope& w) {
    return repo_.users().update_user_password(w, user->uuid, hash, false);
  });
  tokens_.forget_user(user->uuid);
  if (!updated) return status(AccountStatus::kUnknownUser, "Account no longer exists");
  // The presented token is also denied by its jti, which holds even when the clocks of several
  // API processes disagree about tokens_valid_from.
  if (!principal.jti.empty()) tokens_.logout(principal);

  user = repo_.users().get_user_by_uuid(principal.user_uuid);
  if (!user) return status(AccountStatus::kUnknownUser, "Account no longer exists");
  AccountResult result;
  result.token = tokens_.issue(*user);
  result.user = std::move(user);
  return result;
}

AccountResult LoginService::create_user(std::string_view username, std::string_view password,
                                        Role role, bool must_change_password) {
  if (auto problem = check_username_policy(username)) {
    return status(AccountStatus::kInvalidArgument, *problem);
  }
  if (auto problem = check_password_policy(password)) {
    return status(AccountStatus::kPolicyViolation, *problem);
  }
  store::NewUser row;
  row.username = std::string(username);
  row.password_hash = hash_password(password);
  row.role = std::string(to_string(role));
  row.must_change_password = must_change_password;
  try {
    AccountResult result;
    result.user =
        repo_.write_now([&](store::WriteScope& w) { return repo_.users().create_user(w, row); });
    return result;
  } catch (const store::StoreError& e) {
    if (e.kind() != store::StoreError::Kind::kConstraint) throw;
    return status(AccountStatus::kConflict, "Username already exists");
  }
}

bool LoginService::is_last_admin(const store::User& user) {
  if (user.role != to_string(Role::kAdmin)) return false;
  const auto users = repo_.users().list_users();
  return std::count_if(users.begin(), users.end(),
                       [](const store::User& u) { return u.role == to_string(Role::kAdmin); }) <= 1;
}

AccountResult LoginService::set_role(const std::string& user_uuid, Role role) {
  std::lock_guard lock(admin_mutex_);
  auto user = repo_.users().get_user_by_uuid(user_uuid);
  if (!user) return status(AccountStatus::kNotFound, "User not found");
  if (role != Role::kAdmin && is_last_admin(*user)) {
    return status(AccountStatus::kLastAdmin, "Cannot demote the last admin");
  }
  const std::string name(to_string(role));
  if (user->role == name) {
    AccountResult unchanged;
    unchanged.user = std::move(user);
    return unchanged;
  }
  const bool updated = repo_.write_now(
      [&](store::WriteScope& w) { return repo_.users().update_user_role(w, user_uuid, name); });
  tokens_.forget_user(user_uuid);
  if (!updated) return status(AccountStatus::kNotFound, "User not found");
  AccountResult result;
  result.user = repo_.users().get_user_by_uuid(user_uuid);
  return result;
}

AccountResult LoginService::reset_password(const std::string& user_uuid,
                                           std::optional<std::string_view> new_password) {
  if (new_password) {
    if (auto problem = check_password_policy(*new_password)) {
      return status(AccountStatus::kPolicyViolation, *problem);
    }
  }
  if (!repo_.users().get_user_by_uuid(user_uuid)) {
    return status(AccountStatus::kNotFound, "User not found");
  }
  AccountResult result;
  if (!new_password) result.password = generate_password();
  const auto hash = hash_password(new_password ? *new_password : *result.password);
  const bool updated = repo_.write_now([&](store::WriteScope& w) {
    return repo_.users().update_user_password(w, user_uuid, hash, true);
  });
  tokens_.forget_user(user_uuid);
  if (!updated) return status(AccountStatus::kNotFound, "User not found");
  result.user = repo_.users().get_user_by_uuid(user_uuid);
  return result;
}

AccountResult LoginService::delete_user(const std::string& user_uuid) {
  std::lock_guard lock(admin_mutex_);
  auto user = repo_.users().get_user_by_uuid(user_uuid);
  if (!user) return status(AccountStatus::kNotFound, "User not found");
  if (is_last_admin(*user))
    return status(AccountStatus::kLastAdmin, "Cannot delete the last admin");
  const bool deleted = repo_.write_now(
      [&](store::WriteScope& w) { return repo_.users().delete_user(w, user_uuid); });
  tokens_.forget_user(user_uuid);
  if (!deleted) return status(AccountStatus::kNotFound, "User not found");
  AccountResult result;
  result.user = std::move(user);
  return result;
}

}  // namespace decnet::api
