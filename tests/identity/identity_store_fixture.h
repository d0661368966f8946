// A real SQLite repository in a scratch directory for the identity workers' tests, and the
// identity of one attacker made the way the identity worker makes it.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "store/attacker_repository.h"
#include "store/identity_repository.h"
#include "store/sqlite/sqlite_repository.h"
#include "tests_support.h"

namespace decnet::identity {

inline constexpr std::int64_t kFixtureT0 = 1'780'000'000'000'000;

struct IdentityStoreFixture {
  ~IdentityStoreFixture() { repo->close(); }

  // (identity uuid, attacker uuid): a new attacker at `ip` with an identity of its own.
  std::pair<std::string, std::string> identity(const std::string& ip) {
    return repo->write_now([&](store::WriteScope& w) {
      const auto a =
          repo->attackers().record_activity(w, {ip, kFixtureT0, kFixtureT0, 1, 0, {}}).uuid;
      const auto i = repo->identities().create_identity(w, {});
      repo->identities().link_attacker(w, a, i);
      return std::make_pair(i, a);
    });
  }

  testing::TempDir dir;
  std::unique_ptr<store::Repository> repo =
      store::sqlite::open_sqlite_repository({.path = dir / "identity.db"});
};

}  // namespace decnet::identity
