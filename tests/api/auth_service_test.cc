// The account services against a real SQLite repository: first-admin bootstrap, login and its
// rate limits, password changes and admin operations and how each one ends earlier tokens,
// logout's immediate denylisting, and what the token cache lets another process see and when.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "api/auth/bootstrap.h"
#include "api/auth/jwt.h"
#include "api/auth/login_service.h"
#include "api/auth/token_service.h"
#include "core/config.h"
#include "core/time.h"
#include "store/repository.h"
#include "store/sqlite/sqlite_repository.h"
#include "store/user_repository.h"
#include "tests_support.h"

namespace decnet::api {
namespace {

const std::string kSecret = "service-test-secret-0123456789abcdef-xyz";
const std::string kPassword = "correct horse battery";
const std::string kNewPassword = "another long passphrase";

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::sqlite::EngineOptions options;
    options.path = dir_ / "decnet.db";
    repo_ = store::sqlite::open_sqlite_repository(options);
    tokens_ = std::make_unique<TokenService>(*repo_, kSecret, token_options());
    login_ = std::make_unique<LoginService>(*repo_, *tokens_, login_options());
  }
  void TearDown() override {
    login_.reset();
    tokens_.reset();
    repo_->close();
  }

  TokenServiceOptions token_options() {
    TokenServiceOptions o;
    o.cache_seconds = 5;
    o.clock = [this] { return core::now_micros() + wall_offset_.load(); };
    return o;
  }
  LoginServiceOptions login_options(bool limiter = true) {
    LoginServiceOptions o;
    o.limiter_enabled = limiter;
    o.clock = [this] { return steady_; };
    return o;
  }
  void shift_wall_clock(std::chrono::seconds by) {
    wall_offset_ = std::chrono::duration_cast<std::chrono::microseconds>(by).count();
  }

  store::User make_user(const std::string& name, Role role = Role::kViewer,
                        bool must_change = false) {
    auto r = login_->create_user(name, kPassword, role, must_change);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.user.value_or(store::User{});
  }
  IssuedToken login_ok(const std::string& name, const std::string& password = kPassword,
                       const std::string& ip = "192.0.2.10") {
    auto r = login_->login(name, password, ip);
    EXPECT_TRUE(r.ok()) << to_string(r.status) << " " << r.message;
    return r.token.value_or(IssuedToken{});
  }
  std::optional<Principal> auth(const IssuedToken& t, std::string* reason = nullptr) {
    AuthFailure failure;
    auto p = tokens_->authenticate(t.token, &failure);
    if (reason) *reason = failure.reason;
    return p;
  }

  decnet::testing::TempDir dir_;
  std::unique_ptr<store::Repository> repo_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<LoginService> login_;
  std::atomic<std::int64_t> wall_offset_{0};
  std::chrono::steady_clock::time_point steady_{std::chrono::hours(1000)};
};

TEST_F(AuthServiceTest, BootstrapCreatesTheFirstAdminOnceWithAGeneratedPassword) {
  const auto config = core::Config::with({});
  const auto first = bootstrap_admin(*repo_, config);
  ASSERT_TRUE(first.created);
  EXPECT_EQ(first.username, "admin");
  ASSERT_TRUE(first.generated_password);
  EXPECT_EQ(first.generated_password->size(), 20u);
  const auto row = repo_->users().get_user_by_username("admin");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->role, "admin");
  EXPECT_TRUE(row->must_change_password);
  EXPECT_EQ(row->password_hash.find(*first.generated_password), std::string::npos);

  const auto login = login_->login("admin", *first.generated_password, "127.0.0.1");
  ASSERT_TRUE(login.ok());
  EXPECT_TRUE(login.must_change_password);
  const auto principal = tokens_->authenticate(login.token->token, nullptr);
  ASSERT_TRUE(principal);
  EXPECT_TRUE(principal->must_change_password);
  EXPECT_EQ(principal->role, Role::kAdmin);

  const auto again = bootstrap_admin(*repo_, config);
  EXPECT_FALSE(again.created);
  EXPECT_FALSE(again.generated_password);
  EXPECT_FALSE(again.admin_password_ignored);
  const auto with_password =
      bootstrap_admin(*repo_, core::Config::with({{"DECNET_ADMIN_PASSWORD", kNewPassword}}));
  EXPECT_FALSE(with_password.created);
  EXPECT_TRUE(with_password.admin_password_ignored);
  EXPECT_EQ(repo_->users().list_users().size(), 1u);
  EXPECT_FALSE(login_->login("admin", kNewPassword, "127.0.0.1").ok());
}

