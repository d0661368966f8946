// "No user at all" rather than "no user named DECNET_ADMIN_USER": renaming the setting later must
// not create a second administrator. Two processes starting together may both see an empty
// table; the unique username makes the second insert fail, which is then read as "already done".
#include "api/auth/bootstrap.h"

#include "api/auth/passwords.h"
#include "api/http/principal.h"
#include "core/config.h"
#include "store/repository.h"
#include "store/store_error.h"
#include "store/user_repository.h"

namespace decnet::api {

BootstrapResult bootstrap_admin(store::Repository& repo, const core::Config& config) {
  const std::string& username = config.admin_user();
  if (auto problem = check_username_policy(username)) {
    throw core::ConfigError("DECNET_ADMIN_USER='" + username +
                            "' is not a valid username: " + *problem);
  }
  const std::string& configured = config.admin_password();
  if (!configured.empty()) {
    if (auto problem = check_password_policy(configured)) {
      throw core::ConfigError("DECNET_ADMIN_PASSWORD does not meet the password policy: " +
                              *problem);
    }
  }

  BootstrapResult result;
  if (!repo.users().list_users().empty()) {
    result.admin_password_ignored = !configured.empty();
    return result;
  }

  std::optional<std::string> generated;
  if (configured.empty()) generated = generate_password();
  store::NewUser admin;
  admin.username = username;
  admin.password_hash = hash_password(generated ? *generated : configured);
  admin.role = std::string(to_string(Role::kAdmin));
  admin.must_change_password = true;
  try {
    const auto row =
        repo.write_now([&](store::WriteScope& w) { return repo.users().create_user(w, admin); });
    result.created = true;
    result.username = row.username;
    result.user_uuid = row.uuid;
    result.generated_password = std::move(generated);
  } catch (const store::StoreError& e) {
    if (e.kind() != store::StoreError::Kind::kConstraint) throw;
    result.admin_password_ignored = !configured.empty();
  }
  return result;
}

}  // namespace decnet::api
