// UUID generation and text forms. The v4 generator is per thread: a 32-byte ChaCha20 key from
// libsodium's OS-backed randombytes_buf() expands into a 4 KiB buffer with
// randombytes_buf_deterministic(); the first 32 bytes of each block become the next key (fast key
// erasure), so past ids cannot be recovered from a later state and the OS is asked only once per
// thread. A pthread_atfork() hook bumps a generation counter so a forked child never replays its
// parent's stream.
#include "core/uuid.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "core/text.h"

namespace decnet::core {
namespace {

std::atomic<uint64_t> g_fork_generation{1};

void on_fork_child() {
  g_fork_generation.fetch_add(1, std::memory_order_relaxed);
}

[[noreturn]] void fatal(const char* what) {
  std::fprintf(stderr, "decnet: fatal: %s\n", what);
  std::abort();
}

void ensure_sodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) fatal("sodium_init failed");
    pthread_atfork(nullptr, nullptr, &on_fork_child);
    return true;
  }();
  (void)ready;
}

class ThreadRng {
 public:
  void fill16(uint8_t* out) {
    if (pos_ + 16 > kBufSize || generation_ != g_fork_generation.load(std::memory_order_relaxed)) {
      refill();
    }
    std::memcpy(out, buf_ + pos_, 16);
    pos_ += 16;
  }

 private:
  static constexpr size_t kBufSize = 4096;
  static_assert(randombytes_SEEDBYTES == 32);

  void refill() {
    const uint64_t current = g_fork_generation.load(std::memory_order_relaxed);
    if (generation_ != current) {
      ensure_sodium();
      randombytes_buf(key_, sizeof key_);
      generation_ = current;
    }
    randombytes_buf_deterministic(buf_, kBufSize, key_);
    std::memcpy(key_, buf_, sizeof key_);
    pos_ = sizeof key_;
  }

  uint8_t key_[32] = {};
  uint8_t buf_[kBufSize] = {};
  size_t pos_ = kBufSize;
  uint64_t generation_ = 0;  // 0 = never seeded; the global counter starts at 1
};

thread_local ThreadRng t_rng;

const EVP_MD* sha1_md() {
  static EVP_MD* md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    if (m == nullptr) fatal("OpenSSL has no SHA1 digest");
    return m;
  }();
  return md;
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

Uuid Uuid::v4() {
  Uuid u;
  t_rng.fill16(u.bytes.data());
  u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0f) | 0x40);
  u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3f) | 0x80);
  return u;
}

// Monotonic within the process (RFC 9562 §6.2, method 1): the 12 bits after the millisecond
// count up within one millisecond, so uuids minted in order sort in order — the identity and
// campaign clusterers pick the oldest row by picking the smallest uuid. A counter that runs out
// borrows the next millisecond.
Uuid Uuid::v7() {
  static std::atomic<std::uint64_t> last{0};  // millisecond << 12 | counter
  const auto now =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  auto seen = last.load(std::memory_order_relaxed);
  std::uint64_t next = 0;
  do {
    next = (now << 12) > seen ? now << 12 : seen + 1;
  } while (!last.compare_exchange_weak(seen, next, std::memory_order_relaxed));
  Uuid u;
  t_rng.fill16(u.bytes.data());
  const auto ms = next >> 12;
  for (int i = 0; i < 6; ++i) u.bytes[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  u.bytes[6] = static_cast<uint8_t>(0x70 | ((next >> 8) & 0x0f));
  u.bytes[7] = static_cast<uint8_t>(next & 0xff);
  u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3f) | 0x80);
  return u;
}

Uuid Uuid::v5(const Uuid& ns, std::string_view name) {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), sha1_md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), ns.bytes.data(), ns.bytes.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), name.data(), name.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1 || len < 16) {
    fatal("SHA1 digest failed");
  }
  Uuid u;
  std::memcpy(u.bytes.data(), digest, 16);
  u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0f) | 0x50);
  u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3f) | 0x80);
  return u;
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
  const bool dashed = text.size() == 36;
  if (!dashed && text.size() != 32) return std::nullopt;
  if (dashed && (text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-')) {
    return std::nullopt;
  }
  Uuid u;
  size_t i = 0;
  for (uint8_t& b : u.bytes) {
    if (dashed && (i == 8 || i == 13 || i == 18 || i == 23)) ++i;
    const int hi = hex_digit_value(text[i]);
    const int lo = hex_digit_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    b = static_cast<uint8_t>((hi << 4) | lo);
    i += 2;
  }
  return u;
}

std::string Uuid::str() const {
  std::string out(36, '-');
  size_t o = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++o;
    out[o++] = kHexDigits[bytes[i] >> 4];
    out[o++] = kHexDigits[bytes[i] & 0x0f];
  }
  return out;
}

std::string Uuid::hex() const {
  std::string out(32, '0');
  for (size_t i = 0; i < 16; ++i) {
    out[2 * i] = kHexDigits[bytes[i] >> 4];
    out[2 * i + 1] = kHexDigits[bytes[i] & 0x0f];
  }
  return out;
}

bool Uuid::is_nil() const {
  for (uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

std::string random_hex_id() {
  return Uuid::v4().hex();
}

}  // namespace decnet::core

size_t std::hash<decnet::core::Uuid>::operator()(const decnet::core::Uuid& u) const noexcept {
  uint64_t a = 0;
  uint64_t b = 0;
  std::memcpy(&a, u.bytes.data(), 8);
  std::memcpy(&b, u.bytes.data() + 8, 8);
  // Random ids are already uniform; the mix keeps v5 and hand-made ids well spread too.
  return static_cast<size_t>((a ^ (b * 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL);
}
