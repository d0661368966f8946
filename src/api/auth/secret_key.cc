#include "api/auth/secret_key.h"

#include "core/config.h"

namespace decnet::api {

std::string load_jwt_secret(const core::Config& config) {
  const std::string& secret = config.jwt_secret();
  if (!secret.empty()) {
    if (secret.size() < kMinJwtSecretBytes) {
      throw core::ConfigError("DECNET_JWT_SECRET is too short: it must be at least " +
                              std::to_string(kMinJwtSecretBytes) +
                              " bytes (use e.g. `openssl rand -base64 48`); or unset it to let"
                              " DECNET generate <DECNET_DATA_DIR>/jwt.key");
    }
    return secret;
  }
  return load_or_create_key_file(config.data_dir() / "jwt.key");
}

}  // namespace decnet::api
