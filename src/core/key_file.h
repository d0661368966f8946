// Keys DECNET generates for itself and keeps in the data directory: the dashboard token key
// (jwt.key) and the key that encrypts webhook secrets at rest (webhook.key). There is no
// built-in default key: a key that ships with the program is a key every attacker has. A key
// file others can read is refused rather than silently fixed, because it may already have
// leaked. Error messages name the path, never the key.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace decnet::core {

inline constexpr std::size_t kMinKeyFileBytes = 32;
inline constexpr std::size_t kGeneratedKeyBytes = 64;

// Reads `path`, or creates it (mode 0600, never replacing a file another process created
// meanwhile) holding base64url(kGeneratedKeyBytes random bytes). Throws ConfigError when the
// file is not a regular file, is accessible by group or others, belongs to another user, or
// holds fewer than kMinKeyFileBytes bytes.
std::string load_or_create_key_file(const std::filesystem::path& path);

}  // namespace decnet::core
