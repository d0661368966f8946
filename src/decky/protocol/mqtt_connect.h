// MQTT's CONNECT packet (3.1 "MQIsdp", 3.1.1 and 5.0), the only packet a broker reads before it
// decides whether a client may in: protocol, client id, and the username and password when the
// flags say they are there. MQTT 5's properties (connect and will) are skipped by their length.
// The remaining-length varint is bounded to four bytes by the protocol and by kMqttMaxPacket
// here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::decky {

inline constexpr std::size_t kMqttMaxPacket = 65'536;

// The remaining length after a fixed header's first byte: (value, bytes it took); nullopt when
// more bytes are needed (`complete` false) or it is malformed or over kMqttMaxPacket.
struct MqttLength {
  std::size_t value = 0;
  std::size_t bytes = 0;
};
std::optional<MqttLength> mqtt_remaining_length(std::string_view after_first_byte, bool& complete);

struct MqttConnect {
  std::string protocol;  // "MQTT", "MQIsdp"
  int level = 0;         // 3, 4 or 5
  std::string client_id;
  std::optional<std::string> username;
  std::optional<std::string> password;
};

// The CONNECT's variable header and payload (what follows the remaining length); nullopt when
// it is not a well-formed CONNECT.
std::optional<MqttConnect> parse_mqtt_connect(std::string_view body);

}  // namespace decnet::decky