TEST_F(AuthServiceTest, BootstrapUsesAndValidatesTheConfiguredAdmin) {
  const std::string weak = "tiny-pw";
  try {
    bootstrap_admin(*repo_, core::Config::with({{"DECNET_ADMIN_PASSWORD", weak}}));
    FAIL() << "a weak admin password was accepted";
  } catch (const core::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("DECNET_ADMIN_PASSWORD"), std::string::npos);
    EXPECT_EQ(what.find(weak), std::string::npos);
  }
  EXPECT_THROW(bootstrap_admin(*repo_, core::Config::with({{"DECNET_ADMIN_USER", "two words"}})),
               core::ConfigError);
  EXPECT_TRUE(repo_->users().list_users().empty());

  const auto result = bootstrap_admin(
      *repo_,
      core::Config::with({{"DECNET_ADMIN_USER", "root-op"}, {"DECNET_ADMIN_PASSWORD", kPassword}}));
  ASSERT_TRUE(result.created);
  EXPECT_FALSE(result.generated_password);
  const auto login = login_->login("root-op", kPassword, "127.0.0.1");
  ASSERT_TRUE(login.ok());
  EXPECT_TRUE(login.must_change_password);
}

TEST_F(AuthServiceTest, LoginIssuesATokenThatAuthenticates) {
  const auto user = make_user("alice");
  const auto result = login_->login("alice", kPassword, "192.0.2.1");
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result.must_change_password);
  ASSERT_TRUE(result.token);
  const auto& token = *result.token;
  EXPECT_EQ(token.expires_at - token.issued_at, 240 * 60);
  EXPECT_EQ(token.jti.size(), 32u);

  const auto claims = verify_jwt(token.token, kSecret, tokens_->now_seconds());
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->uuid, user.uuid);
  EXPECT_EQ(claims->jti, token.jti);

  const auto principal = auth(token);
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->user_uuid, user.uuid);
  EXPECT_EQ(principal->username, "alice");
  EXPECT_EQ(principal->role, Role::kViewer);
  EXPECT_FALSE(principal->must_change_password);
  EXPECT_EQ(principal->jti, token.jti);
  EXPECT_EQ(principal->expires_at, token.expires_at);
  EXPECT_NE(login_ok("alice").jti, token.jti);
}

TEST_F(AuthServiceTest, UnknownUserAndWrongPasswordGiveTheSameAnswerInSimilarTime) {
  make_user("alice");
  using clock = std::chrono::steady_clock;
  auto fastest = [&](const std::string& user) {
    auto best = clock::duration::max();
    AccountResult last;
    for (int i = 0; i < 3; ++i) {
      const auto start = clock::now();
      last = login_->login(user, "wrong password here", "198.51.100." + std::to_string(i));
      best = std::min(best, clock::now() - start);
    }
    return std::pair{last, best};
  };
  const auto [wrong, wrong_time] = fastest("alice");
  const auto [unknown, unknown_time] = fastest("mallory");
  EXPECT_EQ(wrong.status, AccountStatus::kInvalidCredentials);
  EXPECT_EQ(unknown.status, wrong.status);
  EXPECT_EQ(unknown.message, wrong.message);
  EXPECT_EQ(unknown.message, "Incorrect username or password");
  EXPECT_FALSE(unknown.token);
  EXPECT_FALSE(unknown.user);
  EXPECT_FALSE(wrong.user);
  // The unknown user is checked against a dummy argon2id hash, not answered at once.
  EXPECT_GT(unknown_time * 10, wrong_time * 3);
  EXPECT_FALSE(login_->login("", "", "198.51.100.9").ok());
  EXPECT_FALSE(login_->login("alice", std::string(10000, 'a'), "198.51.100.9").ok());
}

