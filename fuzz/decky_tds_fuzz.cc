// Fuzzes the decky's reader of TDS LOGIN7 records and packet headers: every field read lies
// within the record, and what the failed-login answer quotes stays bounded.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/tds_login.h"
#include "fuzz_support.h"

using decnet::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (const auto h = decnet::decky::parse_tds_header(input.substr(0, 8))) {
    check(h->length >= decnet::decky::kTdsHeaderBytes);
  }
  const auto login = decnet::decky::parse_tds_login7(input);
  if (!login) return 0;
  // Each field is UTF-16 from within the record (fields may overlap): at most 1.5 times as
  // many UTF-8 bytes (3 per unit, 4 per surrogate pair).
  for (const auto* f : {&login->hostname, &login->username, &login->password, &login->app_name,
                        &login->server_name, &login->library, &login->database}) {
    check(2 * f->size() <= 3 * input.size());
  }
  check(decnet::decky::tds_login_failed(login->username, login->server_name).size() < 1024);
  return 0;
}
