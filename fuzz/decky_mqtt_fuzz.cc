// Fuzzes the decky's reader of MQTT CONNECT packets (3.1, 3.1.1, 5.0 with properties): the
// remaining length stays within its bound, and what is read stays within the packet.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/mqtt_connect.h"
#include "fuzz_support.h"

using decnet::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  bool complete = false;
  if (const auto n = decnet::decky::mqtt_remaining_length(input, complete)) {
    check(complete && n->bytes >= 1 && n->bytes <= 4 && n->value <= decnet::decky::kMqttMaxPacket);
  }
  if (const auto c = decnet::decky::parse_mqtt_connect(input)) {
    check(c->client_id.size() + c->username.value_or("").size() +
              c->password.value_or("").size() <=
          input.size());
  }
  return 0;
}
