// Fuzzes the endpoint extraction over what attackers type: any bytes as a command. It must never
// crash, name more than kMaxEndpointsPerCommand endpoints, or name one that is not
// "<lowercase host with a dot>:<port of at most five digits>".
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "identity/infrastructure.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto found = decnet::identity::endpoints_in_command(text);
  decnet::fuzz::check(found.size() <= decnet::identity::kMaxEndpointsPerCommand);
  for (const auto& e : found) {
    const auto colon = e.rfind(':');
    decnet::fuzz::check(colon != std::string::npos && colon > 0 && e.size() - colon - 1 <= 5 &&
                        e.size() - colon - 1 >= 1);
    decnet::fuzz::check(e.substr(0, colon).find('.') != std::string::npos);
    for (std::size_t i = 0; i < colon; ++i) {
      const char c = e[i];
      decnet::fuzz::check(!(c >= 'A' && c <= 'Z'));
    }
  }
  return 0;
}
