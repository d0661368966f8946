// Parameters: libsodium's INTERACTIVE limits (2 passes over 64 MiB, about 50-100 ms on one
// core), not MODERATE (3 passes over 256 MiB, about 0.5-1 s). DECNET's master often runs on a
// 2-core host that is also ingesting syslog; MODERATE would make each login take most of a
// second of a core and a quarter GiB, so a handful of concurrent logins could starve the
// pipeline or exhaust memory. Brute force is held back by the login rate limits, and
// INTERACTIVE still costs an offline attacker 64 MiB per guess. On top of that, at most a few
// hashes run at once (a process-wide semaphore), which caps the memory a login flood can take.
#include "api/auth/passwords.h"

#include <sodium.h>

#include <algorithm>
#include <semaphore>
#include <stdexcept>
#include <thread>

#include "core/utf8.h"

namespace decnet::api {
namespace {

constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr std::size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
constexpr std::string_view kAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
constexpr std::ptrdiff_t kMaxConcurrentHashes = 4;

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

std::counting_semaphore<kMaxConcurrentHashes>& hash_slots() {
  static std::counting_semaphore<kMaxConcurrentHashes> slots(std::clamp<std::ptrdiff_t>(
      static_cast<std::ptrdiff_t>(std::thread::hardware_concurrency()), 1, kMaxConcurrentHashes));
  return slots;
}

class HashSlot {
 public:
  HashSlot() { hash_slots().acquire(); }
  ~HashSlot() { hash_slots().release(); }
  HashSlot(const HashSlot&) = delete;
  HashSlot& operator=(const HashSlot&) = delete;
};

}  // namespace

std::optional<std::string> check_password_policy(std::string_view password) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < password.size();) {
    const auto cp = core::next_code_point(password, i);
    if (!cp) return "Password must be valid UTF-8 text.";
    if (*cp < 0x20 || *cp == 0x7F || (*cp >= 0x80 && *cp < 0xA0)) {
      return "Password must not contain control characters.";
    }
    ++chars;
  }
  if (chars < kMinPasswordChars || chars > kMaxPasswordChars) {
    return "Password must be between " + std::to_string(kMinPasswordChars) + " and " +
           std::to_string(kMaxPasswordChars) + " characters long (it has " + std::to_string(chars) +
           ").";
  }
  return std::nullopt;
}

std::optional<std::string> check_username_policy(std::string_view username) {
  if (username.empty() || username.size() > kMaxUsernameBytes) {
    return "Username must be 1 to " + std::to_string(kMaxUsernameBytes) + " characters long.";
  }
  for (const char c : username) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '@';
    if (!ok) return "Username may only contain letters, digits, '.', '_', '-' and '@'.";
  }
  return std::nullopt;
}

std::string hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  int rc = 0;
  {
    HashSlot slot;
    rc = crypto_pwhash_str(out, password.data(), password.size(), kOpsLimit, kMemLimit);
  }
  if (rc != 0) throw std::runtime_error("argon2id hashing failed (out of memory)");
  return std::string(out);
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string terminated(hash);
  HashSlot slot;
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view hash) {
  ensure_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return true;
  const std::string terminated(hash);
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), kOpsLimit, kMemLimit) != 0;
}

std::string generate_password() {
  ensure_sodium();
  std::string out;
  out.reserve(kGeneratedPasswordChars);
  for (std::size_t i = 0; i < kGeneratedPasswordChars; ++i) {
    out += kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  }
  return out;
}

}  // namespace decnet::api