TEST_F(AuthServiceTest, LoginIsLimitedPerClientAddress) {
  make_user("alice");
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(login_->login("nobody" + std::to_string(i), kPassword, "203.0.113.7").status,
              AccountStatus::kInvalidCredentials);
    steady_ += std::chrono::seconds(1);
  }
  const auto limited = login_->login("alice", kPassword, "203.0.113.7");
  EXPECT_EQ(limited.status, AccountStatus::kRateLimited);
  EXPECT_EQ(limited.retry_after_seconds, 290);
  EXPECT_FALSE(limited.token);
  EXPECT_TRUE(login_->login("alice", kPassword, "203.0.113.8").ok());

  steady_ += std::chrono::seconds(290);
  EXPECT_TRUE(login_->login("alice", kPassword, "203.0.113.7").ok());
}

TEST_F(AuthServiceTest, FailuresCloseAnAccountOnlyToAddressesThatFailed) {
  make_user("admin", Role::kAdmin);
  make_user("bob");
  // A guesser spread over ten addresses reaches the account's limit...
  for (int i = 0; i < 10; ++i) {
    const auto ip = "192.0.2." + std::to_string(i + 1);
    EXPECT_EQ(login_->login("admin", "wrong password!", ip).status,
              AccountStatus::kInvalidCredentials);
  }
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(login_->login("admin", "wrong password!", "192.0.2.1").status,
              AccountStatus::kInvalidCredentials);
  }
  // ...after which an address that failed three times is refused for that account, and a fresh
  // address gets three guesses before it is refused too.
  const auto again = login_->login("admin", kPassword, "192.0.2.1");
  EXPECT_EQ(again.status, AccountStatus::kRateLimited);
  EXPECT_GE(again.retry_after_seconds, 299);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(login_->login("admin", "wrong password!", "192.0.2.77").status,
              AccountStatus::kInvalidCredentials);
  }
  EXPECT_EQ(login_->login("admin", kPassword, "192.0.2.77").status, AccountStatus::kRateLimited);
  // One mistyped password does not make an address suspect.
  EXPECT_EQ(login_->login("admin", "wrong password!", "198.51.100.200").status,
            AccountStatus::kInvalidCredentials);
  // The real admin, from an address with no recent failure, is never locked out.
  EXPECT_TRUE(login_->login("admin", kPassword, "198.51.100.200").ok());
  EXPECT_TRUE(login_->login("bob", kPassword, "192.0.2.1").ok());  // other accounts: unaffected
  steady_ += std::chrono::minutes(5);
  EXPECT_TRUE(login_->login("admin", kPassword, "192.0.2.1").ok());
}

