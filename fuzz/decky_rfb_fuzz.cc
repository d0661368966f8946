// Fuzzes the decky's reader of RFB ProtocolVersion messages: only "RFB ddd.ddd\n" parses, and
// the version negotiated from it is one a server may speak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/rfb_handshake.h"
#include "fuzz_support.h"

using decnet::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto v = decnet::decky::parse_rfb_version(input);
  if (!v) return 0;
  check(size == decnet::decky::kRfbVersionBytes && input.substr(0, 4) == "RFB ");
  check(v->major >= 0 && v->major <= 999 && v->minor >= 0 && v->minor <= 999);
  const auto n = decnet::decky::negotiated_rfb_version(*v);
  check(n.major == 3 && (n.minor == 3 || n.minor == 7 || n.minor == 8));
  const auto failed = decnet::decky::rfb_security_failed(n, "x");
  check(failed.size() == (n.minor == 8 ? 9u : 4u));
  return 0;
}
