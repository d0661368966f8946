// Role names as stored in users.role and shown by the API.
#include "api/http/principal.h"

namespace decnet::api {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

std::optional<Role> role_from_string(std::string_view text) {
  if (text == "viewer") return Role::kViewer;
  if (text == "admin") return Role::kAdmin;
  return std::nullopt;
}

}  // namespace decnet::api
