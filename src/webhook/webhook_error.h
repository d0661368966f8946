// The one error type of the webhook layer: a URL the guard refuses, a name that does not
// resolve, a secret that cannot be decrypted, a subscription the rules do not allow. Its kind
// says what the caller should answer (the API maps kinds to status codes) and `field` names the
// input at fault, when one is. The message is safe to show an admin and to log: it never
// contains a secret.
#pragma once

#include <stdexcept>
#include <string>

namespace decnet::webhook {

class WebhookError : public std::runtime_error {
 public:
  enum class Kind {
    kInvalid,    // an input is malformed or forbidden (a URL, a pattern)
    kRejected,   // the request as a whole cannot be honoured (no pattern left)
    kConflict,   // clashes with what exists (a name taken, the subscription limit)
    kNotFound,   // no such subscription
    kOperation,  // resolving, decrypting, delivering failed
  };

  explicit WebhookError(const std::string& message, Kind kind = Kind::kOperation,
                        std::string field = {})
      : std::runtime_error(message), kind_(kind), field_(std::move(field)) {}

  Kind kind() const { return kind_; }
  const std::string& field() const { return field_; }

 private:
  Kind kind_;
  std::string field_;
};

}  // namespace decnet::webhook
