// Fuzzes the decky's reader of TLS ClientHello records (JA3, server name, ALPN): nothing read
// outside the record, and what it yields is bounded by it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/tls_client_hello.h"
#include "fuzz_support.h"

using decnet::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto record = decnet::decky::tls_record_size(input);
  const auto hello = decnet::decky::parse_tls_client_hello(input);
  if (!hello) return 0;
  check(record && *record <= size);
  check(hello->ja3.size() == 32 && hello->server_name.size() <= 255 && hello->alpn.size() <= 16);
  // Each listed value is at most 5 digits and a dash, from 2 bytes of the record at least.
  check(hello->ja3_string.size() <= 3 * size + 16);
  return 0;
}
