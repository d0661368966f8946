// The HMAC key that signs dashboard tokens. An operator may supply it (DECNET_JWT_SECRET, needed
// when several API processes must accept each other's tokens); otherwise DECNET makes one on
// first start and keeps it in <DECNET_DATA_DIR>/jwt.key so tokens survive a restart. There is
// no built-in default: a key that ships with the program is a key every attacker has. A key
// file others can read is refused rather than silently fixed, because it may already have
// leaked. Error messages name the variable or path, never the key.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "core/key_file.h"

namespace decnet::core {
class Config;
}

namespace decnet::api {

inline constexpr std::size_t kMinJwtSecretBytes = core::kMinKeyFileBytes;

// DECNET_JWT_SECRET if set (at least kMinJwtSecretBytes bytes, else ConfigError), otherwise the
// key file under DECNET_DATA_DIR, created when missing.
std::string load_jwt_secret(const core::Config& config);

using core::load_or_create_key_file;

}  // namespace decnet::api
