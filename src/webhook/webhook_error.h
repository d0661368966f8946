// The one error type of the webhook layer: a URL the guard refuses, a name that does not
// resolve, a secret that cannot be decrypted. Its message is safe to show an admin and to log: it
// never contains a secret.
#pragma once

#include <stdexcept>

namespace decnet::webhook {

class WebhookError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace decnet::webhook
