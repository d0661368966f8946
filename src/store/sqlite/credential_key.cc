#include "store/sqlite/credential_key.h"

#include <bit>
#include <string>

#include "core/hash.h"

namespace decnet::store::sqlite {
namespace {

// Fixed, so keys stay the same across restarts and versions. Knowing it lets a sender aim two of
// its own tuples at one key, which costs it a probe and nothing else.
constexpr core::ShortHashKey kTupleHashKey = {0x64, 0x65, 0x63, 0x6e, 0x65, 0x74, 0x2d, 0x63,
                                              0x72, 0x65, 0x64, 0x2d, 0x6b, 0x65, 0x79, 0x31};

// The first 32 bits of a hex digest.
std::uint64_t secret_head(std::string_view hex) {
  const auto bytes = core::from_hex(hex.substr(0, 8));
  if (!bytes || bytes->size() != 4) return 0;
  std::uint64_t head = 0;
  for (const char b : *bytes) head = (head << 8) | static_cast<unsigned char>(b);
  return head;
}

void append_field(std::string& out, std::string_view field) {
  const auto n = static_cast<std::uint32_t>(field.size());
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  out.append(field);
}

void secret_key_floor_sql(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const auto size = static_cast<std::size_t>(sqlite3_value_bytes(argv[0]));
  sqlite3_result_int64(ctx, secret_key_floor(text ? std::string_view(text, size) : ""));
}

}  // namespace

std::int64_t credential_key(const CredentialKeyFields& f) {
  std::string packed;
  packed.reserve(64 + f.attacker_ip_key.size() + f.decky.size() + f.service.size() +
                 f.secret_kind.size() + f.principal_key.size() + 24);
  for (const auto field :
       {f.attacker_ip_key, f.decky, f.service, f.secret_kind, f.secret_sha256, f.principal_key}) {
    append_field(packed, field);
  }
  const std::uint64_t low = core::keyed_hash64(kTupleHashKey, packed) & 0xffffffffU;
  return std::bit_cast<std::int64_t>((secret_head(f.secret_sha256) << 32) | low);
}

std::int64_t next_credential_key(std::int64_t key) {
  const auto k = std::bit_cast<std::uint64_t>(key);
  const std::uint64_t low = (k + 1) & 0xffffffffU;
  return std::bit_cast<std::int64_t>((k & ~std::uint64_t{0xffffffffU}) | low);
}

std::int64_t secret_key_floor(std::string_view secret_sha256) {
  return std::bit_cast<std::int64_t>(secret_head(secret_sha256) << 32);
}

void register_credential_key_functions(sqlite3* db) {
  sqlite3_create_function_v2(db, "secret_key_floor", 1,
                             SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                             secret_key_floor_sql, nullptr, nullptr, nullptr);
}

}  // namespace decnet::store::sqlite
