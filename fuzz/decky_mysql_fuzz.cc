// Fuzzes the decky's reader of MySQL logins (HandshakeResponse41 and the packet header): what is
// read stays within the payload and the header's bound holds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/mysql_wire.h"
#include "fuzz_support.h"

using decnet::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (const auto h = decnet::decky::parse_mysql_header(input.substr(0, 4))) {
    check(h->length <= decnet::decky::kMysqlMaxPacket);
  }
  if (const auto r = decnet::decky::parse_mysql_handshake_response(input)) {
    check(r->username.size() + r->auth_response.size() + r->database.size() + r->plugin.size() <=
          input.size());
    check(!r->ssl_request || (r->username.empty() && r->auth_response.empty()));
  }
  return 0;
}
