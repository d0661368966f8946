// Fuzzes the decky's reader of PostgreSQL frontend messages (the first message and the
// password message): lengths stay within the bound, parameters within the body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/postgres_wire.h"
#include "fuzz_support.h"

using decnet::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (size >= 4) {
    if (const auto n = decnet::decky::pg_length(input.substr(0, 4))) {
      check(*n >= 4 && *n <= decnet::decky::kPgMaxMessage);
    }
  }
  const auto first = decnet::decky::parse_pg_first_message(input);
  std::size_t bytes = 0;
  for (const auto& [k, v] : first.parameters) bytes += k.size() + v.size() + 2;
  check(bytes <= input.size());
  if (const auto p = decnet::decky::parse_pg_password(input)) check(p->size() < input.size());
  return 0;
}
