// Users and the revoked-token denylist on SQLite: uniqueness and role constraints, the bulk
// token cut-off moved by every credential change, and the denylist's idempotency and purge.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/time.h"
#include "store/sqlite/domains.h"
#include "store/sqlite/engine.h"
#include "store/store_error.h"
#include "store/user_repository.h"
#include "store_fixture.h"

namespace decnet::store {
namespace {

NewUser user(std::string username, std::string role = "viewer") {
  NewUser u;
  u.username = std::move(username);
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  u.role = std::move(role);
  return u;
}

class UserStoreTest : public DomainStoreTest {
 protected:
  User create(const NewUser& u) {
    return write([&](WriteScope& w) { return repo_->create_user(w, u); });
  }

  User get(const std::string& uuid) {
    auto row = repo_->get_user_by_uuid(uuid);
    EXPECT_TRUE(row.has_value());
    return row.value_or(User{});
  }

  bool revoke(const std::string& jti, std::int64_t expires_at, std::string owner = "u-1") {
    return write([&](WriteScope& w) { return repo_->revoke_token(w, jti, owner, expires_at); });
  }

  std::int64_t purge(std::int64_t now) {
    return write([&](WriteScope& w) { return repo_->purge_expired_revoked_tokens(w, now); });
  }

  std::unique_ptr<UserRepository> repo_ = sqlite::make_user_repository(engine_);
};

TEST_F(UserStoreTest, CreateRoundTripsAndFindsByUuidAndUsername) {
  auto in = user("admin", "admin");
  in.must_change_password = true;
  const auto before = core::now_micros();
  const auto created = create(in);
  EXPECT_EQ(created.uuid.size(), 36u);
  EXPECT_GE(created.created_at, before);
  for (const auto& row :
       {repo_->get_user_by_uuid(created.uuid), repo_->get_user_by_username("admin")}) {
    ASSERT_TRUE(row);
    EXPECT_EQ(row->uuid, created.uuid);
    EXPECT_EQ(row->username, "admin");
    EXPECT_EQ(row->password_hash, in.password_hash);
    EXPECT_EQ(row->role, "admin");
    EXPECT_TRUE(row->must_change_password);
    EXPECT_FALSE(row->tokens_valid_from);
    EXPECT_EQ(row->created_at, created.created_at);
    EXPECT_EQ(row->updated_at, created.created_at);
  }
  auto fixed = user("contract");
  fixed.uuid = "00000000-0000-0000-0000-000000000001";
  EXPECT_EQ(create(fixed).uuid, fixed.uuid);
  EXPECT_EQ(get(fixed.uuid).role, "viewer");
  EXPECT_FALSE(get(fixed.uuid).must_change_password);
}

TEST_F(UserStoreTest, UnknownRowsGiveEmptyAnswers) {
  EXPECT_FALSE(repo_->get_user_by_uuid("nope"));
  EXPECT_FALSE(repo_->get_user_by_username("nope"));
  EXPECT_TRUE(repo_->list_users().empty());
  EXPECT_FALSE(write([&](WriteScope& w) { return repo_->delete_user(w, "nope"); }));
  EXPECT_FALSE(write([&](WriteScope& w) { return repo_->update_user_role(w, "nope", "admin"); }));
  EXPECT_FALSE(
      write([&](WriteScope& w) { return repo_->update_user_password(w, "nope", "h", false); }));
  EXPECT_FALSE(write([&](WriteScope& w) { return repo_->set_tokens_valid_from(w, "nope", kT0); }));
  EXPECT_FALSE(repo_->is_token_revoked("nope"));
  EXPECT_EQ(purge(kT0), 0);
}

TEST_F(UserStoreTest, UsernameUuidAndRoleConstraintsAreConstraintErrors) {
  const auto first = create(user("alice"));
  EXPECT_EQ(error_kind([&] { create(user("alice")); }), StoreError::Kind::kConstraint);
  auto same_uuid = user("bob");
  same_uuid.uuid = first.uuid;
  EXPECT_EQ(error_kind([&] { create(same_uuid); }), StoreError::Kind::kConstraint);
  EXPECT_EQ(error_kind([&] { create(user("carol", "root")); }), StoreError::Kind::kConstraint);
  EXPECT_EQ(error_kind([&] {
              write([&](WriteScope& w) { return repo_->update_user_role(w, first.uuid, "Admin"); });
            }),
            StoreError::Kind::kConstraint);
  EXPECT_EQ(get(first.uuid).role, "viewer");
  EXPECT_FALSE(get(first.uuid).tokens_valid_from);
  EXPECT_EQ(repo_->list_users().size(), 1u);
}

TEST_F(UserStoreTest, RoleChangeMovesTheTokenCutOff) {
  const auto u = create(user("alice"));
  const auto before = core::now_micros();
  EXPECT_TRUE(write([&](WriteScope& w) { return repo_->update_user_role(w, u.uuid, "admin"); }));
  const auto row = get(u.uuid);
  EXPECT_EQ(row.role, "admin");
  ASSERT_TRUE(row.tokens_valid_from);
  EXPECT_GE(*row.tokens_valid_from, before);
  EXPECT_GE(row.updated_at, before);
  EXPECT_EQ(row.password_hash, u.password_hash);
}

TEST_F(UserStoreTest, PasswordChangeSetsTheFlagAsGivenAndMovesTheCutOff) {
  auto in = user("admin", "admin");
  in.must_change_password = true;
  const auto u = create(in);
  const auto before = core::now_micros();
  EXPECT_TRUE(write([&](WriteScope& w) {
    return repo_->update_user_password(w, u.uuid, "$argon2id$new", false);
  }));
  auto row = get(u.uuid);
  EXPECT_EQ(row.password_hash, "$argon2id$new");
  EXPECT_FALSE(row.must_change_password);
  ASSERT_TRUE(row.tokens_valid_from);
  EXPECT_GE(*row.tokens_valid_from, before);
  const auto first_cutoff = *row.tokens_valid_from;

  // An admin reset forces a change at next login.
  EXPECT_TRUE(write([&](WriteScope& w) {
    return repo_->update_user_password(w, u.uuid, "$argon2id$tmp", true);
  }));
  row = get(u.uuid);
  EXPECT_TRUE(row.must_change_password);
  EXPECT_GE(*row.tokens_valid_from, first_cutoff);
  EXPECT_EQ(row.role, "admin");
}

TEST_F(UserStoreTest, SetTokensValidFromIsTheLogoutEverywhere) {
  const auto u = create(user("alice"));
  EXPECT_TRUE(write([&](WriteScope& w) { return repo_->set_tokens_valid_from(w, u.uuid, kT0); }));
  EXPECT_EQ(get(u.uuid).tokens_valid_from, kT0);
  EXPECT_TRUE(
      write([&](WriteScope& w) { return repo_->set_tokens_valid_from(w, u.uuid, kT0 + 7); }));
  EXPECT_EQ(get(u.uuid).tokens_valid_from, kT0 + 7);
}

TEST_F(UserStoreTest, ListIsOldestFirstAndDeleteRemovesOne) {
  const auto z = create(user("zed"));
  const auto a = create(user("amy"));
  const auto m = create(user("max", "admin"));
  auto users = repo_->list_users();
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(users[0].uuid, z.uuid);
  EXPECT_EQ(users[2].uuid, m.uuid);
  EXPECT_TRUE(write([&](WriteScope& w) { return repo_->delete_user(w, a.uuid); }));
  EXPECT_FALSE(write([&](WriteScope& w) { return repo_->delete_user(w, a.uuid); }));
  EXPECT_FALSE(repo_->get_user_by_username("amy"));
  users = repo_->list_users();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[1].username, "max");
  create(user("amy"));  // the name is free again
}

TEST_F(UserStoreTest, RevokingIsIdempotentAndKeepsTheFirstEntry) {
  EXPECT_TRUE(revoke("jti-1", kT0 + 100));
  EXPECT_FALSE(revoke("jti-1", kT0 + 999));
  EXPECT_TRUE(repo_->is_token_revoked("jti-1"));
  EXPECT_FALSE(repo_->is_token_revoked("jti-2"));
  EXPECT_EQ(purge(kT0 + 100), 1);  // the first expiry stood
  EXPECT_FALSE(repo_->is_token_revoked("jti-1"));
}

TEST_F(UserStoreTest, PurgeDropsOnlyExpiredEntries) {
  revoke("old", kT0);
  revoke("edge", kT0 + 10);
  revoke("live", kT0 + 11);
  EXPECT_EQ(purge(kT0 + 10), 2);
  EXPECT_FALSE(repo_->is_token_revoked("old"));
  EXPECT_FALSE(repo_->is_token_revoked("edge"));
  EXPECT_TRUE(repo_->is_token_revoked("live"));
  EXPECT_EQ(purge(kT0 + 10), 0);
}

TEST_F(UserStoreTest, ConcurrentLogoutsOfOneTokenRevokeItOnce) {
  constexpr int kThreads = 8;
  std::atomic<int> newly{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      if (revoke("shared", kT0)) ++newly;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(newly.load(), 1);
  EXPECT_TRUE(repo_->is_token_revoked("shared"));
}

TEST_F(UserStoreTest, HostileStringsSurviveEveryWritePath) {
  int n = 0;
  for (const auto& h : hostile_strings()) {
    SCOPED_TRACE(n);
    auto in = user(h + std::to_string(n++));
    in.password_hash = h;
    in.uuid = "uuid-" + h;
    const auto u = create(in);
    const auto by_name = repo_->get_user_by_username(in.username);
    ASSERT_TRUE(by_name);
    EXPECT_EQ(by_name->uuid, in.uuid);
    EXPECT_EQ(by_name->password_hash, h);
    EXPECT_TRUE(
        write([&](WriteScope& w) { return repo_->update_user_password(w, u.uuid, h + h, true); }));
    EXPECT_EQ(get(u.uuid).password_hash, h + h);
    EXPECT_TRUE(write([&](WriteScope& w) { return repo_->update_user_role(w, u.uuid, "admin"); }));
    EXPECT_TRUE(revoke(h, kT0 + 1, h));
    EXPECT_TRUE(repo_->is_token_revoked(h));
    EXPECT_FALSE(repo_->is_token_revoked(h + "x"));
  }
  EXPECT_EQ(repo_->list_users().size(), hostile_strings().size());
  EXPECT_EQ(purge(kT0 + 1), static_cast<std::int64_t>(hostile_strings().size()));
  EXPECT_TRUE(write([&](WriteScope& w) { return repo_->delete_user(w, "uuid-O'Brien"); }));
}

}  // namespace
}  // namespace decnet::store
