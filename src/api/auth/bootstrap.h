// The first administrator. A fresh installation has no accounts and the dashboard would be
// unusable, so on the first start (no user at all) DECNET creates one: DECNET_ADMIN_USER with
// DECNET_ADMIN_PASSWORD, or with a generated password that the caller prints once to stdout
// (never to the log, which is shipped and kept). Either way the account must change its password
// at first login. Later starts change nothing, so a stale environment cannot reset a password
// an operator has since changed.
#pragma once

#include <optional>
#include <string>

namespace decnet::core {
class Config;
}
namespace decnet::store {
class Repository;
}

namespace decnet::api {

struct BootstrapResult {
  bool created = false;  // false: users already existed, nothing was done
  std::string username;  // the admin created (empty when nothing was created)
  std::string user_uuid;
  // Set only when the password was generated: show it to the operator once, then drop it.
  std::optional<std::string> generated_password;
  // DECNET_ADMIN_PASSWORD is set but accounts exist, so it was not used (worth a warning).
  bool admin_password_ignored = false;
};

// Throws core::ConfigError when DECNET_ADMIN_USER is not a valid username or
// DECNET_ADMIN_PASSWORD is set but fails the password policy (checked on every start).
BootstrapResult bootstrap_admin(store::Repository& repo, const core::Config& config);

}  // namespace decnet::api
