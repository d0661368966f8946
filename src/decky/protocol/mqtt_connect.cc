#include "decky/protocol/mqtt_connect.h"

namespace decnet::decky {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  std::optional<std::uint8_t> byte() {
    if (at_ >= s_.size()) return std::nullopt;
    return static_cast<std::uint8_t>(s_[at_++]);
  }
  std::optional<std::uint16_t> u16() {
    const auto hi = byte();
    const auto lo = byte();
    if (!hi || !lo) return std::nullopt;
    return static_cast<std::uint16_t>(*hi << 8 | *lo);
  }
  std::optional<std::string> text() {
    const auto n = u16();
    if (!n || s_.size() - at_ < *n) return std::nullopt;
    std::string out(s_.substr(at_, *n));
    at_ += *n;
    return out;
  }
  bool skip_properties() {
    bool complete = false;
    const auto length = mqtt_remaining_length(s_.substr(at_), complete);
    if (!length || s_.size() - at_ - length->bytes < length->value) return false;
    at_ += length->bytes + length->value;
    return true;
  }

 private:
  std::string_view s_;
  std::size_t at_ = 0;
};

}  // namespace

std::optional<MqttLength> mqtt_remaining_length(std::string_view after_first_byte, bool& complete) {
  complete = false;
  MqttLength out;
  std::size_t multiplier = 1;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i >= after_first_byte.size()) return std::nullopt;
    const auto b = static_cast<std::uint8_t>(after_first_byte[i]);
    out.value += (b & 0x7f) * multiplier;
    multiplier *= 128;
    if ((b & 0x80) == 0) {
      complete = true;
      out.bytes = i + 1;
      if (out.value > kMqttMaxPacket) return std::nullopt;
      return out;
    }
  }
  complete = true;  // a fifth byte: malformed
  return std::nullopt;
}

std::optional<MqttConnect> parse_mqtt_connect(std::string_view body) {
  Reader r(body);
  MqttConnect out;
  auto protocol = r.text();
  const auto level = r.byte();
  const auto flags = r.byte();
  const auto keepalive = r.u16();
  if (!protocol || !level || !flags || !keepalive) return std::nullopt;
  if (*protocol != "MQTT" && *protocol != "MQIsdp") return std::nullopt;
  out.protocol = std::move(*protocol);
  out.level = *level;
  if ((*flags & 0x01) != 0) return std::nullopt;  // the reserved bit
  if (out.level == 5 && !r.skip_properties()) return std::nullopt;
  auto client = r.text();
  if (!client) return std::nullopt;
  out.client_id = std::move(*client);
  if ((*flags & 0x04) != 0) {  // a will: its properties (5.0), topic and message
    if (out.level == 5 && !r.skip_properties()) return std::nullopt;
    if (!r.text() || !r.text()) return std::nullopt;
  }
  if ((*flags & 0x80) != 0) {
    out.username = r.text();
    if (!out.username) return std::nullopt;
  }
  if ((*flags & 0x40) != 0) {
    out.password = r.text();
    if (!out.password) return std::nullopt;
  }
  return out;
}

}  // namespace decnet::decky
