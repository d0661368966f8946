// Who is calling the API. The HTTP layer asks an Authenticator to turn a bearer token into a
// Principal and then checks the route's required role against it; handlers receive it to know
// on whose behalf they act. Roles are ordered: an admin may do everything a viewer may.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::api {

enum class Role { kViewer = 1, kAdmin = 2 };

std::string_view to_string(Role role);
std::optional<Role> role_from_string(std::string_view text);

struct Principal {
  std::string user_uuid;
  std::string username;
  Role role = Role::kViewer;
  bool must_change_password = false;
  std::string jti;                // the token's id, for logout
  std::int64_t expires_at = 0;    // epoch seconds
  std::int64_t issued_at_us = 0;  // epoch microseconds, compared with account changes
};

// Why a token was not accepted; the HTTP layer answers 401 with this reason.
struct AuthFailure {
  std::string reason;  // "missing token", "expired", "bad signature", "wrong audience", ...
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Verifies signature, claims, expiry, audience, the jti denylist and tokens_valid_from.
  virtual std::optional<Principal> authenticate(std::string_view bearer_token,
                                                AuthFailure* failure) = 0;
};

}  // namespace decnet::api
