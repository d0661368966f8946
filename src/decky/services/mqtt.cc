// An MQTT broker (Mosquitto-like) that lets nobody in: the CONNECT's client id, protocol and
// credentials are reported, and the answer is "not authorized" in the client's own protocol
// version. A client that sends anything but CONNECT first gets a protocol_error line and is
// dropped, as the protocol requires.
#include "decky/protocol/mqtt_connect.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

class MqttService final : public ConversationService {
 public:
 private:
  asio::awaitable<void> converse(Session& s) override {
    const auto first = co_await s.read_exact(1);
    if (!first) co_return;
    std::string length_bytes;
    std::optional<MqttLength> length;
    bool complete = false;
    while (!complete && length_bytes.size() < 4) {
      const auto b = co_await s.read_exact(1);
      if (!b) co_return;
      length_bytes += *b;
      length = mqtt_remaining_length(length_bytes, complete);
    }
    const auto type = static_cast<unsigned char>((*first)[0]) >> 4;
    if (!length || type != 1) {
      s.emit("protocol_error", {{"packet_type", std::to_string(type)}});
      co_return;
    }
    const auto body = co_await s.read_exact(length->value);
    if (!body) co_return;
    const auto connect = parse_mqtt_connect(*body);
    if (!connect) {
      s.emit("protocol_error", {{"packet_type", "1"}});
      co_return;
    }
    const std::string proto = connect->protocol + "/" + std::to_string(connect->level);
    if (connect->username || connect->password) {
      Fields f;
      append_credential(f, connect->username.value_or(""), connect->password.value_or(""));
      f.emplace_back("client_id", connect->client_id);
      f.emplace_back("proto", proto);
      s.emit("auth", std::move(f));
    } else {
      s.emit("packet", {{"type", "CONNECT"}, {"client_id", connect->client_id}, {"proto", proto}});
    }
    // CONNACK: "not authorized" (5.0 reason 0x87, with no properties; 3.x return code 5).
    co_await s.write(connect->level == 5 ? std::string("\x20\x03\x00\x87\x00", 5)
                                         : std::string("\x20\x02\x00\x05", 4));
  }
};

}  // namespace

std::unique_ptr<Service> make_mqtt_service(const Persona&, const ServiceSettings&) {
  return std::make_unique<MqttService>();
}

}  // namespace decnet::decky
