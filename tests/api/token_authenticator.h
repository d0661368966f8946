// The Authenticator test double of the route and HTTP tests: a map from token to Principal. The
// real one (JWT and the users table) is tested with the auth code.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "api/http/principal.h"

namespace decnet::api {

class TokenAuthenticator : public Authenticator {
 public:
  std::optional<Principal> authenticate(std::string_view token, AuthFailure* failure) override {
    const auto it = tokens.find(std::string(token));
    if (it == tokens.end()) {
      if (failure) failure->reason = "unknown token";
      return std::nullopt;
    }
    return it->second;
  }
  std::map<std::string, Principal> tokens;
};

}  // namespace decnet::api