TEST_F(AuthServiceTest, Ipv6ClientsAreKeyedByTheirSlash64) {
  EXPECT_EQ(LoginService::client_key("2001:db8:1:2:aaaa::1"),
            LoginService::client_key("2001:db8:1:2:ffff:1:2:3"));
  EXPECT_EQ(LoginService::client_key("2001:db8:1:2::5"), "2001:db8:1:2::/64");
  EXPECT_NE(LoginService::client_key("2001:db8:1:2::1"),
            LoginService::client_key("2001:db8:1:3::1"));
  EXPECT_EQ(LoginService::client_key("::ffff:192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(LoginService::client_key("192.0.2.1"), "192.0.2.1");

  make_user("alice");
  for (int i = 0; i < 10; ++i) {
    login_->login("x" + std::to_string(i), kPassword, "2001:db8:9:9::" + std::to_string(i + 1));
  }
  EXPECT_EQ(login_->login("alice", kPassword, "2001:db8:9:9:1::1").status,
            AccountStatus::kRateLimited);
}

TEST_F(AuthServiceTest, LimiterCanBeDisabled) {
  make_user("alice");
  EXPECT_FALSE(
      LoginServiceOptions::from_config(core::Config::with({{"DECNET_LIMITER_ENABLED", "false"}}))
          .limiter_enabled);
  EXPECT_TRUE(LoginServiceOptions::from_config(core::Config::with({})).limiter_enabled);
  LoginService unlimited(*repo_, *tokens_, login_options(false));
  for (int i = 0; i < 11; ++i) {
    EXPECT_EQ(unlimited.login("alice", "wrong password!", "203.0.113.1").status,
              AccountStatus::kInvalidCredentials);
  }
  EXPECT_TRUE(unlimited.login("alice", kPassword, "203.0.113.1").ok());
}

TEST_F(AuthServiceTest, ChangePasswordEndsEveryEarlierTokenAndReturnsAFreshOne) {
  make_user("alice", Role::kViewer, /*must_change=*/true);
  shift_wall_clock(std::chrono::seconds(-100));
  const auto first = login_ok("alice");
  const auto second = login_ok("alice");
  const auto principal = auth(first);
  ASSERT_TRUE(principal);
  EXPECT_TRUE(principal->must_change_password);
  ASSERT_TRUE(auth(second));
  shift_wall_clock(std::chrono::seconds(0));

  const auto changed = login_->change_password(*principal, kPassword, kNewPassword);
  ASSERT_TRUE(changed.ok()) << changed.message;
  ASSERT_TRUE(changed.token);
  const auto fresh = auth(*changed.token);
  ASSERT_TRUE(fresh);
  EXPECT_FALSE(fresh->must_change_password);

  std::string reason;
  EXPECT_FALSE(auth(first, &reason));
  EXPECT_FALSE(auth(second, &reason));
  EXPECT_EQ(reason, "token invalidated by an account change");
  EXPECT_FALSE(login_->login("alice", kPassword, "192.0.2.50").ok());
  const auto relogin = login_->login("alice", kNewPassword, "192.0.2.50");
  ASSERT_TRUE(relogin.ok());
  EXPECT_FALSE(relogin.must_change_password);
}

TEST_F(AuthServiceTest, ChangePasswordEndsThePresentedTokenEvenWithinTheSameSecond) {
  make_user("alice");
  const auto token = login_ok("alice");
  const auto principal = auth(token);
  ASSERT_TRUE(principal);
  ASSERT_TRUE(login_->change_password(*principal, kPassword, kNewPassword).ok());
  EXPECT_FALSE(auth(token));
}

TEST_F(AuthServiceTest, ChangePasswordChecksAndIsLimitedPerUser) {
  make_user("alice");
  const auto principal = auth(login_ok("alice"));
  ASSERT_TRUE(principal);
  EXPECT_EQ(login_->change_password(*principal, "not my password", kNewPassword).status,
            AccountStatus::kWrongPassword);
  const auto short_one = login_->change_password(*principal, kPassword, std::string(11, 'n'));
  EXPECT_EQ(short_one.status, AccountStatus::kPolicyViolation);
  EXPECT_NE(short_one.message.find("12"), std::string::npos);
  EXPECT_EQ(login_->change_password(*principal, kPassword, std::string(73, 'n')).status,
            AccountStatus::kPolicyViolation);
  EXPECT_EQ(login_->change_password(*principal, kPassword, kPassword).status,
            AccountStatus::kPolicyViolation);
  EXPECT_EQ(login_->change_password(*principal, "still wrong pw", kNewPassword).status,
            AccountStatus::kWrongPassword);
  const auto limited = login_->change_password(*principal, kPassword, kNewPassword);
  EXPECT_EQ(limited.status, AccountStatus::kRateLimited);
  EXPECT_GE(limited.retry_after_seconds, 1);
  EXPECT_LE(limited.retry_after_seconds, 60);
  EXPECT_TRUE(auth(login_ok("alice")));  // the password did not change

  steady_ += std::chrono::seconds(60);
  EXPECT_TRUE(login_->change_password(*principal, kPassword, std::string(72, 'n')).ok());
}

TEST_F(AuthServiceTest, CutOffIsComparedInMicroseconds) {
  const auto user = make_user("alice");
  constexpr std::int64_t kCut = 1'750'000'000'500'000;  // x.5 s
  repo_->write_now([&](store::WriteScope& w) {
    return repo_->users().set_tokens_valid_from(w, user.uuid, kCut);
  });
  std::int64_t now = kCut;
  TokenServiceOptions options;
  options.cache_seconds = 0;
  options.clock = [&] { return now; };
  TokenService service(*repo_, kSecret, options);
  const auto row = repo_->users().get_user_by_uuid(user.uuid);

  now = kCut - 1;  // the same second, just before the cut-off
  const auto just_before = service.issue(*row);
  now = kCut + 1;
  const auto just_after = service.issue(*row);
  // A token from an older version carries no iat_us: it counts from the start of its second.
  const auto legacy =
      encode_jwt({user.uuid, "legacy-jti", kCut / 1'000'000, kCut / 1'000'000 + 60}, kSecret);
  now = kCut + 1'000'000;
  AuthFailure failure;
  EXPECT_FALSE(service.authenticate(just_before.token, &failure));
  EXPECT_EQ(failure.reason, "token invalidated by an account change");
  EXPECT_FALSE(service.authenticate(legacy, &failure));
  EXPECT_TRUE(service.authenticate(just_after.token, &failure));
}

TEST_F(AuthServiceTest, StillValidFollowsLogoutAccountChangesAndExpiry) {
  make_user("root", Role::kAdmin);
  const auto user = make_user("alice");
  std::vector<std::string> heard;
  tokens_->set_account_listener([&](const std::string& uuid) { heard.push_back(uuid); });
  auto principal = auth(login_ok("alice"));
  ASSERT_TRUE(principal);
  EXPECT_TRUE(tokens_->still_valid(*principal));
  ASSERT_TRUE(tokens_->logout(*principal));
  EXPECT_FALSE(tokens_->still_valid(*principal));
  EXPECT_EQ(heard, std::vector<std::string>{user.uuid});

  principal = auth(login_ok("alice"));
  ASSERT_TRUE(principal);
  ASSERT_TRUE(login_->set_role(user.uuid, Role::kAdmin).ok());
  EXPECT_FALSE(tokens_->still_valid(*principal));
  EXPECT_EQ(heard.size(), 2u);

  principal = auth(login_ok("alice"));
  ASSERT_TRUE(principal);
  shift_wall_clock(std::chrono::hours(5));  // past the 4-hour lifetime
  EXPECT_FALSE(tokens_->still_valid(*principal));
  shift_wall_clock(std::chrono::seconds(0));
  EXPECT_TRUE(tokens_->still_valid(*principal));
  ASSERT_TRUE(login_->delete_user(user.uuid).ok());
  EXPECT_FALSE(tokens_->still_valid(*principal));
  EXPECT_EQ(heard.back(), user.uuid);
}

TEST_F(AuthServiceTest, RoleChangeEndsTheUsersTokensAndTheNewRoleApplies) {
  const auto user = make_user("alice");
  const auto other = make_user("bob");
  shift_wall_clock(std::chrono::seconds(-100));
  const auto token = login_ok("alice");
  const auto bobs = login_ok("bob");
  ASSERT_TRUE(auth(token));
  shift_wall_clock(std::chrono::seconds(0));

  const auto changed = login_->set_role(user.uuid, Role::kAdmin);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed.user->role, "admin");
  EXPECT_FALSE(auth(token));
  EXPECT_TRUE(auth(bobs));
  const auto again = auth(login_ok("alice"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->role, Role::kAdmin);
  EXPECT_EQ(login_->set_role("no-such-uuid", Role::kAdmin).status, AccountStatus::kNotFound);
  (void)other;
}

TEST_F(AuthServiceTest, TheLastAdminCannotBeDemotedOrDeleted) {
  const auto admin = make_user("root", Role::kAdmin);
  EXPECT_EQ(login_->set_role(admin.uuid, Role::kViewer).status, AccountStatus::kLastAdmin);
  EXPECT_EQ(login_->delete_user(admin.uuid).status, AccountStatus::kLastAdmin);
  const auto second = make_user("root2", Role::kAdmin);
  EXPECT_TRUE(login_->set_role(admin.uuid, Role::kViewer).ok());
  EXPECT_EQ(login_->delete_user(second.uuid).status, AccountStatus::kLastAdmin);
  EXPECT_TRUE(login_->delete_user(admin.uuid).ok());
  EXPECT_EQ(login_->delete_user(admin.uuid).status, AccountStatus::kNotFound);
}

TEST_F(AuthServiceTest, LogoutDenylistsTheTokenImmediately) {
  make_user("alice");
  const auto token = login_ok("alice");
  const auto other_session = login_ok("alice");
  const auto principal = auth(token);  // also fills the cache
  ASSERT_TRUE(principal);
  ASSERT_TRUE(auth(token));

  EXPECT_TRUE(tokens_->logout(*principal));
  std::string reason;
  EXPECT_FALSE(auth(token, &reason));
  EXPECT_EQ(reason, "token revoked");
  EXPECT_FALSE(tokens_->logout(*principal));
  EXPECT_TRUE(auth(other_session));
  EXPECT_TRUE(repo_->users().is_token_revoked(token.jti));

  TokenService elsewhere(*repo_, kSecret, token_options());  // another process, cold cache
  EXPECT_FALSE(elsewhere.authenticate(token.token, nullptr));
}

TEST_F(AuthServiceTest, AnotherProcessesLogoutIsSeenWithinTheCacheTime) {
  make_user("alice");
  const auto token = login_ok("alice");
  const auto principal = auth(token);
  ASSERT_TRUE(principal);
  TokenService elsewhere(*repo_, kSecret, token_options());
  EXPECT_TRUE(elsewhere.logout(*principal));
  EXPECT_TRUE(auth(token));  // cached "not revoked", at most cache_seconds old
  shift_wall_clock(std::chrono::seconds(6));
  EXPECT_FALSE(auth(token));

  TokenServiceOptions uncached = token_options();
  uncached.cache_seconds = 0;
  TokenService strict(*repo_, kSecret, uncached);
  const auto token2 = login_ok("alice");
  const auto principal2 = strict.authenticate(token2.token, nullptr);
  ASSERT_TRUE(principal2);
  elsewhere.logout(*principal2);
  EXPECT_FALSE(strict.authenticate(token2.token, nullptr));
}

TEST_F(AuthServiceTest, ResetPasswordRequiresAChangeAndEndsTokens) {
  const auto user = make_user("alice");
  shift_wall_clock(std::chrono::seconds(-100));
  const auto token = login_ok("alice");
  shift_wall_clock(std::chrono::seconds(0));

  EXPECT_EQ(login_->reset_password(user.uuid, std::string_view("short")).status,
            AccountStatus::kPolicyViolation);
  EXPECT_EQ(login_->reset_password("missing").status, AccountStatus::kNotFound);
  const auto reset = login_->reset_password(user.uuid);
  ASSERT_TRUE(reset.ok());
  ASSERT_TRUE(reset.password);
  EXPECT_TRUE(reset.user->must_change_password);
  EXPECT_FALSE(auth(token));
  EXPECT_FALSE(login_->login("alice", kPassword, "192.0.2.60").ok());
  const auto relogin = login_->login("alice", *reset.password, "192.0.2.60");
  ASSERT_TRUE(relogin.ok());
  EXPECT_TRUE(relogin.must_change_password);

  const auto chosen = login_->reset_password(user.uuid, std::string_view(kNewPassword));
  ASSERT_TRUE(chosen.ok());
  EXPECT_FALSE(chosen.password);
  EXPECT_TRUE(login_->login("alice", kNewPassword, "192.0.2.61").ok());
}

TEST_F(AuthServiceTest, CreateUserValidates) {
  const auto created = login_->create_user("carol", kPassword, Role::kViewer);
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(created.user->must_change_password);
  EXPECT_EQ(created.user->password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(login_->create_user("carol", kPassword, Role::kAdmin).status, AccountStatus::kConflict);
  EXPECT_EQ(login_->create_user("bad name", kPassword, Role::kViewer).status,
            AccountStatus::kInvalidArgument);
  EXPECT_EQ(login_->create_user("dave", "short", Role::kViewer).status,
            AccountStatus::kPolicyViolation);
}

TEST_F(AuthServiceTest, DeletedUsersTokensAreRefused) {
  make_user("root", Role::kAdmin);
  const auto user = make_user("alice");
  const auto token = login_ok("alice");
  ASSERT_TRUE(auth(token));
  ASSERT_TRUE(login_->delete_user(user.uuid).ok());
  std::string reason;
  EXPECT_FALSE(auth(token, &reason));
  EXPECT_EQ(reason, "unknown user");
}

TEST_F(AuthServiceTest, AuthenticateExplainsRefusals) {
  const auto user = make_user("alice");
  std::string reason;
  EXPECT_FALSE(auth(IssuedToken{}, &reason));
  EXPECT_EQ(reason, "missing token");
  EXPECT_FALSE(auth(IssuedToken{"garbage"}, &reason));
  EXPECT_EQ(reason, "malformed token");

  const auto now = tokens_->now_seconds();
  const auto forged =
      encode_jwt({user.uuid, "j", now, now + 60}, "some-other-secret-of-32-bytes-long");
  EXPECT_FALSE(auth(IssuedToken{forged}, &reason));
  EXPECT_EQ(reason, "bad signature");
  const auto expired = encode_jwt({user.uuid, "j", now - 120, now - 60}, kSecret);
  EXPECT_FALSE(auth(IssuedToken{expired}, &reason));
  EXPECT_EQ(reason, "expired");
  const auto stranger =
      encode_jwt({"00000000-0000-4000-8000-000000000000", "j", now, now + 60}, kSecret);
  EXPECT_FALSE(auth(IssuedToken{stranger}, &reason));
  EXPECT_EQ(reason, "unknown user");
}

TEST_F(AuthServiceTest, PurgeDropsExpiredRevocations) {
  make_user("alice");
  const auto principal = auth(login_ok("alice"));
  ASSERT_TRUE(principal);
  ASSERT_TRUE(tokens_->logout(*principal));
  EXPECT_EQ(tokens_->purge_expired(), 0);
  EXPECT_TRUE(repo_->users().is_token_revoked(principal->jti));
  shift_wall_clock(std::chrono::minutes(241));
  EXPECT_EQ(tokens_->purge_expired(), 1);
  EXPECT_FALSE(repo_->users().is_token_revoked(principal->jti));
}

TEST_F(AuthServiceTest, OptionsComeFromTheConfiguration) {
  const auto options = TokenServiceOptions::from_config(
      core::Config::with({{"DECNET_JWT_EXP_MINUTES", "15"}, {"DECNET_AUTH_CACHE_SECONDS", "0"}}));
  EXPECT_EQ(options.lifetime_seconds, 900);
  EXPECT_EQ(options.cache_seconds, 0);
  EXPECT_EQ(TokenServiceOptions::from_config(core::Config::with({})).lifetime_seconds, 240 * 60);
  EXPECT_THROW(core::Config::with({{"DECNET_JWT_EXP_MINUTES", "0"}}), core::ConfigError);
  EXPECT_THROW(core::Config::with({{"DECNET_JWT_EXP_MINUTES", "10081"}}), core::ConfigError);
}

}  // namespace
}  // namespace decnet::api
